import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a Unix-socket call failed (errno in the message; never a payload).
public typealias SocketError = CodedError<SocketErrorCode>

public struct SocketErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    public static let socket = Self("socket")
    /// A connection made no progress before its deadline.
    public static let timeout = Self("timeout")
}

/// Small wrappers over the POSIX calls of the package's Unix-socket services and their clients
/// (the node agent, the KMS proxy).
public enum UnixSocket {
    /// `sockaddr_un` for `path`; Linux allows 107 bytes plus the terminating NUL.
    public static func address(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw SocketError(.socket, "socket path must be 1 to \(capacity - 1) bytes: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// `service` names what listens there, for the message ("the node agent").
    public static func connect(_ path: String, service: String = "the socket") throws(SocketError) -> Int32 {
        var address = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(.socket, "cannot create a Unix socket (errno \(errno))") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SocketError(.socket, "cannot connect to \(service) at \(path) (errno \(code))")
        }
        return fd
    }

    public static func setTimeouts(_ fd: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads up to the first newline (excluded) or EOF. nil when the line exceeds `limit`.
    public static func readLine(_ fd: Int32, limit: Int) throws(SocketError) -> [UInt8]? {
        var buffer = LineBuffer(limit: limit)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw SocketError(.socket, "read from socket failed (errno \(errno))") }
            if n == 0 { return buffer.atEnd().line }
            if let outcome = buffer.append(chunk[0..<n]) { return outcome.line }
        }
    }

    /// Writes everything; MSG_NOSIGNAL so a vanished peer is an error, not SIGPIPE.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(SocketError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw SocketError(.socket, "write to socket failed (errno \(errno))") }
            done += n
        }
    }
}
