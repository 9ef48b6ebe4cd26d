# Only fds 0-2, only our environment (the driver set a fake secret in its
# own), our own hostname, only our own processes.
import json, os, socket
fds = []
for f in os.listdir("/proc/self/fd"):
    try:
        fds.append([int(f), os.readlink("/proc/self/fd/" + f)])
    except OSError:
        pass  # the directory listing's own fd, closed by now
r = {
    "fds": sorted(fds),
    "env": dict(os.environ),
    "hostname": socket.gethostname(),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "cgroup": open("/proc/self/cgroup").read().split("\n")[0],
    "mountinfo_host_root": any(" / / " in l and "ext4" in l for l in open("/proc/self/mountinfo")),
}
environ = open("/proc/self/environ", "rb").read()
r["environ_has_secret"] = b"hunter2" in environ
print(json.dumps(r))
