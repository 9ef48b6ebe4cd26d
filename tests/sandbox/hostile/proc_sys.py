# Host uid 0 owns /proc/sys: writing a global knob must fail. The driver
# reads the knob on the host afterwards.
import json
knob = "/proc/sys/kernel/printk_ratelimit"
r = {}
try:
    v = int(open(knob).read())
    r["read"] = v
    with open(knob, "w") as f:
        f.write(str(v + 7))
    r["write"] = "succeeded"
except OSError as e:
    r["write"] = e.errno
for path in ("/proc/sysrq-trigger", "/proc/sys/vm/drop_caches", "/proc/sys/kernel/core_pattern"):
    try:
        with open(path, "w") as f:
            f.write("0")
        r[path] = "succeeded"
    except OSError as e:
        r[path] = e.errno
print(json.dumps(r))
