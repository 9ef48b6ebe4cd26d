# The i386 ABI (int 0x80) from a 64-bit process: a denylist written for
# x86_64 numbers would not see it. seccomp must kill the process.
import ctypes, mmap
code = bytes([0xb8, 20, 0, 0, 0,   # mov eax, 20 (getpid on i386)
              0xcd, 0x80,          # int 0x80
              0xc3])               # ret
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(code)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
fn = ctypes.CFUNCTYPE(ctypes.c_int)(addr)
print("int 0x80 returned", fn())
