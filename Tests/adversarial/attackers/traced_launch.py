"""Starts a program under this process's ptrace (PTRACE_SEIZE before its execve, as a debugger
would) and detaches only when the program first connects to CAS — i.e. after it made itself
non-dumpable and before it asks the node agent for evidence. While attached, a tracer can read
and write the program's memory at will (what it will exec, the keys it generates); this script
only proves the window exists. The program's CAS URL must be {PROXY}: a TCP relay to the real
CAS (TLS passes through untouched) that holds the first connection until the detach is done.

  traced_launch.py CAS_HOST:PORT PROGRAM ARGS…   (an argument "{PROXY}" is replaced by https://127.0.0.1:RELAY)
Prints one JSON line: {"status": exit status, "tracer": this pid, "tracer_pid_at_first_connection": the
TracerPid the program's /proc status showed when it first connected to CAS}."""
import ctypes
import json
import os
import signal
import socket
import sys
import threading

PTRACE_CONT, PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 7, 17, 0x4206, 0x4207
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def ptrace(request, pid, data=0):
    if libc.ptrace(request, pid, None, ctypes.c_void_p(data)) != 0:
        raise OSError(ctypes.get_errno(), f"ptrace({request}) failed")


def relay(client, upstream_address):
    upstream = socket.create_connection(upstream_address)

    def pump(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    argv = [a.replace("{PROXY}", f"https://127.0.0.1:{listener.getsockname()[1]}") for a in sys.argv[2:]]
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.read(go_read, 1)  # wait until the tracer is attached
        os.execv(argv[0], argv)
    ptrace(PTRACE_SEIZE, pid)
    os.write(go_write, b"x")

    connected = threading.Event()
    held = []

    def accept_loop():
        while True:
            client, _ = listener.accept()
            if not connected.is_set():
                held.append(client)
                connected.set()
            else:
                relay(client, (host, int(port)))
    threading.Thread(target=accept_loop, daemon=True).start()

    traced = True
    status = None
    tracer_seen = None
    while True:
        if connected.is_set() and traced:
            # Stop it, detach, and only then let its first CAS connection through.
            status_text = open(f"/proc/{pid}/status").read()
            tracer_seen = int(next(line for line in status_text.splitlines() if line.startswith("TracerPid:")).split()[1])
            ptrace(PTRACE_INTERRUPT, pid)
            while True:
                _, st = os.waitpid(pid, 0x40000000)  # __WALL
                if os.WIFSTOPPED(st):
                    break
            ptrace(PTRACE_DETACH, pid)
            traced = False
            for client in held:
                relay(client, (host, int(port)))
            continue
        try:
            waited, st = os.waitpid(pid, os.WNOHANG | 0x40000000)
        except ChildProcessError:
            break
        if waited == 0:
            connected.wait(0.005)
            continue
        if os.WIFEXITED(st) or os.WIFSIGNALED(st):
            status = os.waitstatus_to_exitcode(st)
            break
        if os.WIFSTOPPED(st) and traced:
            sig = os.WSTOPSIG(st)
            # signal-delivery-stop: pass the signal on; group/event stops: just continue
            ptrace(PTRACE_CONT, pid, sig if (st >> 16) == 0 and sig != signal.SIGTRAP else 0)
    print(json.dumps({"status": status, "tracer": os.getpid(), "tracer_pid_at_first_connection": tracer_seen}), flush=True)


main()
