# A fork bomb: every process forks as fast as it can. The pids cgroup holds
# it; the driver checks the run returns and leaves no process behind.
import os, time
end = time.time() + 3
while time.time() < end:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
