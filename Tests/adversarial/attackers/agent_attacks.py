"""Attacks on the node agent (simulated TEE) from a local process. Each mode prints one JSON
object: the agent's answer ({"evidence": …} or {"error": …}) plus what the attack observed.

  agent_attacks.py ask SOCK                  honest request (control)
  agent_attacks.py fork SOCK                 connect, fork; the child sends the request
  agent_attacks.py pass-fd SOCK              connect, hand the socket (SCM_RIGHTS) to another process that sends
  agent_attacks.py exec SOCK PYTHON          connect as this program, exec PYTHON (another executable) which sends
  agent_attacks.py send-fd FD CHALLENGE      (helper of exec/pass-fd: send the request on an inherited socket)
  agent_attacks.py traced SOCK               ask while traced (PTRACE_TRACEME: the parent is the tracer)
  agent_attacks.py unsetenv SOCK NAME        drop NAME from the environment first, then ask
  agent_attacks.py scrub SOCK NAME           overwrite NAME=… in the initial environment memory, then ask
  agent_attacks.py wrong-challenge SOCK      answer with a challenge of another connection
  agent_attacks.py no-challenge SOCK         the old protocol: report data only
"""
import ctypes
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import srlib  # noqa: E402

REPORT = bytes(range(64))


def connect(sock_path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    challenge = json.loads(srlib._read_line(s))["challenge"]
    return s, challenge


def finish(s, line):
    s.settimeout(10)  # an inherited socket keeps the O_NONBLOCK its first owner's timeout set
    s.sendall(line + b"\n")
    return json.loads(srlib._read_line(s) or b'{"error": "(connection closed)"}')


def emit(answer, **extra):
    out = dict(answer)
    if "evidence" in out:
        out["measurement"] = srlib.simulated_measurement(out["evidence"])
    out.update(extra)
    print(json.dumps(out), flush=True)


def main():
    mode = sys.argv[1]
    if mode == "ask":
        s, challenge = connect(sys.argv[2])
        emit(finish(s, srlib.request_line(REPORT, challenge)), pid=os.getpid())
    elif mode == "fork":
        s, challenge = connect(sys.argv[2])
        pid = os.fork()
        if pid == 0:  # the child speaks for the parent it is not
            try:
                emit(finish(s, srlib.request_line(REPORT, challenge)), sender=os.getpid(), connector=os.getppid())
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
    elif mode == "pass-fd":
        s, challenge = connect(sys.argv[2])
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        helper = subprocess.Popen([sys.executable, __file__, "receive-fd", str(theirs.fileno()), challenge],
                                  pass_fds=[theirs.fileno()], stdout=subprocess.PIPE, text=True)
        theirs.close()
        socket.send_fds(ours, [b"x"], [s.fileno()])
        s.close()
        out, _ = helper.communicate(timeout=20)
        print(out.strip(), flush=True)
    elif mode == "receive-fd":
        carrier = socket.socket(fileno=int(sys.argv[2]))
        _, fds, _, _ = socket.recv_fds(carrier, 1, 1)
        s = socket.socket(fileno=fds[0])
        emit(finish(s, srlib.request_line(REPORT, sys.argv[3])), sender=os.getpid())
    elif mode == "exec":
        s, challenge = connect(sys.argv[2])
        os.set_inheritable(s.fileno(), True)
        python = sys.argv[3]
        os.execv(python, [python, __file__, "send-fd", str(s.fileno()), challenge])
    elif mode == "send-fd":
        s = socket.socket(fileno=int(sys.argv[2]))
        emit(finish(s, srlib.request_line(REPORT, sys.argv[3])), sender=os.getpid(), exe=os.path.realpath("/proc/self/exe"))
    elif mode == "traced":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        if libc.ptrace(0, 0, None, None) != 0:  # PTRACE_TRACEME
            raise SystemExit(f"PTRACE_TRACEME failed: errno {ctypes.get_errno()}")
        status = open("/proc/self/status").read()
        tracer = [line for line in status.splitlines() if line.startswith("TracerPid:")][0].split()[1]
        s, challenge = connect(sys.argv[2])
        emit(finish(s, srlib.request_line(REPORT, challenge)), tracer=int(tracer))
    elif mode == "unsetenv":
        name = sys.argv[3]
        os.environ.pop(name, None)
        os.unsetenv(name)
        s, challenge = connect(sys.argv[2])
        emit(finish(s, srlib.request_line(REPORT, challenge)), env_has=name in os.environ)
    elif mode == "scrub":
        name = sys.argv[3].encode()
        # What a preloaded library's constructor can do before main: rewrite the initial
        # environment block (/proc/PID/environ reads exactly this memory) so NAME is not seen.
        fields = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
        env_start, env_end = int(fields[-3]), int(fields[-2])  # fields 50 and 51 of stat(5)
        with open("/proc/self/mem", "r+b", buffering=0) as mem:
            mem.seek(env_start)
            block = mem.read(env_end - env_start)
            entries = block.split(b"\0")
            cleaned = b"\0".join(b"X" * len(e) if e.startswith(name + b"=") else e for e in entries)
            mem.seek(env_start)
            mem.write(cleaned)
        seen = open("/proc/self/environ", "rb").read()
        s, challenge = connect(sys.argv[2])
        emit(finish(s, srlib.request_line(REPORT, challenge)), still_visible=(name + b"=") in seen)
    elif mode == "wrong-challenge":
        s1, old = connect(sys.argv[2])
        s1.close()
        s, challenge = connect(sys.argv[2])
        emit(finish(s, srlib.request_line(REPORT, old)))
    elif mode == "no-challenge":
        s, _ = connect(sys.argv[2])
        emit(finish(s, json.dumps({"report_data": srlib.b64(REPORT)}).encode()))
    else:
        raise SystemExit(f"unknown mode {mode}")


main()
