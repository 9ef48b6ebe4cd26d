# Writes outside the scratch areas must fail; the driver checks the host.
import json, os, sys
token = json.loads(sys.stdin.read())["token"]
r = {}
for d in ("/", "/usr", "/usr/lib", "/etc", "/proc", "/dev", "/bin", "/lib", "/run", "/sys"):
    path = os.path.join(d, "skitty-escape-" + token)
    try:
        with open(path, "w") as f:
            f.write("x")
        r[path] = "written"
    except OSError as e:
        r[path] = e.errno
for d in ("/tmp", "/work", "/dev/shm"):
    path = os.path.join(d, "ok-" + token)
    with open(path, "w") as f:
        f.write("fine")
    r[path] = "written"
print(json.dumps(r))
