# tmpfs pages are memory too: fill /dev/shm and /tmp past the memory limit
# (the driver gives 48 MiB of memory and the default 64 MiB tmpfs each).
import os
block = b"x" * (1 << 20)
for d in ("/dev/shm", "/tmp"):
    try:
        with open(d + "/fill", "wb") as f:
            for i in range(64):
                f.write(block)
                f.flush()
    except OSError as e:
        print(d, e)
print("survived")
