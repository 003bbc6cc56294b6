import Foundation

/// The thread the package's socket services (the node agent, the KMS proxy) run their tasks on,
/// as a task executor they prefer. Swift's cooperative pool has as many threads as cores — two
/// on our nodes — and any code that blocks one of them (a synchronous library call, a test
/// waiting on a process) would hold up every connection; on a thread of their own the services
/// answer regardless. Their work is short (reads, writes, a KMS request awaited); anything long
/// (measuring an executable) goes to `Offload`.
public final class ServiceThread: TaskExecutor, @unchecked Sendable {  // `jobs` is only touched under `condition`
    public static let shared = ServiceThread(name: "strongroom-services")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(name: String) {
        let thread = Thread { [unowned self] in run() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let ready = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in ready { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
