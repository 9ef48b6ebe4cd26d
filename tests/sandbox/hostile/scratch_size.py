# /tmp, /dev/shm and the work directory are capped in bytes: fill each to
# ENOSPC and report how far it got.
import errno, json
r = {}
block = b"\0" * (1 << 20)
for d in ("/tmp", "/dev/shm", "/work"):
    n = 0
    try:
        with open(d + "/fill", "wb") as f:
            while n < 1024:
                f.write(block)
                f.flush()
                n += 1
        r[d] = ["no limit", n]
    except OSError as e:
        r[d] = [e.errno, n]
    import os
    os.unlink(d + "/fill")
print(json.dumps(r))
