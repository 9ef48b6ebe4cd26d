# Terminal input injection: TIOCSTI and TIOCLINUX, also with the high 32
# bits of the request set (the kernel ignores them; CVE-2019-10063). On a
# pipe the kernel would answer ENOTTY: the filter must answer EPERM first.
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
c = ctypes.c_char(b"x")
def ioctl(fd, req):
    ctypes.set_errno(0)
    rc = libc.syscall(ctypes.c_long(16), ctypes.c_long(fd), ctypes.c_ulong(req), ctypes.byref(c))
    return "succeeded" if rc >= 0 else ctypes.get_errno()
r = {
    "tiocsti": ioctl(0, 0x5412),
    "tiocsti_high": ioctl(0, 0xdeadbeef00005412),
    "tiocsti_fd1": ioctl(1, 0x5412),
    "tioclinux": ioctl(0, 0x541C),
    "tioclinux_high": ioctl(0, 0x100000000541C),
    "fionread": ioctl(0, 0x541B),   # an ordinary ioctl still works
    "isatty": [os.isatty(fd) for fd in (0, 1, 2)],
    "ctty": None,
}
try:
    os.open("/dev/tty", os.O_RDWR)
    r["ctty"] = "opened"
except OSError as e:
    r["ctty"] = e.errno
print(json.dumps(r))
