#!/usr/bin/python3
"""Network on request, end to end, with real traffic on this machine only.

The test makes two network namespaces joined to the host by veth pairs,
each running tests/net/nsserver.py: host A (allowed by the grants here)
and host B (never allowed). Programs run through the real `skitty run
--allow` and the real `skitty serve`, and the servers' own logs show from
the host side what reached them. Shown: with no grant nothing connects;
with a grant the allowed host answers through the proxy (Python urllib,
Node fetch, a CONNECT tunnel, a name resolved by the proxy); the refused
host, a raw address outside the grant, a name that resolves to loopback,
DNS to any server, UDP and direct TCP bypassing the proxy all fail and
never reach a host; the connection log is complete; the connection, byte
and time limits hold; a grant is refused when the configuration does not
permit grants or when it widens the allowlist; through the API, the AST
policy's network rules follow the grant and the audit log keeps the
connection log. No traffic leaves loopback and the test's namespaces.

Root only (namespaces, veth); skips otherwise, unless
SKITTY_SANDBOX_MUST_WORK=1. Prints TAP.

    SKITTY=build/skitty FAKE_OPENAI=build/tests/api/fake-openai tests/net/test-net.py
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from nshost import PORT, Host  # noqa: E402 (tests/net/nshost.py)
from tap import ok, plan  # noqa: E402 (tests/tap.py)

SKITTY = os.environ.get("SKITTY") or os.path.join(HERE, "..", "..", "build", "skitty")
FAKE = os.environ.get("FAKE_OPENAI") or os.path.join(HERE, "..", "..", "build", "tests", "api",
                                                     "fake-openai")
MUST = os.environ.get("SKITTY_SANDBOX_MUST_WORK") == "1"
TAG = "%d" % (os.getpid() % 100)
K = os.getpid() % 100
A = "10.231.%d.2" % (2 * K + 1)      # allowed host
B = "10.231.%d.2" % (2 * K + 2)      # refused host
UID_COUNT = 16
UID_BASE = 3900000 + (os.getpid() % 4000) * UID_COUNT

# ------------------------------------------------------------- running --

def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def env():
    return {"PATH": "/usr/bin:/bin", "SKITTY_LOG_LEVEL": "warn",
            "SKITTY_SANDBOX_UID_BASE": str(UID_BASE), "SKITTY_SANDBOX_UID_COUNT": str(UID_COUNT)}


def run(tmp, config, code, name, allow=(), hosts=None):
    """skitty run; returns (exit code, result JSON or {}, stderr). With
    `hosts`, skitty runs in a mount namespace of its own where /etc/hosts
    is that text: the proxy's resolver reads it (the run never does)."""
    prog = write(tmp, name, code)
    cmd = [SKITTY, "run", "--config", config] + ["--allow=" + a for a in allow] + [prog]
    if hosts is not None:
        hf = write(tmp, "hosts", hosts)
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
               'mount --bind "$0" /etc/hosts && exec "$@"', hf] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env())
    try:
        res = json.loads(p.stdout)
    except ValueError:
        res = {}
    return p.returncode, res, p.stderr


def conns(res):
    return (res.get("network") or {}).get("connections", [])


FETCH_PY = """import json, sys, urllib.request
for url in sys.argv[1:] or URLS:
    try:
        with urllib.request.urlopen(url, timeout=8) as r:
            print("OK", url, r.read().decode()[:60].strip())
    except Exception as e:
        print("FAIL", url, e)
"""


def fetch_py(*urls):
    return "URLS = %r\n" % (list(urls),) + FETCH_PY


# --------------------------------------------------------------- cases --

def cases(tmp, a, b, cfg):
    url_a = "http://%s:%d/data.json" % (A, PORT)
    url_b = "http://%s:%d/data.json" % (B, PORT)

    # No grant: nothing connects, and there is no network report.
    rc, res, err = run(tmp, cfg, fetch_py(url_a), "nogrant.py")
    ok(rc == 0 and "FAIL" in res.get("output", "") and "OK" not in res.get("output", ""),
       "no grant: the fetch fails (%s)" % res.get("output", err).strip())
    ok("network" not in res, "no grant: no network report")
    ok(a.traffic() == [], "no grant: host A saw nothing")

    # A grant for A: urllib goes through the proxy and is logged.
    rc, res, err = run(tmp, cfg, fetch_py(url_a, url_b), "grant.py", allow=["%s:%d" % (A, PORT)])
    out = res.get("output", "")
    ok(("OK " + url_a) in out and "world" in out, "grant: host A answers through the proxy")
    ok(("FAIL " + url_b) in out and "403" in out, "grant: host B is refused with 403")
    c = conns(res)
    ok(len(c) == 2, "grant: both connections are logged (%d)" % len(c))
    if len(c) == 2:
        ok(c[0]["allowed"] and c[0]["address"] == A and c[0]["method"] == "GET" and
           c[0]["bytes_sent"] > 0 and c[0]["bytes_received"] > 0 and c[0]["reason"] is None,
           "grant: A's entry: allowed, address, bytes both ways (%s)" % json.dumps(c[0]))
        ok(not c[1]["allowed"] and c[1]["host"] == B and c[1]["reason"] == "not in the grant",
           "grant: B's entry: refused, not in the grant (%s)" % json.dumps(c[1]))
    ok(res.get("network", {}).get("refused") == 1, "grant: one refusal counted")
    ok(len([x for x in a.traffic() if "/data.json" in x]) == 1, "grant: host A saw one request")
    ok(b.traffic() == [], "grant: host B saw nothing")

    # Node's fetch, through the preload.
    js = "fetch(%r).then(r => r.text()).then(t => console.log('OK', t.trim()))" \
         ".catch(e => console.log('FAIL', String(e.cause || e)));\n" % url_a
    rc, res, err = run(tmp, cfg, js, "grant.js", allow=["%s:%d" % (A, PORT)])
    ok("OK" in res.get("output", "") and "world" in res.get("output", ""),
       "node fetch: host A answers (%s)" % res.get("output", err).strip()[:120])
    ok([x["method"] for x in conns(res)] == ["CONNECT"] or
       [x["method"] for x in conns(res)] == ["GET"], "node fetch: one logged connection")

    # Node's http.get with the default agent: a tunnel through the proxy.
    js = ("const http = require('http');\n"
          "for (const url of [%r, %r]) http.get(url, (res) => { let b = '';"
          " res.on('data', (c) => b += c); res.on('end', () => console.log('OK', url, b.trim())); })"
          ".on('error', (e) => console.log('FAIL', url, e.message));\n" % (url_a, url_b))
    rc, res, err = run(tmp, cfg, js, "httpget.js", allow=["%s:%d" % (A, PORT)])
    out = res.get("output", "")
    ok(("OK " + url_a) in out and "world" in out and ("FAIL " + url_b) in out and "403" in out,
       "node http.get: A answers through a tunnel, B is refused (%s)" %
       out.strip().replace("\n", "; ")[:200])
    ok(sorted((x["method"], x["allowed"]) for x in conns(res)) ==
       [("CONNECT", False), ("CONNECT", True)], "node http.get: both tunnels logged")

    # A CONNECT tunnel (what TLS clients use), by hand.
    tunnel = """import http.client
c = http.client.HTTPConnection("127.0.0.1", 3128, timeout=8)
c.set_tunnel("%s", %d)
c.request("GET", "/data.json")
print("OK", c.getresponse().read().decode().strip())
""" % (A, PORT)
    rc, res, err = run(tmp, cfg, tunnel, "tunnel.py", allow=["%s:%d" % (A, PORT)])
    ok("OK" in res.get("output", "") and "world" in res.get("output", ""),
       "CONNECT tunnel to A works")
    ok([x["method"] for x in conns(res)] == ["CONNECT"] and conns(res)[0]["allowed"],
       "CONNECT tunnel is logged as CONNECT")

    # Everything that tries to go around the proxy fails, and reaches no host.
    before_a = len(a.traffic())
    bypass = """import socket
def tcp(addr, port):
    s = socket.socket(); s.settimeout(3)
    try:
        s.connect((addr, port)); return "CONNECTED"
    except OSError as e:
        return "failed %%s" %% e.errno
def udp(addr, port):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.sendto(b"\\x12\\x34query", (addr, port)); return "SENT"
    except OSError as e:
        return "failed %%s" %% e.errno
print("direct-a", tcp(%(a)r, %(port)d))
print("direct-b", tcp(%(b)r, %(port)d))
print("gateway", tcp(%(gw)r, 22))
print("udp-a", udp(%(a)r, 53))
print("dns-a", udp(%(a)r, 53))
try:
    socket.getaddrinfo("api.skitty.test", 80); print("resolve RESOLVED")
except OSError as e:
    print("resolve failed", e)
print("proxy-port-only", tcp("127.0.0.1", 3129))
""" % {"a": A, "b": B, "port": PORT, "gw": A.rsplit(".", 1)[0] + ".1"}
    rc, res, err = run(tmp, cfg, bypass, "bypass.py", allow=["%s:%d" % (A, PORT)])
    out = res.get("output", "")
    ok(rc == 0 and out.count("failed") == 7 and "CONNECTED" not in out and "SENT" not in out
       and "RESOLVED" not in out,
       "bypass: direct TCP, UDP and DNS all fail (%s)" % out.replace("\n", "; "))
    ok(conns(res) == [], "bypass: nothing went through the proxy")
    time.sleep(0.3)
    ok(len(a.traffic()) == before_a and b.traffic() == [],
       "bypass: no packet reached either host (A: %s)" % a.traffic()[before_a:])

    # A raw address outside the grant, through the proxy: refused.
    rc, res, err = run(tmp, cfg, fetch_py("http://%s:%d/data.json" % (A, PORT + 1),
                                          "http://%s:%d/data.json" % (B, PORT)),
                       "outside.py", allow=["%s:%d" % (A, PORT)])
    ok(res.get("output", "").count("FAIL") == 2 and
       [x["reason"] for x in conns(res)] == ["not in the grant"] * 2,
       "outside the grant (other port, other address): refused and logged")

    # Names: resolved by the proxy; a name never reaches loopback.
    hosts = "127.0.0.1 localhost\n%s api.skitty.test\n127.0.0.1 sneaky.skitty.test\n" % A
    rc, res, err = run(tmp, cfg, fetch_py("http://api.skitty.test:%d/data.json" % PORT),
                       "name.py", allow=["api.skitty.test:%d" % PORT], hosts=hosts)
    c = conns(res)
    ok("world" in res.get("output", "") and len(c) == 1 and c[0]["host"] == "api.skitty.test"
       and c[0]["address"] == A, "a granted name is resolved by the proxy (%s)" %
       (json.dumps(c) if c else err.strip()[-200:]))
    rc, res, err = run(tmp, cfg, fetch_py("http://sneaky.skitty.test:%d/data.json" % PORT),
                       "sneaky.py", allow=["sneaky.skitty.test:%d" % PORT], hosts=hosts)
    c = conns(res)
    ok("FAIL" in res.get("output", "") and len(c) == 1 and not c[0]["allowed"] and
       c[0]["reason"] == "address not allowed",
       "a granted name that resolves to loopback is refused (%s)" % json.dumps(c))

    # Limits: connections per run.
    cfg3 = write(tmp, "limits.conf", open(cfg).read() +
                 "max_connections = 3\nmax_kb = 8\nconnection_s = 1\n")
    rc, res, err = run(tmp, cfg3, fetch_py(*[url_a] * 5), "many.py", allow=["%s:%d" % (A, PORT)])
    out = res.get("output", "")
    c = conns(res)
    ok(out.count("OK") == 3 and out.count("FAIL") == 2 and "429" in out,
       "connection limit: 3 of 5 connect, the rest get 429")
    ok(len(c) == 5 and [x["reason"] for x in c[3:]] == ["connection limit"] * 2,
       "connection limit: all five logged, two refused for the limit")
    # Bytes per run: 8 KiB, and /big is 64 KiB.
    rc, res, err = run(tmp, cfg3, fetch_py("http://%s:%d/big" % (A, PORT)), "big.py",
                       allow=["%s:%d" % (A, PORT)])
    c = conns(res)
    ok(len(c) == 1 and c[0]["reason"] == "byte limit" and res["network"]["bytes"] <= 8192 and
       c[0]["bytes_received"] < 8192, "byte limit: the download is cut at 8 KiB (%s)" %
       json.dumps(c))
    # Life of a connection: 1 s, and /slow answers after 3 s.
    rc, res, err = run(tmp, cfg3, fetch_py("http://%s:%d/slow" % (A, PORT)), "slow.py",
                       allow=["%s:%d" % (A, PORT)])
    c = conns(res)
    ok(len(c) == 1 and c[0]["reason"] == "time limit" and "FAIL" in res.get("output", "") and
       900 <= c[0]["ms"] < 2500,
       "time limit: a connection is cut after connection_s (%s)" % json.dumps(c))

    # Grants refused by the configuration.
    off = write(tmp, "off.conf", "[network]\ngrants = false\nallow = %s:%d\n" % (A, PORT))
    rc, res, err = run(tmp, off, "print(1)\n", "off.py", allow=["%s:%d" % (A, PORT)])
    ok(rc == 64 and "not permitted" in err, "grants off: skitty run refuses (%s)" % err.strip())
    rc, res, err = run(tmp, cfg, "print(1)\n", "wide.py", allow=["%s:*" % A])
    ok(rc == 64 and "not covered" in err, "widening the allowlist: refused (%s)" % err.strip())
    rc, res, err = run(tmp, cfg, "print(1)\n", "wide2.py", allow=["10.0.0.0/8:%d" % PORT])
    ok(rc == 64 and "not covered" in err, "a wider network: refused")



def api_cases(tmp, a, cfg_text):
    """Through skitty serve: the AST policy follows the grant, and the audit
    log keeps the connection log."""
    fake = subprocess.Popen([FAKE], stdout=subprocess.PIPE, text=True)
    port_line = fake.stdout.readline().split()
    fake_port = int(port_line[1])
    db = os.path.join(tmp, "audit.db")
    conf = write(tmp, "serve.conf", cfg_text.replace("[network]", (
        "[server]\nlisten = 127.0.0.1:0\naudit_db = %s\n[model]\nprovider = openai\n"
        "url = http://127.0.0.1:%d/v1/chat/completions\nname = ok-python\nretries = 0\n"
        "[network]") % (db, fake_port)))
    server = subprocess.Popen([SKITTY, "serve", "--config", conf, "--listen", "127.0.0.1:0"],
                              stderr=subprocess.PIPE, text=True,
                              env=dict(env(), SKITTY_LOG_LEVEL="info"))
    try:
        port = None
        for line in server.stderr:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        if not ok(port is not None, "skitty serve starts"):
            return

        def debug(body):
            req = urllib.request.Request("http://127.0.0.1:%d/debug" % port,
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    return r.status, json.load(r)
            except urllib.error.HTTPError as e:
                return e.code, json.load(e)

        code = ("import json, urllib.request\n"
                "data = json.load(urllib.request.urlopen('http://%s:%d/data.json'))\n"
                "print(data['hello'])\nprint(undefined_name)\n" % (A, PORT))
        body = {"code": code, "error": "NameError: name 'undefined_name' is not defined",
                "language": "python"}
        st, res = debug(body)
        rep = res.get("reproduced", {})
        ok(st == 200 and rep.get("status") == "not_run" and rep.get("verdict") == "block",
           "API without a grant: the network code is blocked, not run (%s)" % rep.get("reason"))
        body["network"] = {"allow": ["%s:%d" % (A, PORT)]}
        st, res = debug(body)
        rep = res.get("reproduced", {})
        c = (rep.get("network") or {}).get("connections", [])
        ok(st == 200 and "world" in rep.get("output", "") and "NameError" in rep.get("errors", ""),
           "API with a grant: the code runs and fetches through the proxy (%s)" %
           json.dumps(rep)[:300])
        ok(len(c) == 1 and c[0]["allowed"] and c[0]["address"] == A,
           "API with a grant: the connection is in the answer")
        rid = res.get("request_id")
        time.sleep(0.2)
        row = sqlite3.connect(db).execute("SELECT response FROM requests WHERE id = ?",
                                          (rid,)).fetchone()
        logged = json.loads(row[0]) if row else {}
        ok(logged.get("reproduced", {}).get("network", {}).get("connections") == c,
           "the audit record keeps the connection log")
        # The command line's client sends the grant too.
        src = write(tmp, "debug.py", code)
        p = subprocess.run([SKITTY, "debug", "--server", "http://127.0.0.1:%d" % port, "--lang",
                            "python", "--error", body["error"], "--allow", "%s:%d" % (A, PORT),
                            src], capture_output=True, text=True, timeout=120, env=env())
        try:
            rep = json.loads(p.stdout).get("reproduced", {})
        except ValueError:
            rep = {}
        ok("world" in rep.get("output", "") and
           (rep.get("network") or {}).get("connections", [{}])[0].get("allowed"),
           "skitty debug --server --allow: the grant reaches the server (%s)" %
           (p.stderr[-200:] or rep.get("output", "")).strip().replace("\n", "; "))
        # skitty debug without a server: the grant opens the AST rule and the run.
        local = write(tmp, "local.conf", open(conf).read().replace(db, db + ".local"))
        url_a = "http://%s:%d/data.json" % (A, PORT)
        prog = write(tmp, "local.py", "import urllib.request\n"
                     "print(urllib.request.urlopen(%r).read().decode())\nprint(oops)\n" % url_a)
        for allow in ([], ["--allow", "%s:%d" % (A, PORT)]):
            p = subprocess.run([SKITTY, "debug", "--config", local, "--lang", "python", "--error",
                                "NameError: name 'oops' is not defined"] + allow + [prog],
                               capture_output=True, text=True, timeout=120, env=env())
            try:
                rep = json.loads(p.stdout).get("reproduced", {})
            except ValueError:
                rep = {}
            if allow:
                ok("world" in rep.get("output", ""),
                   "skitty debug --allow (local): the code ran through the proxy (%s)" %
                   (rep.get("output") or p.stderr[-200:]).strip().replace("\n", "; "))
            else:
                ok(rep.get("verdict") == "block" and rep.get("status") == "not_run",
                   "skitty debug without --allow (local): the network code is blocked, not run")
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as r:
            metrics = r.read().decode()
        ok('skitty_network_connections_total{outcome="ok"} 2' in metrics,
           "the connection is counted in /metrics")
    finally:
        server.terminate()
        server.wait(timeout=60)
        fake.kill()
        fake.wait()


def main():
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("unshare"):
        reason = "needs root, ip and unshare"
        if MUST:
            ok(False, reason)
            return plan()
        print("1..0 # SKIP %s" % reason)
        return 0
    tmp = tempfile.mkdtemp(prefix="skitty-net-")
    hosts = []
    try:
        hosts = [Host("a", A, tmp, TAG), Host("b", B, tmp, TAG)]
        cfg_text = ("[network]\ngrants = true\nallow = %s:%d, %s:%d, api.skitty.test:%d, "
                    "sneaky.skitty.test:%d\n" % (A, PORT, B, PORT + 1, PORT, PORT))
        cfg = write(tmp, "net.conf", cfg_text)
        cases(tmp, hosts[0], hosts[1], cfg)
        api_cases(tmp, hosts[0], cfg_text)
    finally:
        for h in hosts:
            h.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return plan()


if __name__ == "__main__":
    sys.exit(main())
