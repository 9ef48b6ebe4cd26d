/*
 * One run, from clone to execve. This code runs in the child the spawner
 * cloned into new user, mount, pid, net, ipc and uts namespaces; it is the
 * only place in skitty that may exit on error (after reporting it on the
 * status pipe), as bubblewrap's die_with_error does.
 *
 * Order matters and each step says why:
 *   1. enter the run's cgroups (on v2 the clone already put us there), so
 *      everything below is charged to the run; wait until the spawner has
 *      written the uid/gid maps;
 *   2. become the run's dedicated uid/gid (mapped to 1000 inside), keeping
 *      the capabilities the new user namespace gave us for the setup;
 *   3. a cgroup namespace rooted at the run's group, hostname, loopback up;
 *   4. the root filesystem: a fresh tmpfs with read-only binds, a new /proc
 *      with /proc/sys read-only, a minimal /dev, size-capped /tmp,
 *      /dev/shm and work directory; pivot_root into it, detach the host;
 *   5. drop everything for good: no capabilities, securebits locked,
 *      no_new_privs, non-dumpable, the seccomp filters (inherited by all
 *      that follows);
 *   6. fork the program (pid 2); this process stays as pid 1, reaps
 *      orphans and reports the program's exit status. When pid 1 exits
 *      the kernel kills everything left in the namespace.
 *   7. the program: new session, rlimits, only fds 0-2, then execve.
 */
#include "config.h"

#include "sandbox/internal.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { FD_STATUS = 3, FD_SPEC = 4, FD_SYNC = 5 };

/* ------------------------------------------------------------ reporting -- */

static void report(const struct wire_status *st)
{
    ssize_t n;
    do
        n = write(FD_STATUS, st, sizeof(*st));
    while (n < 0 && errno == EINTR);
}

__attribute__((noreturn, format(printf, 2, 3))) static void die(int e, const char *fmt, ...)
{
    struct wire_status st = {.type = ST_ERROR, .err = e};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(st.msg, sizeof(st.msg), fmt, ap);
    va_end(ap);
    if (e && n >= 0 && (size_t)n < sizeof(st.msg))
        snprintf(st.msg + n, sizeof(st.msg) - (size_t)n, ": %s", strerror(e));
    report(&st);
    _exit(127);
}

/* ------------------------------------------------------------- the spec -- */

struct file_view {
    const char *name; /* points into the spec buffer, as do all below */
    uint32_t mode;    /* 0644 when the spec said 0 */
    const char *data; /* len bytes */
    uint64_t len;     /* data length */
};

struct spec_view {
    struct wire_spec hdr;         /* the fixed part */
    char **argv, **env, **binds;  /* NULL-terminated */
    struct file_view *files;      /* ends with a NULL name */
};

struct cursor {
    const char *p, *end; /* next byte to read; end of the buffer */
};

static const char *take(struct cursor *c, uint64_t n)
{
    if ((uint64_t)(c->end - c->p) < n)
        die(0, "spec: truncated");
    const char *r = c->p;
    c->p += n;
    return r;
}

static uint32_t take_u32(struct cursor *c)
{
    uint32_t v;
    memcpy(&v, take(c, 4), 4);
    return v;
}

/* A string: u32 length including the NUL, the NUL last and nowhere else. */
static char *take_str(struct cursor *c)
{
    uint32_t n = take_u32(c);
    const char *s = take(c, n);
    if (n == 0 || s[n - 1] != '\0' || strlen(s) != n - 1)
        die(0, "spec: bad string");
    return (char *)s;
}

static char **take_strv(struct cursor *c, uint32_t n)
{
    char **v = xcalloc((size_t)n + 1, sizeof(char *));
    for (uint32_t i = 0; i < n; i++)
        v[i] = take_str(c);
    return v;
}

static void read_spec(struct spec_view *sv)
{
    struct stat st;
    if (fstat(FD_SPEC, &st) < 0)
        die(errno, "spec: fstat");
    if (st.st_size < (off_t)sizeof(struct wire_spec) || st.st_size > (off_t)WIRE_MAX_SPEC)
        die(0, "spec: bad size %lld", (long long)st.st_size);
    size_t size = (size_t)st.st_size;
    char *buf = xmalloc(size);
    for (size_t got = 0; got < size;) {
        ssize_t n = pread(FD_SPEC, buf + got, size - got, (off_t)got);
        if (n <= 0)
            die(n < 0 ? errno : EIO, "spec: read");
        got += (size_t)n;
    }
    close(FD_SPEC);

    struct cursor c = {buf, buf + size};
    memcpy(&sv->hdr, take(&c, sizeof(sv->hdr)), sizeof(sv->hdr));
    if (sv->hdr.magic != WIRE_MAGIC || sv->hdr.argc == 0 || sv->hdr.argc > SANDBOX_MAX_ARGS ||
        sv->hdr.envc > SANDBOX_MAX_ARGS || sv->hdr.nbinds > SANDBOX_MAX_BINDS ||
        sv->hdr.nfiles > SANDBOX_MAX_FILES ||
        memchr(sv->hdr.workdir, '\0', sizeof(sv->hdr.workdir)) == NULL)
        die(0, "spec: bad header");
    sv->argv = take_strv(&c, sv->hdr.argc);
    sv->env = take_strv(&c, sv->hdr.envc);
    sv->binds = take_strv(&c, sv->hdr.nbinds);
    sv->files = xcalloc(sv->hdr.nfiles + 1, sizeof(*sv->files));
    for (uint32_t i = 0; i < sv->hdr.nfiles; i++) {
        sv->files[i].name = take_str(&c);
        sv->files[i].mode = take_u32(&c);
        uint64_t len;
        memcpy(&len, take(&c, 8), 8);
        sv->files[i].len = len;
        sv->files[i].data = take(&c, len);
    }
}

/* ------------------------------------------------------- identity, caps -- */

static void caps_set(bool full, int cap_last)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof(data));
    if (full) {
        uint64_t all = cap_last >= 63 ? ~0ULL : (1ULL << (cap_last + 1)) - 1;
        data[0].effective = data[0].permitted = (uint32_t)all;
        data[1].effective = data[1].permitted = (uint32_t)(all >> 32);
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        die(errno, "capset");
}

/* Take the run's identity: inside uid/gid 1000, which the spawner mapped to
 * the pool uid on the host. Keep the user namespace's capabilities for the
 * setup that follows; they are dropped before anything untrusted runs. */
static void become_run_user(int cap_last)
{
    /* The spawner's supplementary groups (root's) must not follow us. */
    if (setgroups(0, NULL) < 0)
        die(errno, "setgroups");
    if (setresgid(SANDBOX_INNER_ID, SANDBOX_INNER_ID, SANDBOX_INNER_ID) < 0)
        die(errno, "setresgid");
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        die(errno, "PR_SET_KEEPCAPS");
    if (setresuid(SANDBOX_INNER_ID, SANDBOX_INNER_ID, SANDBOX_INNER_ID) < 0)
        die(errno, "setresuid");
    caps_set(true, cap_last);
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

/* Drop every capability for good: bounding set, ambient set, then the
 * permitted/effective/inheritable sets. Securebits are locked first so no
 * later execve (of a setuid-root file, say) can hand any back. */
static void drop_all_caps(int cap_last)
{
    if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                     SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                     SECBIT_NO_CAP_AMBIENT_RAISE |
                                     SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
              0, 0, 0) < 0)
        die(errno, "PR_SET_SECUREBITS");
    for (int c = 0; c <= cap_last; c++)
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            die(errno, "PR_CAPBSET_DROP %d", c);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        die(errno, "PR_CAP_AMBIENT_CLEAR_ALL");
    caps_set(false, cap_last);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die(errno, "PR_SET_NO_NEW_PRIVS");
}

static void install_seccomp(const struct sandbox_host *host)
{
    struct sock_fprog progs[2] = {
        {host->main_filter.len, host->main_filter.insns},
        {host->ioctl_filter.len, host->ioctl_filter.insns},
    };
    for (int i = 0; i < 2; i++)
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &progs[i]) < 0)
            die(errno, "seccomp filter %d", i);
}

/* --------------------------------------------------------------- mounts -- */

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags,
                const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        die(errno, "mount %s on %s", src ? src : type ? type : "(none)", dst);
}

/* The per-mount flags a remount must keep: the kernel refuses to clear
 * flags that were locked when the source mount came from a more
 * privileged namespace (nosuid, nodev, noexec, ro, atime). */
static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        die(errno, "statvfs %s", path);
    unsigned long f = 0;
    if (sv.f_flag & ST_NOSUID)
        f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME)
        f |= MS_RELATIME;
    if (sv.f_flag & ST_RDONLY)
        f |= MS_RDONLY;
    return f;
}

/* Bind `src` on `dst` (not recursively: no host submounts come along),
 * then make it read-only, nosuid, nodev plus whatever `extra` says. */
static void bind_mount(const char *src, const char *dst, unsigned long extra)
{
    mnt(src, dst, NULL, MS_BIND, NULL);
    mnt(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | extra | locked_flags(dst), NULL);
}

static void bind_ro(const char *src, const char *dst)
{
    bind_mount(src, dst, MS_RDONLY | MS_NODEV);
}

static void tmpfs(const char *dst, unsigned long flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void tmpfs(const char *dst, unsigned long flags, const char *fmt, ...)
{
    char opts[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(opts, sizeof(opts), fmt, ap);
    va_end(ap);
    mnt("tmpfs", dst, "tmpfs", flags | MS_NOSUID | MS_NODEV, opts);
}

static void make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        die(errno, "mkdir %s", path);
}

/* mkdir -p of a path relative to the new root (the current directory). */
static void make_dirs(const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s", rel);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            make_dir(p, 0755);
            *s = '/';
        }
    make_dir(p, 0755);
}

static void make_file(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        die(errno, "create %s", path);
    if (len && sk_write_all(fd, data, len) < 0)
        die(errno == ENOSPC ? ENOSPC : errno, "write %s", path);
    if (fchmod(fd, mode) < 0)
        die(errno, "chmod %s", path);
    close(fd);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static const char etc_passwd[] = "sandbox:x:1000:1000:sandbox:/tmp:/usr/sbin/nologin\n"
                                 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char etc_group[] = "sandbox:x:1000:\nnogroup:x:65534:\n";
static const char etc_hosts[] = "127.0.0.1\tlocalhost\n127.0.1.1\tsandbox\n"
                                "::1\tlocalhost ip6-localhost ip6-loopback\n";
static const char etc_nsswitch[] = "passwd: files\ngroup: files\nhosts: files\n";

/* /proc entries that expose or change host-wide state: read-only or hidden. */
static const char *const proc_ro[] = {"sys", "irq", "bus", "fs", "sysrq-trigger", "acpi",
                                      "scsi"};
static const char *const proc_null[] = {"kcore", "keys", "timer_list", "sched_debug",
                                        "latency_stats", "kpagecount", "kpageflags",
                                        "kpagecgroup"};

static void build_root(const struct sandbox_host *host, const struct spec_view *sv)
{
    const struct wire_spec *h = &sv->hdr;

    /* Our copy of the host's mount tree must not propagate anything back. */
    mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    tmpfs(host->root_mount, 0, "size=4m,nr_inodes=4096,mode=0755,uid=%d,gid=%d",
          SANDBOX_INNER_ID, SANDBOX_INNER_ID);
    if (chdir(host->root_mount) < 0)
        die(errno, "chdir %s", host->root_mount);

    /* The runtime: /usr read-only, and the host's root-level links into it. */
    make_dir("usr", 0755);
    bind_ro("/usr", "usr");
    for (int i = 0; i < host->nroot_links; i++) {
        const char *name = host->root_links[i].name, *target = host->root_links[i].target;
        if (*target) {
            if (symlink(target, name) < 0)
                die(errno, "symlink %s", name);
        } else {
            char src[64];
            snprintf(src, sizeof(src), "/%s", name);
            make_dir(name, 0755);
            bind_ro(src, name);
        }
    }

    /* A minimal /etc of our own: no host accounts, no resolver. */
    make_dir("etc", 0755);
    make_file("etc/passwd", etc_passwd, sizeof(etc_passwd) - 1, 0644);
    make_file("etc/group", etc_group, sizeof(etc_group) - 1, 0644);
    make_file("etc/hosts", etc_hosts, sizeof(etc_hosts) - 1, 0644);
    make_file("etc/nsswitch.conf", etc_nsswitch, sizeof(etc_nsswitch) - 1, 0644);
    make_file("etc/hostname", "sandbox\n", 8, 0644);
    if (exists("/etc/ld.so.cache")) {
        make_file("etc/ld.so.cache", NULL, 0, 0644);
        bind_ro("/etc/ld.so.cache", "etc/ld.so.cache");
    }
    if (is_dir("/etc/alternatives")) {
        make_dir("etc/alternatives", 0755);
        bind_ro("/etc/alternatives", "etc/alternatives");
    }

    /* /proc of the new pid namespace (only the run's processes). Mounting it
     * needs the host's /proc still in our mount tree (mount_too_revealing). */
    make_dir("proc", 0555);
    mnt("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(proc_ro); i++) {
        char p[64];
        snprintf(p, sizeof(p), "proc/%s", proc_ro[i]);
        if (exists(p))
            bind_mount(p, p, MS_RDONLY | MS_NODEV | MS_NOEXEC);
    }
    for (size_t i = 0; i < ARRAY_SIZE(proc_null); i++) {
        char p[64];
        snprintf(p, sizeof(p), "proc/%s", proc_null[i]);
        if (exists(p))
            bind_mount("/dev/null", p, MS_RDONLY | MS_NOEXEC);
    }

    /* A minimal /dev: the harmless character devices, no tty. */
    make_dir("dev", 0755);
    tmpfs("dev", MS_NOEXEC, "size=64k,nr_inodes=64,mode=0755,uid=%d,gid=%d", SANDBOX_INNER_ID,
          SANDBOX_INNER_ID);
    static const char *const devs[] = {"null", "zero", "full", "random", "urandom"};
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        char src[32], dst[32];
        snprintf(src, sizeof(src), "/dev/%s", devs[i]);
        snprintf(dst, sizeof(dst), "dev/%s", devs[i]);
        make_file(dst, NULL, 0, 0666);
        bind_mount(src, dst, MS_NOEXEC);
    }
    static const char *const links[][2] = {{"/proc/self/fd", "dev/fd"},
                                           {"/proc/self/fd/0", "dev/stdin"},
                                           {"/proc/self/fd/1", "dev/stdout"},
                                           {"/proc/self/fd/2", "dev/stderr"}};
    for (size_t i = 0; i < ARRAY_SIZE(links); i++)
        if (symlink(links[i][0], links[i][1]) < 0)
            die(errno, "symlink %s", links[i][1]);
    make_dir("dev/shm", 01777);
    tmpfs("dev/shm", MS_NOEXEC, "size=%llu,nr_inodes=%u,mode=1777",
          (unsigned long long)h->tmp_bytes, h->work_inodes);

    /* Scratch space, each capped in bytes and inodes. */
    make_dir("tmp", 01777);
    tmpfs("tmp", MS_NOEXEC, "size=%llu,nr_inodes=%u,mode=1777", (unsigned long long)h->tmp_bytes,
          h->work_inodes);
    const char *work = h->workdir + 1; /* relative to the new root */
    make_dirs(work);
    tmpfs(work, MS_NOEXEC, "size=%llu,nr_inodes=%u,mode=0755,uid=%d,gid=%d",
          (unsigned long long)h->work_bytes, h->work_inodes, SANDBOX_INNER_ID, SANDBOX_INNER_ID);

    /* Extra read-only binds, parents first (the daemon sorted them). */
    for (char **b = sv->binds; *b; b++) {
        const char *rel = *b + 1;
        if (is_dir(*b)) {
            make_dirs(rel);
        } else {
            char parent[PATH_MAX];
            snprintf(parent, sizeof(parent), "%s", rel);
            char *slash = strrchr(parent, '/');
            if (slash) {
                *slash = '\0';
                make_dirs(parent);
            }
            if (!exists(rel))
                make_file(rel, NULL, 0, 0644);
        }
        bind_ro(*b, rel);
    }

    /* The program's files. */
    for (struct file_view *f = sv->files; f->name; f++) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", work, f->name);
        make_file(p, f->data, (size_t)f->len, f->mode ? (mode_t)f->mode : 0644);
    }

    /* Enter the new root and drop the host's tree entirely: pivot_root(".",
     * ".") stacks the old root on top of the new one, and the lazy unmount
     * takes it away. chdir("/") afterwards so no directory of the host stays
     * reachable through our cwd. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die(errno, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        die(errno, "detach the host root");
    if (chdir("/") < 0)
        die(errno, "chdir /");
    mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
    mnt(NULL, "/dev", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
        NULL);
}

/* A new network namespace has only "lo", and it is down: bring it up so that
 * programs can serve and connect on 127.0.0.1 among themselves. */
static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die(errno, "socket for lo");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        die(errno, "SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        die(errno, "SIOCSIFFLAGS lo");
    close(s);
}

/* ------------------------------------------------------------ processes -- */

static void set_limit(int res, rlim_t soft, rlim_t hard)
{
    struct rlimit cur;
    if (getrlimit(res, &cur) < 0)
        die(errno, "getrlimit %d", res);
    /* Without CAP_SYS_RESOURCE on the host only lowering works. */
    if (cur.rlim_max != RLIM_INFINITY && hard > cur.rlim_max)
        hard = cur.rlim_max;
    if (soft > hard)
        soft = hard;
    struct rlimit r = {soft, hard};
    if (setrlimit(res, &r) < 0)
        die(errno, "setrlimit %d", res);
}

/* The program, pid 2: what is left to do before execve. pid 1 already
 * dropped every capability, locked the securebits, set no_new_privs and
 * installed the seccomp filters, all of which it inherited; everything
 * below is allowed by those filters. */
__attribute__((noreturn)) static void exec_program(const struct spec_view *sv)
{
    const struct wire_spec *h = &sv->hdr;
    /* A new session without a controlling terminal: no TIOCSTI into ours. */
    if (setsid() < 0)
        die(errno, "setsid");
    if (chdir(h->workdir) < 0)
        die(errno, "chdir %s", h->workdir);
    umask(022);

    /* Let the OOM killer take the program (and its children) rather than
     * pid 1, whose death would end the run without its exit status. Our
     * /proc files are only ours to write while we are dumpable (pid 1 is
     * not, and we inherited that); execve resets it anyway. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, "1000", 4) < 0) {
            /* Best effort: the cgroup limit holds either way. */
        }
        close(fd);
    }

    /* rlimits are a second layer under the cgroup. RLIMIT_NPROC counts per
     * uid, and the uid is this run's alone. */
    set_limit(RLIMIT_CORE, 0, 0);
    set_limit(RLIMIT_NPROC, h->pids, h->pids);
    set_limit(RLIMIT_MEMLOCK, 64 << 10, 64 << 10);
    set_limit(RLIMIT_NOFILE, 1024, 4096);
    set_limit(RLIMIT_RTPRIO, 0, 0);
    if (h->wall_s_rlimit)
        set_limit(RLIMIT_CPU, h->wall_s_rlimit, h->wall_s_rlimit);

    /* fds 0-2 only: everything else (the status pipe included) closes at
     * execve. */
    if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        die(errno, "close_range");
    execve(sv->argv[0], sv->argv, sv->env);
    die(errno, "execve %s", sv->argv[0]);
}

__attribute__((noreturn)) static void be_init(pid_t prog, int exec_r)
{
    /* exec_r reaches EOF when the program has exec'd or died; a failure
     * before execve was already reported on the status pipe. */
    close(0);
    close(1);
    close(2);
    char c;
    while (read(exec_r, &c, 1) < 0 && errno == EINTR)
        ;
    close(exec_r);
    struct wire_status st = {.type = ST_STARTED};
    report(&st);

    for (;;) {
        int ws;
        pid_t p = wait4(-1, &ws, 0, NULL);
        if (p == prog) {
            struct wire_status ex = {.type = ST_EXIT, .wstatus = ws};
            report(&ex);
            /* Exiting kills whatever the program left behind in the namespace. */
            _exit(0);
        }
        if (p < 0 && errno != EINTR)
            _exit(0);
    }
}

/* Put the run's descriptors on 0-5 and close every other one (the tasks
 * files included, once used), among them the spawner's socket and
 * signalfd, which the clone copied. */
static void arrange_fds(const int *fds)
{
    int tmp[6];
    for (int i = 0; i < 6; i++) {
        tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64);
        if (tmp[i] < 0)
            _exit(126);
    }
    for (int i = 0; i < 6; i++)
        if (dup3(tmp[i], i, i >= FD_STATUS ? O_CLOEXEC : 0) < 0)
            _exit(126);
    if (syscall(SYS_close_range, 6, ~0U, 0) < 0)
        _exit(126);
}

void sandbox_child_main(const struct sandbox_host *host, const int *fds, int ntasks)
{
    /* Into the run's v1 cgroups before anything else, so that all the
     * run's memory, processes and CPU are counted there. "0" moves the
     * writing thread: as this process has one thread, that is all of it,
     * and the kernel skips its global threadgroup lock (a whole-process
     * move through cgroup.procs waits for an RCU grace period). The files
     * were opened by root, whose credentials the kernel checks. */
    for (int i = 0; i < ntasks; i++)
        if (write(fds[6 + i], "0", 1) != 1)
            _exit(124);
    /* Die with the spawner: it is our only supervisor. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    prctl(PR_SET_NAME, "sandbox-init", 0, 0, 0);
    arrange_fds(fds);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);

    /* Wait for the uid map and the cgroups; EOF means the spawner gave up. */
    char go;
    ssize_t n;
    while ((n = read(FD_SYNC, &go, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1)
        _exit(125);
    close(FD_SYNC);

    struct spec_view sv;
    read_spec(&sv);
    become_run_user(host->cap_last);
    if (unshare(CLONE_NEWCGROUP) < 0)
        die(errno, "unshare(CLONE_NEWCGROUP)");
    if (sethostname("sandbox", 7) < 0)
        die(errno, "sethostname");
    loopback_up();
    build_root(host, &sv);

    /* From here on nothing of this process needs a privilege. pid 1 stays
     * in the run's namespaces next to untrusted code of the same uid: it
     * holds no capability, is non-dumpable (no /proc/1/mem, no ptrace) and
     * lives under the same filters, which it installs once, here, for
     * itself and for the program it forks (filters are inherited). */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        die(errno, "PR_SET_DUMPABLE");
    drop_all_caps(host->cap_last);
    install_seccomp(host);

    int ep[2];
    if (pipe2(ep, O_CLOEXEC) < 0)
        die(errno, "pipe");
    pid_t prog = fork();
    if (prog < 0)
        die(errno, "fork the program");
    if (prog == 0) {
        close(ep[0]);
        exec_program(&sv);
    }
    close(ep[1]);
    be_init(prog, ep[0]);
}
