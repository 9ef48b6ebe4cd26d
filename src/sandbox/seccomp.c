/*
 * The seccomp policy of every run, compiled once (at sandbox_init) into
 * BPF that each run installs just before execve.
 *
 * Two filters, stacked:
 *
 *  1. An allowlist with default ERRNO(ENOSYS), so that system calls added
 *     to the kernel after this list was written fail the way they fail on
 *     an old kernel and runtimes fall back. Known-dangerous calls get
 *     EPERM (an ordinary error), calls that only exploits make get
 *     KILL_PROCESS. Only x86_64 is accepted: i386 (int 0x80) and x32
 *     (syscall numbers with bit 30) kill the process, since any other ABI
 *     would walk around the list.
 *  2. ioctl TIOCSTI and TIOCLINUX refused (terminal input injection,
 *     CVE-2017-5226), comparing the low 32 bits only because the kernel
 *     ignores the high ones (CVE-2019-10063). It is a separate filter
 *     because in libseccomp an unconditional ALLOW of ioctl in the same
 *     filter overrides conditional denials (measured, notes/sandbox.md).
 *
 * The namespaces, the read-only mounts, the dedicated uid and the cgroups
 * do the main protecting; seccomp shrinks the kernel surface behind them
 * (nested user namespaces, keyrings, bpf, io_uring, ptrace...).
 */
#include "config.h"

#include "sandbox/internal.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

/* Allowed without argument checks. */
static const char *const allow[] = {
    /* Files: the read-only mounts, the uid and the tmpfs sizes protect here. */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "preadv2", "pwritev",
    "pwritev2", "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "fstat",
    "newfstatat", "stat", "lstat", "statx", "statfs", "fstatfs", "access", "faccessat",
    "faccessat2", "getdents", "getdents64", "readlink", "readlinkat", "getcwd", "chdir",
    "fchdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat",
    "chown", "fchown", "lchown", "fchownat", "umask", "truncate", "ftruncate", "fallocate",
    "fsync", "fdatasync", "utime", "utimes", "utimensat", "futimesat", "dup", "dup2", "dup3",
    "pipe", "pipe2", "fcntl", "flock", "sendfile", "copy_file_range", "splice", "tee",
    "fadvise64", "readahead", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr",
    "flistxattr", "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
    "memfd_create", "ioctl",
    /* Memory. RLIMIT_MEMLOCK keeps mlock small; the cgroup bounds the rest. */
    "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "msync", "mincore", "membarrier",
    "pkey_alloc", "pkey_free", "pkey_mprotect", "mlock", "mlock2", "munlock", "mlockall",
    "munlockall",
    /* Processes and threads: the pid namespace limits whom they can reach. */
    "fork", "vfork", "execve", "execveat", "wait4", "waitid", "exit", "exit_group", "kill",
    "tgkill", "tkill", "getpid", "gettid", "getppid", "getpgid", "getpgrp", "setpgid",
    "getsid", "setsid", "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
    "futex", "futex_waitv", "sched_yield", "sched_getaffinity", "sched_setaffinity",
    "sched_getparam", "sched_getscheduler", "sched_get_priority_min",
    "sched_get_priority_max", "sched_rr_get_interval", "getpriority", "setpriority",
    "prlimit64", "getrlimit", "setrlimit", "getrusage", "times", "uname", "sysinfo",
    "arch_prctl", "prctl", "capget", "getuid", "geteuid", "getgid", "getegid", "getresuid",
    "getresgid", "getgroups", "setuid", "setgid", "setreuid", "setregid", "setresuid",
    "setresgid", "setgroups", "setfsuid", "setfsgid",
    /* A program may only restrict itself further with these. */
    "seccomp", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
    "pidfd_open", "pidfd_send_signal",
    /* Signals, time, events. */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
    "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigsuspend", "sigaltstack", "restart_syscall",
    "pause", "alarm", "getitimer", "setitimer", "timer_create", "timer_settime",
    "timer_gettime", "timer_getoverrun", "timer_delete", "clock_gettime", "clock_getres",
    "clock_nanosleep", "nanosleep", "gettimeofday", "time", "poll", "ppoll", "select",
    "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
    "epoll_pwait2", "eventfd", "eventfd2", "timerfd_create", "timerfd_settime",
    "timerfd_gettime", "signalfd", "signalfd4", "getrandom", "getcpu",
    /* Sockets: the network namespace holds only its own loopback. */
    "socketpair", "bind", "listen", "accept", "accept4", "connect", "sendto", "recvfrom",
    "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "getsockopt", "setsockopt",
    "getsockname", "getpeername",
    /* System V and POSIX IPC: confined by the ipc namespace. */
    "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl", "msgget",
    "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
    "mq_notify", "mq_getsetattr",
};

/* Refused with EPERM, each for a reason. */
static const char *const deny_eperm[] = {
    /* Nested namespaces hand out CAP_SYS_ADMIN over new kernel objects; most
     * recent local privilege escalations (nf_tables, fsconfig, overlayfs)
     * start there. Mount calls are refused for the same reason. */
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    /* Keyrings are not namespaced: state would persist across runs. */
    "keyctl", "add_key", "request_key",
    /* Large attack surface and side channels. */
    "bpf", "perf_event_open",
    /* io_uring operations bypass seccomp and have a long CVE history. */
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    /* Used to win kernel races in exploits. */
    "userfaultfd",
    /* Cross-process inspection. */
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "process_madvise", "process_mrelease",
    /* The classic container file-handle escape. */
    "open_by_handle_at", "name_to_handle_at",
    /* Host-wide state or hardware access. */
    "fanotify_init", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup", "swapon",
    "swapoff", "sethostname", "setdomainname", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "mbind", "set_mempolicy", "get_mempolicy", "migrate_pages",
    "move_pages", "memfd_secret", "modify_ldt", "iopl", "ioperm", "lookup_dcookie", "uselib",
    "ustat", "sysfs", "sync", "syncfs", "set_mempolicy_home_node",
};

/* Nothing legitimate calls these; a kill makes the attempt visible (SIGSYS). */
static const char *const deny_kill[] = {
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
};

static int add_list(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
                    struct sk_err *err)
{
    for (size_t i = 0; i < n; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        if (nr == __NR_SCMP_ERROR)
            continue; /* unknown to this libseccomp: the default (ENOSYS) covers it */
        int rc = seccomp_rule_add(ctx, action, nr, 0);
        if (rc < 0)
            return sk_err_make(err, -rc, "seccomp: rule for %s", names[i]);
    }
    return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
                    const struct scmp_arg_cmp *cmp, struct sk_err *err)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
        return 0;
    int rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
    if (rc < 0)
        return sk_err_make(err, -rc, "seccomp: conditional rule for %s", name);
    return 0;
}

/* Allow `name` when (arg & mask) == value; used for clone and mknod. */
static int add_masked(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned arg,
                      uint64_t mask, uint64_t value, struct sk_err *err)
{
    struct scmp_arg_cmp c = {arg, SCMP_CMP_MASKED_EQ, mask, value};
    return add_rule(ctx, action, name, 1, &c, err);
}

static int export_bpf(scmp_filter_ctx ctx, struct sandbox_bpf *out, struct sk_err *err)
{
    cleanup_close int fd = memfd_create("skitty-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return sk_err_make(err, errno, "seccomp: memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return sk_err_make(err, -rc, "seccomp: export BPF");
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
        size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
        return sk_err_msg(err, EINVAL, "seccomp: exported filter has a bad size (%lld)",
                          (long long)size);
    out->insns = xmalloc((size_t)size);
    if (pread(fd, out->insns, (size_t)size, 0) != size) {
        sandbox_bpf_close(out);
        return sk_err_make(err, errno ? errno : EIO, "seccomp: read back the filter");
    }
    out->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
    return 0;
}

static int build_main(scmp_filter_ctx ctx, struct sk_err *err)
{
    int rc;
    /* Another architecture in the same process (i386 via int 0x80, x32)
     * would bypass every rule below: kill instead. */
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0)
        return sk_err_make(err, -rc, "seccomp: bad-architecture action");
    /* A binary tree over syscall numbers instead of a linear chain: every
     * system call of a run walks this filter, and the kernel converts and
     * JITs it at each install. */
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
        return sk_err_make(err, -rc, "seccomp: optimise the filter");
    if ((rc = add_list(ctx, SCMP_ACT_ALLOW, allow, ARRAY_SIZE(allow), err)) < 0 ||
        (rc = add_list(ctx, SCMP_ACT_ERRNO(EPERM), deny_eperm, ARRAY_SIZE(deny_eperm), err)) < 0 ||
        (rc = add_list(ctx, SCMP_ACT_KILL_PROCESS, deny_kill, ARRAY_SIZE(deny_kill), err)) < 0)
        return rc;

    /* clone: threads and fork, never new namespaces. CLONE_NEWTIME is left
     * out of the mask: in clone() that bit overlaps the exit-signal byte. */
    const uint64_t ns = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                        CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
    if ((rc = add_masked(ctx, SCMP_ACT_ALLOW, "clone", 0, ns, 0, err)) < 0)
        return rc;
    /* The else-branch of the mask test above must be EPERM, not the default. */
    for (unsigned b = 0; b < 64; b++) {
        uint64_t bit = 1ULL << b;
        if (!(ns & bit))
            continue;
        if ((rc = add_masked(ctx, SCMP_ACT_ERRNO(EPERM), "clone", 0, bit, bit, err)) < 0)
            return rc;
    }
    /* clone3 keeps its flags in memory, out of seccomp's sight: it is left
     * to the default, ENOSYS, which makes glibc fall back to clone, checked
     * above. (libseccomp refuses a rule whose action is the default's.) */

    /* socket: local and IP families only. Netlink, packet, vsock (not
     * namespaced), AF_ALG and the rest are large, bug-rich surfaces. */
    static const int families[] = {AF_UNIX, AF_INET, AF_INET6};
    for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_EQ, (uint64_t)families[i], 0};
        if ((rc = add_rule(ctx, SCMP_ACT_ALLOW, "socket", 1, &c, err)) < 0)
            return rc;
    }
    /* Every other family, as few comparisons as the numbering allows:
     * AF_UNSPEC (0), 3..9, and everything above AF_INET6 (10). */
    static const struct scmp_arg_cmp refuse[] = {
        {0, SCMP_CMP_EQ, AF_UNSPEC, 0},
        {0, SCMP_CMP_GT, AF_INET6, 0},
    };
    for (size_t i = 0; i < ARRAY_SIZE(refuse); i++)
        if ((rc = add_rule(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, &refuse[i], err)) < 0)
            return rc;
    for (uint64_t fam = AF_INET + 1; fam < AF_INET6; fam++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_EQ, fam, 0};
        if ((rc = add_rule(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, &c, err)) < 0)
            return rc;
    }

    /* personality: queries and PER_LINUX only; no READ_IMPLIES_EXEC or
     * ADDR_NO_RANDOMIZE. */
    static const uint64_t personas[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};
    for (size_t i = 0; i < ARRAY_SIZE(personas); i++) {
        struct scmp_arg_cmp c = {0, SCMP_CMP_EQ, personas[i], 0};
        if ((rc = add_rule(ctx, SCMP_ACT_ALLOW, "personality", 1, &c, err)) < 0)
            return rc;
    }

    /* mknod: FIFOs only (programs use mkfifo); devices are refused. */
    if ((rc = add_masked(ctx, SCMP_ACT_ALLOW, "mknod", 1, S_IFMT, S_IFIFO, err)) < 0 ||
        (rc = add_masked(ctx, SCMP_ACT_ALLOW, "mknodat", 2, S_IFMT, S_IFIFO, err)) < 0)
        return rc;
    static const uint64_t other_types[] = {S_IFCHR, S_IFBLK, S_IFSOCK, S_IFREG, 0};
    for (size_t i = 0; i < ARRAY_SIZE(other_types); i++) {
        if ((rc = add_masked(ctx, SCMP_ACT_ERRNO(EPERM), "mknod", 1, S_IFMT, other_types[i],
                             err)) < 0 ||
            (rc = add_masked(ctx, SCMP_ACT_ERRNO(EPERM), "mknodat", 2, S_IFMT, other_types[i],
                             err)) < 0)
            return rc;
    }
    return 0;
}

static int build_ioctl(scmp_filter_ctx ctx, struct sk_err *err)
{
    int rc;
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0)
        return sk_err_make(err, -rc, "seccomp: bad-architecture action");
    static const uint64_t reqs[] = {TIOCSTI, TIOCLINUX};
    for (size_t i = 0; i < ARRAY_SIZE(reqs); i++)
        if ((rc = add_masked(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1, 0xffffffffULL, reqs[i],
                             err)) < 0)
            return rc;
    return 0;
}

int sandbox_seccomp_build(struct sandbox_bpf *main_filter, struct sandbox_bpf *ioctl_filter,
                          struct sk_err *err)
{
    memset(main_filter, 0, sizeof(*main_filter));
    memset(ioctl_filter, 0, sizeof(*ioctl_filter));

    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
    if (!ctx)
        return sk_err_msg(err, ENOMEM, "seccomp: cannot create a filter context");
    int rc = build_main(ctx, err);
    if (rc == 0)
        rc = export_bpf(ctx, main_filter, err);
    seccomp_release(ctx);
    if (rc < 0)
        return rc;

    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        sandbox_bpf_close(main_filter);
        return sk_err_msg(err, ENOMEM, "seccomp: cannot create a filter context");
    }
    rc = build_ioctl(ctx, err);
    if (rc == 0)
        rc = export_bpf(ctx, ioctl_filter, err);
    seccomp_release(ctx);
    if (rc < 0)
        sandbox_bpf_close(main_filter);
    return rc;
}

void sandbox_bpf_close(struct sandbox_bpf *bpf)
{
    free(bpf->insns);
    bpf->insns = NULL;
    bpf->len = 0;
}
