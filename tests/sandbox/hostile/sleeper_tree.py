# Used by the kill-the-supervisor test: a tree of sleepers the driver can
# see on the host. When skitty is killed, all of them must die.
import os, sys, time
for i in range(3):
    if os.fork() == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
print("ready", flush=True)
time.sleep(600)
