# Children that ignore every catchable signal and sleep, some in their own
# process groups; the parent exits at once.
import os, signal, time
for i in range(5):
    if os.fork() == 0:
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        if i % 2:
            os.setpgid(0, 0)
        time.sleep(600)
        os._exit(0)
print("left 5 sleepers")
