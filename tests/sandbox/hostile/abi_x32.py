# The x32 ABI: x86_64 syscall numbers with bit 30 set. seccomp must kill.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
print("x32 getpid returned", libc.syscall(ctypes.c_long(0x40000000 | 39)))
