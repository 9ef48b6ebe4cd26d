#!/usr/bin/python3
"""A test host for tests/net/test-net.py, run inside a network namespace.

Serves HTTP on ADDR:PORT (GET /data.json, GET /big: 64 KiB, GET /slow:
answers after 3 s) and listens for UDP on ADDR:53. Every request or
datagram it receives is appended to LOG as one line, so the test sees
from the host side what reached this host and what did not.

    nsserver.py ADDR PORT LOG
"""
import http.server
import socket
import sys
import threading
import time

ADDR, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()


def note(line):
    with lock, open(LOG, "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        note("http %s %s" % (self.client_address[0], self.path))
        if self.path == "/slow":
            time.sleep(3)
        body = {"/data.json": b'{"hello": "world"}\n', "/big": b"x" * 65536}.get(
            self.path, b"slow\n" if self.path == "/slow" else None)
        if body is None:
            self.send_error(404)
            return
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the proxy cut the connection (a limit): expected by the test

    def log_message(self, *args):
        pass


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ADDR, 53))
    while True:
        data, peer = s.recvfrom(2048)
        note("udp %s %d bytes" % (peer[0], len(data)))


threading.Thread(target=udp, daemon=True).start()
server = http.server.ThreadingHTTPServer((ADDR, PORT), Handler)
note("ready")
server.serve_forever()
