import Foundation
import Support

#if canImport(Glibc)
import Glibc
#endif

/// The agent's view of the process it signs for, taken when the connection is accepted and checked
/// again for the request: the connecting pid (SO_PEERCRED), the identity of its executable and its
/// start time. A request is served only if the kernel says every byte of it came from that same
/// process (SCM_CREDENTIALS on each message), the process still runs the same executable, was not
/// replaced (pid reuse), is not traced and carries no loader-injection environment.
public struct RequestSender: Sendable {
    var pid: Int32
    var uid: UInt32
    var executable: FileIdentity
    var startTime: Int64

    struct FileIdentity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    /// Environment names that make the dynamic loader (or libc) load code the measurement does not cover.
    static func isLoaderInjection(_ name: Substring) -> Bool {
        name.hasPrefix("LD_") || ["GCONV_PATH", "LOCPATH", "NLSPATH", "GLIBC_TUNABLES", "MALLOC_TRACE"].contains(String(name))
    }

    static func observe(_ fd: Int32) throws(AgentError) -> RequestSender {
        let peer = try PeerCredentials.of(fd)
        return RequestSender(pid: peer.pid, uid: peer.uid, executable: try executableIdentity(peer.pid),
                             startTime: try startTime(peer.pid))
    }

    /// Where a measured process may map executable code from besides its own executable: the
    /// system's library directories and the Swift runtime. Code mapped from anywhere else (a
    /// library preloaded from /tmp, one found through $ORIGIN next to a copied binary, a memfd)
    /// is code the measurement does not cover. Nodes add directories with `--trusted-library-dir`.
    public static let defaultTrustedLibraryDirectories = ["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/libexec", "/opt/swift"]

    /// Executable file mappings whose memory differs from the file they map (code patched in
    /// place by a tracer before the process hardened itself): the first such path, or nil.
    static func patchedText(_ pid: Int32) throws(AgentError) -> String? {
        guard let maps = ProcFile.text("/proc/\(pid)/maps") else { throw AgentError(.measurement, "cannot read /proc/\(pid)/maps") }
        let memory = open("/proc/\(pid)/mem", O_RDONLY | O_CLOEXEC)
        guard memory >= 0 else { throw AgentError(.measurement, "cannot open /proc/\(pid)/mem (the agent needs root or CAP_SYS_PTRACE)") }
        defer { close(memory) }
        var inMemory = [UInt8](repeating: 0, count: 1 << 20), onDisk = [UInt8](repeating: 0, count: 1 << 20)
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1].contains("x"), fields[5].hasPrefix("/") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
                  let offset = UInt64(fields[2], radix: 16) else { continue }
            let path = String(fields[5]).trimmingCharacters(in: .whitespaces)
            let file = open("/proc/\(pid)/map_files/\(fields[0])", O_RDONLY | O_CLOEXEC)
            guard file >= 0 else { continue }
            defer { close(file) }
            var position: UInt64 = 0
            while position < end - start {
                let count = Int(min(UInt64(inMemory.count), end - start - position))
                let fromMemory = inMemory.withUnsafeMutableBytes { pread(memory, $0.baseAddress, count, off_t(Int64(bitPattern: start + position))) }
                let fromFile = onDisk.withUnsafeMutableBytes { pread(file, $0.baseAddress, count, off_t(Int64(bitPattern: offset + position))) }
                guard fromMemory > 0 else { break }
                // Past the file's end a mapping reads as zeros.
                let compared = fromMemory
                if fromFile < compared { for i in max(0, fromFile)..<compared { onDisk[i] = 0 } }
                if inMemory.withUnsafeBytes({ a in onDisk.withUnsafeBytes({ b in memcmp(a.baseAddress!, b.baseAddress!, compared) }) }) != 0 {
                    return path
                }
                position += UInt64(compared)
            }
        }
        return nil
    }

    /// Everything checked again after the request arrived, in the order an attacker would try.
    func verify(senders: Set<Int32>, trustedLibraryDirectories: [String]) throws(AgentError) {
        guard senders == [pid] else {
            let others = senders.subtracting([pid]).sorted().map(String.init).joined(separator: ", ")
            throw AgentError(.refused, "the request was sent by process \(others), not by process \(pid) that connected (a forked or passed socket)")
        }
        guard try Self.startTime(pid) == startTime else {
            throw AgentError(.refused, "process \(pid) ended while asking (its pid now names another process)")
        }
        guard try Self.executableIdentity(pid) == executable else {
            throw AgentError(.refused, "process \(pid) executed another program after connecting")
        }
        let tracer = try Self.tracerPid(pid)
        guard tracer == 0 else {
            throw AgentError(.refused, "process \(pid) is traced by process \(tracer) (a debugger could change what runs)")
        }
        if let name = try Self.injectedVariable(pid) {
            throw AgentError(.refused, "process \(pid) started with \(name) in its environment (loader injection: code the measurement does not cover)")
        }
        if let foreign = try Self.foreignCode(pid, trusted: trustedLibraryDirectories) {
            throw AgentError(.refused, "process \(pid) maps executable code from \(foreign.prefix(200)), outside its executable and the node's trusted library directories (code the measurement does not cover)")
        }
        if let patched = try Self.patchedText(pid) {
            throw AgentError(.refused, "process \(pid) runs code of \(patched.prefix(200)) that differs from the file (patched in memory)")
        }
    }

    /// The first executable mapping of the process that is anonymous (code written at run time:
    /// injected, or a JIT), or a file neither its executable nor under a trusted directory (an
    /// environment scrubbed by preloaded code does not hide its mapping).
    static func foreignCode(_ pid: Int32, trusted: [String]) throws(AgentError) -> String? {
        guard let maps = ProcFile.text("/proc/\(pid)/maps") else {
            throw AgentError(.measurement, "cannot read /proc/\(pid)/maps")
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
        for line in maps.split(separator: "\n") {
            // address perms offset dev inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].contains("x") else { continue }
            let path = fields.count == 6 ? String(fields[5]).trimmingCharacters(in: .whitespaces) : ""
            if path == "[vdso]" || path == "[vsyscall]" { continue }
            if path.isEmpty || path.hasPrefix("[") { return "an anonymous executable mapping (\(fields[0]))" }
            if path == executable { continue }
            let clean = !path.hasSuffix(" (deleted)") && path.hasPrefix("/") && !path.contains("/../")
            if clean, trusted.contains(where: { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) { continue }
            return path
        }
        return nil
    }

    static func executableIdentity(_ pid: Int32) throws(AgentError) -> FileIdentity {
        var info = stat()
        guard stat("/proc/\(pid)/exe", &info) == 0 else {
            throw AgentError(.measurement, "cannot stat /proc/\(pid)/exe (errno \(errno))")
        }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Field 22 of /proc/PID/stat.
    static func startTime(_ pid: Int32) throws(AgentError) -> Int64 {
        guard let text = ProcFile.text("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else {
            throw AgentError(.measurement, "cannot read /proc/\(pid)/stat")
        }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let value = Int64(fields[19]) else { throw AgentError(.measurement, "/proc/\(pid)/stat has no start time") }
        return value
    }

    static func tracerPid(_ pid: Int32) throws(AgentError) -> Int32 {
        guard let text = ProcFile.text("/proc/\(pid)/status") else {
            throw AgentError(.measurement, "cannot read /proc/\(pid)/status")
        }
        for line in text.split(separator: "\n") where line.hasPrefix("TracerPid:") {
            return Int32(line.dropFirst("TracerPid:".count).trimmingCharacters(in: .whitespaces)) ?? -1
        }
        throw AgentError(.measurement, "/proc/\(pid)/status has no TracerPid")
    }

    /// The first loader-injection variable of the environment the process started with.
    static func injectedVariable(_ pid: Int32) throws(AgentError) -> String? {
        guard let data = ProcFile.bytes("/proc/\(pid)/environ") else {
            throw AgentError(.measurement, "cannot read /proc/\(pid)/environ (the agent needs root or CAP_SYS_PTRACE)")
        }
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            let name = text.prefix(while: { $0 != "=" })
            if isLoaderInjection(name) { return String(name) }
        }
        return nil
    }
}

extension UnixSocket {
    /// SO_PASSCRED on a connected socket: every message read afterwards carries its sender's pid.
    static func enableCredentialPassing(_ fd: Int32) throws(AgentError) {
        var on: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw AgentError(.socket, "cannot enable SO_PASSCRED (errno \(errno))")
        }
    }

    /// Reads up to the first newline (excluded), collecting the pid of every message's sender
    /// (SCM_CREDENTIALS); waits for data without holding a thread. nil line when it exceeds `limit`.
    static func readCredentialedLine(_ connection: UnixConnection, limit: Int) async throws -> (line: [UInt8]?, senders: Set<Int32>) {
        var buffer = LineBuffer(limit: limit)
        var senders = Set<Int32>()
        var chunk = [UInt8](repeating: 0, count: 4096)
        // cmsghdr (16) + ucred (12), aligned: 32 bytes; room for a few.
        var control = [UInt8](repeating: 0, count: 128)
        while true {
            let n = receiveCredentialed(connection.fd, into: &chunk, control: &control, senders: &senders)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    try await connection.readable()
                    continue
                }
                throw AgentError(.socket, "read from socket failed (errno \(errno))")
            }
            if n == 0 { return (buffer.atEnd().line, senders) }
            if let outcome = buffer.append(chunk[0..<n]) { return (outcome.line, senders) }
        }
    }

    /// One recvmsg(2) without waiting; the senders of what it read are added to `senders`.
    private static func receiveCredentialed(_ fd: Int32, into chunk: inout [UInt8], control: inout [UInt8], senders: inout Set<Int32>) -> Int {
        chunk.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { control in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = control.baseAddress
                    message.msg_controllen = control.count
                    let received = recvmsg(fd, &message, Int32(MSG_DONTWAIT))
                    if received >= 0 { collectSenders(&message, into: &senders) }
                    return received
                }
            }
        }
    }

    private static func collectSenders(_ message: inout msghdr, into senders: inout Set<Int32>) {
        guard message.msg_controllen >= MemoryLayout<cmsghdr>.size, let control = message.msg_control else {
            senders.insert(-1)  // a message without credentials: not from a process we can name
            return
        }
        var offset = 0
        let total = Int(message.msg_controllen)
        var found = false
        while offset + MemoryLayout<cmsghdr>.size <= total {
            let header = control.load(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(header.cmsg_len)
            guard length >= MemoryLayout<cmsghdr>.size, offset + length <= total else { break }
            if header.cmsg_level == SOL_SOCKET, header.cmsg_type == 2 /* SCM_CREDENTIALS */,
               length >= MemoryLayout<cmsghdr>.size + 12 {
                senders.insert(control.load(fromByteOffset: offset + MemoryLayout<cmsghdr>.size, as: Int32.self))
                found = true
            }
            offset += (length + 7) & ~7
        }
        if !found { senders.insert(-1) }
    }
}
