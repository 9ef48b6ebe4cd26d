"""A test host in a network namespace of its own, for tests/net and
bench/net: a veth pair to the host (HOST_SIDE.1/30 here, ADDR/30 there)
and tests/net/nsserver.py serving on ADDR:PORT, which logs every request
and datagram it receives.

    h = Host("a", "10.231.1.2", tmpdir, tag="123")
    ...  h.traffic()  ...
    h.close()
"""
import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = 8080


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


class Host:
    """A namespace with a veth to the host and a test server in it."""

    def __init__(self, name, addr, tmp, tag):
        self.ns = "skn%s%s" % (name, tag)
        self.veth = "skv%s%s" % (name, tag)
        self.addr = addr
        self.log = os.path.join(tmp, "host-%s.log" % name)
        open(self.log, "w").close()
        host_side = addr.rsplit(".", 1)[0] + ".1"
        self.proc = None
        self.close()  # what a killed earlier run may have left under these names
        for cmd in (["ip", "netns", "add", self.ns],
                    ["ip", "link", "add", self.veth, "type", "veth", "peer", "name", "eth0",
                     "netns", self.ns],
                    ["ip", "addr", "add", host_side + "/30", "dev", self.veth],
                    ["ip", "link", "set", self.veth, "up"],
                    ["ip", "-n", self.ns, "addr", "add", addr + "/30", "dev", "eth0"],
                    ["ip", "-n", self.ns, "link", "set", "eth0", "up"],
                    ["ip", "-n", self.ns, "link", "set", "lo", "up"]):
            r = sh(*cmd)
            if r.returncode:
                self.close()
                raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns, "/usr/bin/python3",
                                      os.path.join(HERE, "nsserver.py"), addr, str(PORT),
                                      self.log])
        for _ in range(100):
            if "ready" in self.lines():
                return
            time.sleep(0.05)
        self.close()
        raise RuntimeError("the test server in %s did not start" % self.ns)

    def lines(self):
        with open(self.log) as f:
            return f.read().split("\n")[:-1]

    def traffic(self):
        return [line for line in self.lines() if line != "ready"]

    def close(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        sh("ip", "netns", "del", self.ns)
        sh("ip", "link", "del", self.veth)
