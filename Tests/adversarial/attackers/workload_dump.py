"""A workload started by `strongroom run`: prints what it received (its environment, the files
of its private directory, its working directory and arguments) as one JSON line, so a test can
see exactly what reached the child. With --sleep N it then waits (for kill tests), writing
its pid to --pid-file first."""
import json
import os
import sys
import time


def files_under(path):
    out = {}
    if path and os.path.isdir(path):
        for base, _, names in os.walk(path):
            for name in names:
                full = os.path.join(base, name)
                try:
                    with open(full, "rb") as f:
                        out[os.path.relpath(full, path)] = f.read().decode("utf-8", "replace")
                except OSError as e:
                    out[os.path.relpath(full, path)] = f"<{e.strerror}>"
    return out


def kms_proxy(request):
    """One request to the KMS proxy of the strongroom run that started us (STRONGROOM_KMS_SOCKET)."""
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.environ["STRONGROOM_KMS_SOCKET"])
    s.sendall(json.dumps(request).encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return json.loads(data or b'{"error": "(closed)"}')


args = sys.argv[1:]
kms = None
if "--kms-unwrap" in args:
    i = args.index("--kms-unwrap")
    kms = kms_proxy({"op": "unwrap", "master_key_id": args[i + 1], "wrapped_key": args[i + 2]})
print(json.dumps({"env": dict(os.environ), "argv": args, "cwd": os.getcwd(), "kms": kms,
                  "private": files_under(os.environ.get("STRONGROOM_PRIVATE_DIR")),
                  "code": sorted(files_under(os.environ.get("STRONGROOM_CODE_DIR")))}), flush=True)
if "--pid-file" in args:
    target = args[args.index("--pid-file") + 1]
    with open(target + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.replace(target + ".tmp", target)  # whole or absent
if "--sleep" in args:
    time.sleep(float(args[args.index("--sleep") + 1]))
