# Abstract unix sockets belong to the network namespace: the host's one
# (opened by the driver) must be unreachable.
import json, socket, sys
p = json.loads(sys.stdin.read())
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("\0" + p["abstract"])
    s.sendall(b"escaped")
    r = {"connect": "connected"}
except OSError as e:
    r = {"connect": e.errno}
print(json.dumps(r))
