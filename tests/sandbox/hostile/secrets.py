# Host secrets must be out of reach: no /etc/shadow, no host root's home,
# no environment of pid 1 (our init), no host processes.
import json, os
r = {}
for path in ("/etc/shadow", "/etc/gshadow", "/root/.bashrc", "/proc/1/environ", "/proc/1/mem",
             "/run/skitty/uid", "/var/log", "/home"):
    try:
        with open(path, "rb") as f:
            f.read(16)
        r[path] = "read"
    except OSError as e:
        r[path] = e.errno
r["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
r["init_cmdline"] = open("/proc/1/cmdline", "rb").read().decode("latin-1")
r["etc"] = sorted(os.listdir("/etc"))
print(json.dumps(r))
