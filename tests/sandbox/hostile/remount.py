# Remounting the read-only /usr, mounting a tmpfs, pivot_root and chroot
# must all fail, through libc as through raw syscalls.
import ctypes, json
libc = ctypes.CDLL(None, use_errno=True)
MS_REMOUNT, MS_BIND = 32, 4096
def call(f, *a):
    ctypes.set_errno(0)
    rc = f(*a)
    return "succeeded" if rc == 0 else ctypes.get_errno()
r = {
    "remount_usr_rw": call(libc.mount, None, b"/usr", None, MS_REMOUNT | MS_BIND, None),
    "mount_tmpfs": call(libc.mount, b"none", b"/tmp", b"tmpfs", 0, None),
    "umount_proc": call(libc.umount2, b"/proc", 2),
    "chroot": call(libc.chroot, b"/tmp"),
    "pivot_root": call(libc.syscall, 155, b"/tmp", b"/tmp"),
}
try:
    open("/usr/skitty-remount-probe", "w")
    r["write_usr"] = "written"
except OSError as e:
    r["write_usr"] = e.errno
print(json.dumps(r))
