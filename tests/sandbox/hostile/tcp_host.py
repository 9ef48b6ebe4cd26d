# Connect to a TCP listener the driver opened on the host's loopback: the
# run has its own loopback, so nothing may reach the host's.
import json, socket, sys
p = json.loads(sys.stdin.read())
r = {}
for host in ("127.0.0.1", "::1", p.get("host_ip", "10.0.2.15")):
    try:
        s = socket.create_connection((host, p["port"]), timeout=2)
        s.sendall(b"escaped")
        r[host] = "connected"
    except OSError as e:
        r[host] = e.errno if e.errno is not None else str(e)
print(json.dumps(r))
