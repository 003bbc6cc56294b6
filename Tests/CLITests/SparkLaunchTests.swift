import Foundation
import Synchronization
import Testing

import Spark

@Suite struct ExecutorRefusalWatchTests {
    final class Count: Sendable {
        let value = Mutex(0)
    }

    @Test func refusedExecutorsAreNamedWithTheirWorkerAndTheJobIsEndedOnce() {
        let ended = Count()
        let watch = ExecutorRefusalWatch(onFirstRefusal: { ended.value.withLock { $0 += 1 } })
        for line in [
            "26/11/27 06:57:18 INFO StandaloneAppClient$ClientEndpoint: Executor added: app-20261127065717-0001/0 on worker-20261127065430-127.0.0.1-42125 (127.0.0.1:42125) with 1 core(s)",
            "26/11/27 06:57:19 INFO StandaloneAppClient$ClientEndpoint: Executor updated: app-20261127065717-0001/0 is now EXITED (Command exited with code 77)",
            "26/11/27 06:57:19 INFO StandaloneSchedulerBackend: Executor app-20261127065717-0001/0 removed: Command exited with code 77",
            "26/11/27 06:57:19 INFO StandaloneSchedulerBackend: Executor app-20261127065717-0001/1 removed: Command exited with code 77",
            "26/11/27 06:57:20 INFO StandaloneSchedulerBackend: Executor app-20261127065717-0001/2 removed: Command exited with code 1",
        ] { watch.observe(line) }
        #expect(watch.refusals == [
            "executor app-20261127065717-0001/0 on worker-20261127065430-127.0.0.1-42125 (127.0.0.1:42125)",
            "executor app-20261127065717-0001/1",
        ])
        #expect(ended.value.withLock { $0 } == 1)
    }
}
