# Socket families beyond unix/inet/inet6 are refused by seccomp, and raw
# inet sockets need a capability the run does not have.
import json, socket
r = {}
tries = {
    "packet": (17, socket.SOCK_RAW, 0),
    "netlink_route": (16, socket.SOCK_RAW, 0),
    "netlink_audit": (16, socket.SOCK_RAW, 9),
    "vsock": (40, socket.SOCK_STREAM, 0),
    "alg": (38, socket.SOCK_SEQPACKET, 0),
    "bluetooth": (31, socket.SOCK_RAW, 0),
    "xdp": (44, socket.SOCK_RAW, 0),
    "inet_raw": (2, socket.SOCK_RAW, 1),
    "inet6_raw": (10, socket.SOCK_RAW, 58),
}
for name, (fam, typ, proto) in tries.items():
    try:
        socket.socket(fam, typ, proto).close()
        r[name] = "opened"
    except OSError as e:
        r[name] = e.errno
print(json.dumps(r))
