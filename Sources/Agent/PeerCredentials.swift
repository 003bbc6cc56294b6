#if canImport(Glibc)
import Glibc
#endif

/// The connecting process as the kernel saw it at connect(2): SO_PEERCRED. The agent trusts
/// only this, never anything the client says about itself.
public struct PeerCredentials {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// `struct ucred` (Linux, <bits/socket.h>): pid, uid, gid. Glibc hides it behind
    /// _GNU_SOURCE, so the layout is spelled out here.
    private struct UCred {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// SO_PEERCRED from <asm-generic/socket.h> (x86_64 and arm64).
    private static let soPeerCred: Int32 = 17

    public static func of(_ fd: Int32) throws(AgentError) -> PeerCredentials {
        var cred = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
        guard getsockopt(fd, SOL_SOCKET, soPeerCred, &cred, &length) == 0, length == MemoryLayout<UCred>.size,
            cred.pid > 0
        else {
            throw AgentError(.socket, "cannot read the peer's credentials (SO_PEERCRED, errno \(errno))")
        }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
    }
}
