# Allocate and touch memory until something gives: the memory cgroup must
# OOM-kill the run (the driver asks for 128 MiB).
blocks = []
while True:
    blocks.append(bytearray(16 << 20))
