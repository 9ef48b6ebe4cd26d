#!/usr/bin/python3
"""Connection set-up through a run's egress proxy versus direct, side by side.

A test host in a network namespace (tests/net/nshost.py) serves HTTP. The
same Python loop runs twice: on the host, connecting straight to it, and
inside a sandboxed run holding a grant, through the proxy (CONNECT, then
the request inside the tunnel). Each iteration times the set-up (from
connect() until the connection can carry the request: TCP connect direct;
TCP connect to the proxy plus CONNECT and its "200" through the proxy)
and the whole GET (set-up, request, response). Prints medians, p90 and
the proxy/direct ratios as Markdown. Root only.

    bench/net.py SKITTY [N]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "net"))
from nshost import PORT, Host  # noqa: E402

SKITTY = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
ADDR = "10.231.251.2"

LOOP = r"""
import json, socket, statistics, time
ADDR, PORT, N, PROXY = %r, %d, %d, %r
req = ("GET /data.json HTTP/1.1\r\nHost: %%s:%%d\r\nConnection: close\r\n\r\n" %% (ADDR, PORT)).encode()
def until(s, marker):
    buf = b""
    while marker not in buf:
        d = s.recv(65536)
        if not d:
            break
        buf += d
    return buf
setup, whole = [], []
for i in range(N):
    t0 = time.perf_counter()
    if PROXY:
        s = socket.create_connection(("127.0.0.1", 3128))
        s.sendall(("CONNECT %%s:%%d HTTP/1.1\r\nHost: %%s:%%d\r\n\r\n" %% (ADDR, PORT, ADDR, PORT)).encode())
        head = until(s, b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
    else:
        s = socket.create_connection((ADDR, PORT))
    t1 = time.perf_counter()
    s.sendall(req)
    body = until(s, b"world")
    assert b"world" in body, body
    t2 = time.perf_counter()
    s.close()
    setup.append((t1 - t0) * 1000)
    whole.append((t2 - t0) * 1000)
def q(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]
print(json.dumps({"setup_p50": statistics.median(setup), "setup_p90": q(setup, 0.9),
                  "get_p50": statistics.median(whole), "get_p90": q(whole, 0.9)}))
"""


def main():
    tmp = tempfile.mkdtemp(prefix="skitty-bench-net-")
    host = Host("z", ADDR, tmp, "bench")
    try:
        direct = subprocess.run(["/usr/bin/python3", "-c", LOOP % (ADDR, PORT, N, False)],
                                capture_output=True, text=True, check=True)
        d = json.loads(direct.stdout)
        conf = os.path.join(tmp, "net.conf")
        with open(conf, "w") as f:
            f.write("[sandbox]\nwall_s = 60\n[network]\ngrants = true\nallow = %s:%d\n"
                    "max_connections = 1024\nmax_kb = 4194304\nconnection_s = 60\n" % (ADDR, PORT))
        prog = os.path.join(tmp, "loop.py")
        with open(prog, "w") as f:
            f.write(LOOP % (ADDR, PORT, N, True))
        r = subprocess.run([SKITTY, "run", "--config", conf, "--timeout", "60",
                            "--allow", "%s:%d" % (ADDR, PORT), prog],
                           capture_output=True, text=True, check=True)
        res = json.loads(r.stdout)
        if res["status"] != "ok":
            sys.exit("the proxied loop failed: %s" % res["errors"][-500:])
        p = json.loads(res["output"])
        logged = len(res["network"]["connections"])
    finally:
        host.close()
        shutil.rmtree(tmp, ignore_errors=True)

    machine = subprocess.run([os.path.join(HERE, "..", "scripts", "machine.sh")],
                             capture_output=True, text=True).stdout.strip()
    print("## Network: connection set-up through the egress proxy versus direct\n")
    print("Machine: %s.  " % machine)
    print("Command: `bench/net.sh` (%d connections each way to a test host in a network "
          "namespace over a veth pair; the proxied loop runs in a sandboxed run holding a grant, "
          "the direct one on the host; %d proxied connections logged).\n" % (N, logged))
    print("| per connection | direct p50 | proxy p50 | ratio p50 | direct p90 | proxy p90 |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, label in (("setup", "set-up (connect; via proxy: connect + CONNECT + 200)"),
                       ("get", "whole GET (set-up, request, response)")):
        print("| %s | %.3f ms | %.3f ms | %.2fx | %.3f ms | %.3f ms |" % (
            label, d[key + "_p50"], p[key + "_p50"], p[key + "_p50"] / d[key + "_p50"],
            d[key + "_p90"], p[key + "_p90"]))
    print("\nThe proxy adds one loopback hop inside the run, a thread and a check per "
          "connection, and the connection from the host to the destination; the "
          "destination's own latency is the same either way.")


if __name__ == "__main__":
    main()
