# Kernel surfaces a program has no business with: keyrings (not
# namespaced), bpf, perf, io_uring, userfaultfd, file handles.
import ctypes, json
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def sc(nr, *args):
    ctypes.set_errno(0)
    rc = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    return "succeeded" if rc >= 0 else ctypes.get_errno()
buf = ctypes.create_string_buffer(256)
r = {
    "add_key": sc(248, b"user", b"skitty", b"secret", 6, -3),
    "keyctl": sc(250, 0, -3, 0),
    "request_key": sc(249, b"user", b"skitty", None, 0),
    "bpf": sc(321, 0, buf, 72),
    "perf_event_open": sc(298, buf, 0, -1, -1, 0),
    "io_uring_setup": sc(425, 8, buf),
    "userfaultfd": sc(323, 0),
    "open_by_handle_at": sc(304, -100, buf, 0),
    "name_to_handle_at": sc(303, -100, b"/", buf, buf, 0),
    "personality_rie": sc(135, 0x0400000),
    "fsopen": sc(430, b"tmpfs", 0),
    "open_tree": sc(428, -100, b"/usr", 1),
    "syslog": sc(103, 3, buf, 16),
    "mknod_char": sc(133, b"/tmp/dev", 0o20666, (1 << 8) | 3),
}
print(json.dumps(r))
