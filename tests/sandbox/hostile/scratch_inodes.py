# The scratch areas are capped in inodes too: create empty files until the
# filesystem refuses.
import json, os
r = {}
for d in ("/tmp", "/work"):
    n = 0
    try:
        while n < 100000:
            os.close(os.open("%s/f%d" % (d, n), os.O_CREAT | os.O_WRONLY, 0o644))
            n += 1
        r[d] = ["no limit", n]
    except OSError as e:
        r[d] = [e.errno, n]
print(json.dumps(r))
