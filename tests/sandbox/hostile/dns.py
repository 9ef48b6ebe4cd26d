# No resolver, no route out: name lookups and traffic to public addresses fail.
import json, socket
r = {}
for name in ("example.com", "pypi.org"):
    try:
        r[name] = socket.getaddrinfo(name, 443)[0][4][0]
    except OSError as e:
        r[name] = str(e)
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    r["tcp_public"] = "connected"
except OSError as e:
    r["tcp_public"] = e.errno
r["localhost"] = socket.getaddrinfo("localhost", 80, socket.AF_INET)[0][4][0]
print(json.dumps(r))
