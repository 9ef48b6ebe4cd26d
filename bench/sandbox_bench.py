#!/usr/bin/python3
"""Sandbox start-up benchmark (run by bench/sandbox.sh); prints markdown.

Side by side, in one run, alternating the order within each pair:

  * `skitty run` of `pass` (Python) and `0` (node) against the plain
    interpreter and against bubblewrap with equivalent hardening (a
    dedicated non-root uid, cleared environment, new session, sized tmpfs,
    all capabilities dropped, every namespace);
  * in the library: sandbox_run() of /bin/true and of `python3 -c pass`
    against a plain posix_spawn of the same, from spawn to reap
    (build/bench/sandbox-spawn).

Reports medians and the median of the per-pair ratios.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
BWRAP_UID = "3999999"  # a uid of its own, as each of our runs has


def bwrap(cmd):
    return ["/usr/bin/setpriv", "--reuid", BWRAP_UID, "--regid", BWRAP_UID, "--clear-groups",
            "--", "/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
            "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(64 << 20), "--tmpfs", "/tmp",
            "--size", str(32 << 20), "--tmpfs", "/work", "--chdir", "/work"] + cmd


def timed(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env)
    d = (time.perf_counter() - t) * 1000
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d): %s" % (cmd[:3], p.returncode, p.stderr.decode()[-300:]))
    return d


def paired(cmds, n, warmup=3):
    """Run the commands round-robin n times (rotating who goes first)."""
    for _ in range(warmup):
        for c, e in cmds:
            timed(c, e)
    times = [[] for _ in cmds]
    for i in range(n):
        order = list(range(len(cmds)))
        order = order[i % len(order):] + order[:i % len(order)]
        for k in order:
            times[k].append(timed(*cmds[k]))
    return times


def med(xs):
    return statistics.median(xs)


def ratio(a, b):
    return statistics.median([y / x for x, y in zip(a, b)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-n", type=int, default=40)
    args = ap.parse_args()
    skitty = os.path.join(args.build, "skitty")
    spawn = os.path.join(args.build, "bench", "sandbox-spawn")
    machine = subprocess.run(["scripts/machine.sh"], capture_output=True, text=True).stdout.strip()
    tmp = tempfile.mkdtemp(prefix="skitty-bench-")
    os.chmod(tmp, 0o755)
    with open(os.path.join(tmp, "pass.py"), "w") as f:
        f.write("pass\n")
    with open(os.path.join(tmp, "zero.js"), "w") as f:
        f.write("0\n")

    rows = []
    for name, plain, src in (("python3 -c pass", ["/usr/bin/python3", "-c", "pass"], "pass.py"),
                             ("node -e 0", ["/usr/bin/node", "-e", "0"], "zero.js")):
        lang = "python" if src.endswith(".py") else "javascript"
        cmds = [(plain, ENV),
                ([skitty, "run", "--lang", lang, os.path.join(tmp, src)], ENV),
                (bwrap(plain), ENV)]
        p, s, b = paired(cmds, args.n)
        rows.append((name, p, s, b))

    lib = {}
    for name, cmd in (("/bin/true", ["/bin/true"]),
                      ("python3 -c pass", ["/usr/bin/python3", "-c", "pass"])):
        out = subprocess.run([spawn, str(args.n)] + cmd, capture_output=True, text=True, env=ENV)
        if out.returncode != 0:
            sys.exit("bench: sandbox-spawn failed: " + out.stderr)
        pairs = [json.loads(l) for l in out.stdout.splitlines()]
        lib[name] = ([x["plain_ms"] for x in pairs], [x["sandbox_ms"] for x in pairs])

    start = []
    for _ in range(args.n):
        start.append(timed([skitty, "version"], ENV))

    print("## Sandbox start-up\n")
    print("Machine: %s.  " % machine)
    print("Command: `make bench` (or `bench/sandbox.sh`), %d rounds per row, each round "
          "running the commands of a row back to back in rotating order; times are wall "
          "clock from spawn to exit, medians; ratios are medians of the per-round ratios.\n"
          % args.n)
    print("### `skitty run` against the plain interpreter and hardened bubblewrap\n")
    print("| program | plain | `skitty run` | bwrap, hardened | skitty / plain | "
          "skitty / bwrap | bwrap / plain |")
    print("|---|---|---|---|---|---|---|")
    for name, p, s, b in rows:
        print("| `%s` | %.1f ms | %.1f ms | %.1f ms | %.2f | %.2f | %.2f |" %
              (name, med(p), med(s), med(b), ratio(p, s), ratio(b, s), ratio(p, b)))
    print("\nbwrap, hardened: `setpriv --reuid %s --regid %s --clear-groups -- bwrap "
          "--unshare-all --die-with-parent --new-session --clearenv --cap-drop ALL` with "
          "`/usr` read-only, `/proc`, `/dev`, and 64/32 MiB tmpfs at `/tmp` and `/work`. "
          "It has no cgroups, no seccomp and no uid pool; `skitty run` has all three, "
          "plus its own CLI start-up: `skitty version` alone takes %.1f ms (median) here, "
          "mostly the constructors of the libraries the binary links (libcurl, GnuTLS).\n"
          % (BWRAP_UID, BWRAP_UID, med(start)))
    print("### In the library: `sandbox_run()` against `posix_spawn`, spawn to reap\n")
    print("| program | plain | sandbox_run | added | sandbox / plain |")
    print("|---|---|---|---|---|")
    for name, (p, s) in lib.items():
        print("| `%s` | %.2f ms | %.2f ms | %.2f ms | %.2f |" %
              (name, med(p), med(s), med(s) - med(p), ratio(p, s)))
    print("\n`sandbox_run()` here is the whole thing: uid from the pool, three or four "
          "cgroups made and removed, six namespaces, the mount tree, seccomp, rlimits, "
          "the supervision loop, and the teardown with its statistics.")
    print("\nOn a shared machine the load figure above matters: every handoff between "
          "the processes of a run waits for a CPU, and the plain column shows how "
          "loaded the run was (`python3 -c pass` takes 13 ms on this machine when idle).")


if __name__ == "__main__":
    main()
