# Send datagrams to a UDP socket the driver bound on the host's loopback.
import json, socket, sys
p = json.loads(sys.stdin.read())
r = {}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    try:
        s.sendto(b"escaped", ("127.0.0.1", p["port"]))
        r["sent"] = r.get("sent", 0) + 1
    except OSError as e:
        r["error"] = e.errno
try:
    s.sendto(b"x", ("8.8.8.8", 53))
    r["public"] = "sent"
except OSError as e:
    r["public"] = e.errno
print(json.dumps(r))
