# Leave traps in the scratch areas for whoever cleans up: symlinks to host
# paths, FIFOs, a unix socket file, a sparse file bigger than the tmpfs, a
# deep directory tree. The run's tmpfs vanishes with its namespace; the
# supervisor never walks it, so none of these may delay or break it.
import os, socket
for d in ("/tmp", "/work", "/dev/shm"):
    os.symlink("/etc/passwd", d + "/link-passwd")
    os.symlink("/proc/1/root", d + "/link-root")
    os.symlink(d + "/loop", d + "/loop")
    os.mkfifo(d + "/fifo")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(d + "/sock")
with open("/tmp/sparse", "wb") as f:
    f.truncate(10 << 30)
os.chdir("/work")
for i in range(2000):
    os.mkdir("d")
    os.chdir("d")
print("traps set")
