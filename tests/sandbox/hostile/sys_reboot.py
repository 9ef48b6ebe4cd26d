# reboot and init_module: killed by seccomp, like kexec.
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
which = sys.stdin.read().strip() or "reboot"
if which == "reboot":
    libc.syscall(169, 0xfee1dead, 672274793, 0x4321fedc, 0)
else:
    libc.syscall(175, 0, 0, b"")
print("still alive after", which)
