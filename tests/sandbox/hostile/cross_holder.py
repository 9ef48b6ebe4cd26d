# First of two concurrent runs: leave traces everywhere another run could
# look (files, a listening abstract socket, SysV shared memory, a process),
# then wait. The second run (cross_looker) must see none of it.
import ctypes, json, os, socket, sys, time
token = json.loads(sys.stdin.read())["token"]
for d in ("/tmp", "/work", "/dev/shm"):
    open("%s/holder-%s" % (d, token), "w").write("secret")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0skitty-cross-" + token)
s.listen(1)
libc = ctypes.CDLL(None, use_errno=True)
shmid = libc.shmget(0x5c17, 4096, 0o1666)  # IPC_CREAT | 0666
print(json.dumps({"shmid": shmid}))
sys.stdout.flush()
time.sleep(4)
