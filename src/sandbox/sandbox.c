/*
 * The sandbox's public API (see sandbox.h): host checks and the spawner at
 * init, and the daemon side of each run: the uid from the pool, the run's
 * cgroups, the request to the spawner, then supervision from the calling
 * thread (stdin, capped stdout/stderr, the wall-clock timeout, the exit
 * status) and the cleanup that leaves nothing behind.
 *
 * Nothing here ever opens a path inside a run's filesystem: the run's
 * tmpfs mounts vanish with its mount namespace, so there is nothing to
 * clean up there and no planted symlink or FIFO for the supervisor to trip
 * on. Output arrives only through pipes, read with caps.
 */
#include "config.h"

#include "sandbox/internal.h"
#include "sandbox/sandbox.h"
#include "seccomp-bpf.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long to wait for a killed run to be gone before giving up on its cgroup. */
#define KILL_WAIT_MS 5000

static struct {
    bool ready;
    pthread_mutex_t lock;          /* one request to the spawner at a time */
    int sock;                      /* to the spawner */
    pid_t spawner;
    struct sandbox_host host;
    struct sandbox_cgroups cg;
    struct sandbox_uid_pool pool;
    atomic_uint counter;           /* makes cgroup names unique */
} S = {.lock = PTHREAD_MUTEX_INITIALIZER, .sock = -1, .pool = {.dirfd = -1}};

static char uid_lock_dir[PATH_MAX] = "/run/skitty/uid";
const struct sandbox_cgroups *sandbox_cgroups_override;
static const char root_mount[] = "/run/skitty/root";

void sandbox_set_uid_lock_dir(const char *dir)
{
    snprintf(uid_lock_dir, sizeof(uid_lock_dir), "%s", dir);
}

const char *sandbox_status_name(enum sandbox_status st)
{
    switch (st) {
    case SANDBOX_OK: return "ok";
    case SANDBOX_RUNTIME_ERROR: return "runtime_error";
    case SANDBOX_TIMEOUT: return "timeout";
    case SANDBOX_MEMORY_LIMIT: return "memory_limit";
    case SANDBOX_OUTPUT_LIMIT: return "output_limit";
    case SANDBOX_KILLED: return "killed";
    }
    return "killed";
}

void sandbox_limits_default(struct sandbox_limits *l, const struct sk_config *cfg)
{
    l->memory_bytes = (int64_t)cfg->sandbox_memory_mb << 20;
    l->cpu_millicores = cfg->sandbox_cpus * 1000;
    l->wall_ms = cfg->sandbox_wall_s * 1000;
    l->pids = cfg->sandbox_pids;
    l->output_bytes = (size_t)cfg->sandbox_output_kb << 10;
    l->tmp_bytes = (size_t)cfg->sandbox_tmp_mb << 20;
    l->work_bytes = (size_t)cfg->sandbox_work_mb << 20;
    l->work_inodes = 4096;
}

/* ------------------------------------------------------------ host checks -- */

static int read_int_file(const char *path, long *out)
{
    char buf[64];
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return -EIO;
    buf[n] = '\0';
    *out = strtol(buf, NULL, 10);
    return 0;
}

static int check_host(struct sk_err *err)
{
    if (geteuid() != 0)
        return sk_err_msg(err, EPERM,
                          "sandbox: needs root (to give every run a dedicated host uid, its "
                          "cgroups and namespaces); running as uid %d",
                          (int)geteuid());
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0)
        return sk_err_make(err, errno, "sandbox: capget");
    static const struct {
        int cap;
        const char *name;
    } need[] = {{CAP_SYS_ADMIN, "CAP_SYS_ADMIN"}, {CAP_SETUID, "CAP_SETUID"},
                {CAP_SETGID, "CAP_SETGID"}, {CAP_KILL, "CAP_KILL"}};
    for (size_t i = 0; i < ARRAY_SIZE(need); i++)
        if (!(data[need[i].cap / 32].effective & (1u << (need[i].cap % 32))))
            return sk_err_msg(err, EPERM, "sandbox: capability %s is missing", need[i].name);

    static const char *const ns[] = {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup"};
    for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
        char path[64];
        long v;
        snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", ns[i]);
        int rc = read_int_file(path, &v);
        if (rc == -ENOENT)
            return sk_err_msg(err, ENOTSUP, "sandbox: the kernel has no %s namespaces", ns[i]);
        if (rc == 0 && v == 0)
            return sk_err_msg(err, ENOTSUP,
                              "sandbox: %s namespaces are disabled (user.max_%s_namespaces = 0)",
                              ns[i], ns[i]);
    }

    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
        return sk_err_make(err, errno, "sandbox: seccomp is not available in this kernel");
    uint32_t action = SECCOMP_RET_KILL_PROCESS;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0)
        return sk_err_make(err, errno,
                           "sandbox: seccomp filters (with SECCOMP_RET_KILL_PROCESS) are not "
                           "available");
    int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (pfd < 0)
        return sk_err_make(err, errno, "sandbox: pidfds are not available (Linux 5.3+ needed)");
    close(pfd);
    /* An empty range: only asks whether the call exists. */
    if (syscall(SYS_close_range, ~0U, ~0U, 0) < 0 && errno == ENOSYS)
        return sk_err_make(err, errno, "sandbox: close_range is not available (Linux 5.9+ needed)");
    return 0;
}

static int count_threads(void)
{
    char buf[4096];
    cleanup_close int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *t = strstr(buf, "\nThreads:");
    return t ? atoi(t + 9) : -1;
}

/* The host's root-level entries that lead into /usr (merged-/usr links, or
 * real directories on older layouts), reproduced in every run's root. */
static void find_root_links(struct sandbox_host *h)
{
    static const char *const names[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};
    h->nroot_links = 0;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char path[32], target[64];
        snprintf(path, sizeof(path), "/%s", names[i]);
        struct stat st;
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(path, target, sizeof(target) - 1);
            if (n <= 0)
                continue;
            target[n] = '\0';
        } else if (S_ISDIR(st.st_mode)) {
            target[0] = '\0';
        } else {
            continue;
        }
        snprintf(h->root_links[h->nroot_links].name, sizeof(h->root_links[0].name), "%s",
                 names[i]);
        snprintf(h->root_links[h->nroot_links].target, sizeof(h->root_links[0].target), "%s",
                 target);
        h->nroot_links++;
    }
}

/* The empty directory each run mounts its root on (in its own namespace). */
static int make_root_mount(struct sk_err *err)
{
    if (mkdir("/run/skitty", 0755) < 0 && errno != EEXIST)
        return sk_err_make(err, errno, "sandbox: mkdir /run/skitty");
    if (mkdir(root_mount, 0755) < 0 && errno != EEXIST)
        return sk_err_make(err, errno, "sandbox: mkdir %s", root_mount);
    struct stat st;
    if (lstat(root_mount, &st) < 0)
        return sk_err_make(err, errno, "sandbox: stat %s", root_mount);
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
        return sk_err_msg(err, EPERM, "sandbox: %s must be a directory owned by root, mode 0755",
                          root_mount);
    return 0;
}

int sandbox_init(const struct sk_config *cfg, struct sk_err *err)
{
    if (S.ready)
        return 0;
    int rc = check_host(err);
    if (rc < 0)
        return rc;
    if (count_threads() != 1)
        return sk_err_msg(err, EINVAL,
                          "sandbox: sandbox_init must run before any thread is started");
    long cap_last = 40;
    read_int_file("/proc/sys/kernel/cap_last_cap", &cap_last);
    S.host.cap_last = (int)cap_last;
    find_root_links(&S.host);
    snprintf(S.host.root_mount, sizeof(S.host.root_mount), "%s", root_mount);
    if ((rc = make_root_mount(err)) < 0)
        return rc;

    char *mountinfo = NULL, *self = NULL;
    size_t len;
    if ((rc = sk_read_file("/proc/self/mountinfo", 1 << 20, &mountinfo, &len)) < 0)
        return sk_err_make(err, -rc, "sandbox: read /proc/self/mountinfo");
    if ((rc = sk_read_file("/proc/self/cgroup", 1 << 16, &self, &len)) < 0) {
        free(mountinfo);
        return sk_err_make(err, -rc, "sandbox: read /proc/self/cgroup");
    }
    if (sandbox_cgroups_override)
        S.cg = *sandbox_cgroups_override;
    else
        rc = sandbox_cgroups_detect(&S.cg, "", mountinfo, self, err);
    free(mountinfo);
    free(self);
    if (rc < 0)
        return sk_err_wrap(err, "sandbox");

    /* The filters were compiled at build time from seccomp.c. */
    S.host.main_filter.len = (unsigned short)ARRAY_SIZE(sandbox_bpf_main);
    S.host.main_filter.insns = xmalloc(sizeof(sandbox_bpf_main));
    memcpy(S.host.main_filter.insns, sandbox_bpf_main, sizeof(sandbox_bpf_main));
    S.host.ioctl_filter.len = (unsigned short)ARRAY_SIZE(sandbox_bpf_ioctl);
    S.host.ioctl_filter.insns = xmalloc(sizeof(sandbox_bpf_ioctl));
    memcpy(S.host.ioctl_filter.insns, sandbox_bpf_ioctl, sizeof(sandbox_bpf_ioctl));
    if ((rc = sandbox_uid_pool_open(&S.pool, uid_lock_dir, cfg->sandbox_uid_base,
                                    cfg->sandbox_uid_count, err)) < 0)
        goto fail;
    sandbox_cgroup_gc(&S.cg, 0);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        rc = sk_err_make(err, errno, "sandbox: socketpair");
        goto fail;
    }
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        rc = sk_err_make(err, errno, "sandbox: fork the spawner");
        close(sv[0]);
        close(sv[1]);
        goto fail;
    }
    if (pid == 0) {
        close(sv[0]);
        sandbox_spawner_main(sv[1], me, &S.host, &S.cg);
    }
    close(sv[1]);
    S.sock = sv[0];
    S.spawner = pid;
    S.ready = true;
    return 0;

fail:
    sandbox_uid_pool_close(&S.pool);
    sandbox_bpf_close(&S.host.main_filter);
    sandbox_bpf_close(&S.host.ioctl_filter);
    return rc;
}

void sandbox_shutdown(void)
{
    if (!S.ready)
        return;
    S.ready = false;
    /* The spawner sees EOF, kills every run still alive and removes their
     * cgroups before it exits. */
    sk_close_reset(&S.sock);
    while (waitpid(S.spawner, NULL, 0) < 0 && errno == EINTR)
        ;
    sandbox_uid_pool_close(&S.pool);
    sandbox_bpf_close(&S.host.main_filter);
    sandbox_bpf_close(&S.host.ioctl_filter);
}

/* ------------------------------------------------------------ the spec -- */

/* An absolute path without ".", ".." or empty components, and no trailing '/'. */
static bool clean_abs_path(const char *p, size_t max)
{
    size_t n = strlen(p);
    if (n < 2 || n >= max || p[0] != '/' || p[n - 1] == '/')
        return false;
    for (const char *c = p; *c; c++) {
        if (*c != '/')
            continue;
        const char *next = c + 1;
        size_t seg = strcspn(next, "/");
        if (seg == 0 || (seg == 1 && next[0] == '.') ||
            (seg == 2 && next[0] == '.' && next[1] == '.'))
            return false;
    }
    return true;
}

static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Top-level directories the root filesystem already uses. */
static bool reserved(const char *path)
{
    static const char *const dirs[] = {"/usr", "/proc", "/dev", "/etc", "/bin", "/sbin",
                                       "/lib", "/lib32", "/lib64", "/libx32"};
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
        if (under(path, dirs[i]))
            return true;
    return false;
}

static int validate(const struct sandbox_spec *spec, bool proc, struct sk_err *err)
{
    const struct sandbox_limits *l = &spec->limits;
    if (spec->net && (proc || !spec->net->attach || spec->net->port < 1024 ||
                      spec->net->port > 65535))
        return sk_err_msg(err, EINVAL, "sandbox: bad network spec (runs only, port 1024-65535)");
    if (!spec->argv || !spec->argv[0] || spec->argv[0][0] != '/')
        return sk_err_msg(err, EINVAL, "sandbox: argv[0] must be an absolute path");
    size_t n = 0;
    while (spec->argv[n])
        n++;
    if (n > SANDBOX_MAX_ARGS)
        return sk_err_msg(err, E2BIG, "sandbox: more than %d arguments", SANDBOX_MAX_ARGS);
    if (!spec->env)
        return sk_err_msg(err, EINVAL, "sandbox: the environment must be given (may be empty)");
    for (n = 0; spec->env[n]; n++)
        if (!strchr(spec->env[n], '='))
            return sk_err_msg(err, EINVAL, "sandbox: environment entry without '='");
    if (n > SANDBOX_MAX_ARGS)
        return sk_err_msg(err, E2BIG, "sandbox: more than %d environment entries",
                          SANDBOX_MAX_ARGS);
    const char *work = spec->workdir ? spec->workdir : "/work";
    if (!clean_abs_path(work, sizeof(((struct wire_spec *)0)->workdir)) || reserved(work) ||
        under(work, "/tmp"))
        return sk_err_msg(err, EINVAL, "sandbox: bad work directory '%s'", work);

    if (spec->nfiles > SANDBOX_MAX_FILES || (spec->nfiles && !spec->files))
        return sk_err_msg(err, E2BIG, "sandbox: at most %d files", SANDBOX_MAX_FILES);
    size_t total = 0;
    for (size_t i = 0; i < spec->nfiles; i++) {
        const struct sandbox_file *f = &spec->files[i];
        size_t nl = f->name ? strlen(f->name) : 0;
        if (nl == 0 || nl > 255 || strchr(f->name, '/') || !strcmp(f->name, ".") ||
            !strcmp(f->name, ".."))
            return sk_err_msg(err, EINVAL, "sandbox: bad file name '%s'", f->name ? f->name : "");
        if (f->len && !f->data)
            return sk_err_msg(err, EINVAL, "sandbox: file '%s' has no data", f->name);
        if (f->mode & ~07777)
            return sk_err_msg(err, EINVAL, "sandbox: file '%s' has a bad mode", f->name);
        total += f->len + 4096;
    }
    if (total > l->work_bytes)
        return sk_err_msg(err, EFBIG, "sandbox: the files (%zu bytes) do not fit the work "
                                      "directory (%zu bytes)", total, l->work_bytes);
    for (n = 0; spec->ro_binds && spec->ro_binds[n]; n++) {
        const char *b = spec->ro_binds[n];
        struct stat st;
        if (!clean_abs_path(b, PATH_MAX) || under(b, "/proc") || under(b, "/dev") ||
            under(b, "/usr") || under(work, b))
            return sk_err_msg(err, EINVAL, "sandbox: bad read-only bind '%s'", b);
        if (stat(b, &st) < 0)
            return sk_err_make(err, errno, "sandbox: read-only bind %s", b);
    }
    if (n > SANDBOX_MAX_BINDS)
        return sk_err_msg(err, E2BIG, "sandbox: at most %d read-only binds", SANDBOX_MAX_BINDS);

    if (spec->stdin_len > SANDBOX_MAX_STDIN || (spec->stdin_len && !spec->stdin_data))
        return sk_err_msg(err, E2BIG, "sandbox: stdin larger than %u bytes", SANDBOX_MAX_STDIN);
    if (l->memory_bytes < SANDBOX_MIN_MEMORY_BYTES)
        return sk_err_msg(err, EINVAL, "sandbox: memory limit below %lld MiB",
                          SANDBOX_MIN_MEMORY_BYTES >> 20);
    if (l->cpu_millicores < 10 || l->cpu_millicores > 1024 * 1000)
        return sk_err_msg(err, EINVAL, "sandbox: bad CPU quota %d", l->cpu_millicores);
    if (!proc && (l->wall_ms <= 0 || l->wall_ms > 24 * 3600 * 1000))
        return sk_err_msg(err, EINVAL, "sandbox: bad wall-clock limit %d ms", l->wall_ms);
    if (l->pids < 4 || l->pids > 1000000)
        return sk_err_msg(err, EINVAL, "sandbox: bad pids limit %d", l->pids);
    if (l->output_bytes < 1 || l->output_bytes > SANDBOX_MAX_OUTPUT)
        return sk_err_msg(err, EINVAL, "sandbox: bad output cap %zu", l->output_bytes);
    if (l->tmp_bytes < 65536 || l->work_bytes < 65536)
        return sk_err_msg(err, EINVAL, "sandbox: /tmp and the work directory need 64 KiB");
    if (l->work_inodes < 16 || l->work_inodes > (1 << 24))
        return sk_err_msg(err, EINVAL, "sandbox: bad inode cap %d", l->work_inodes);
    return 0;
}

static void put(struct sk_buf *b, const void *p, size_t n)
{
    if (sk_buf_append(b, p, n) < 0)
        b->max = 0; /* marks the buffer as overflowed; checked once at the end */
}

static void put_u32(struct sk_buf *b, uint32_t v)
{
    put(b, &v, 4);
}

static void put_str(struct sk_buf *b, const char *s)
{
    put_u32(b, (uint32_t)strlen(s) + 1);
    put(b, s, strlen(s) + 1);
}

static int by_length(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return la < lb ? -1 : la > lb;
}

int sandbox_spec_encode(const struct sandbox_spec *spec, bool proc, char **out, size_t *len,
                        struct sk_err *err)
{
    struct wire_spec h;
    memset(&h, 0, sizeof(h));
    h.magic = WIRE_MAGIC;
    while (spec->argv[h.argc])
        h.argc++;
    while (spec->env[h.envc])
        h.envc++;
    while (spec->ro_binds && spec->ro_binds[h.nbinds])
        h.nbinds++;
    h.nfiles = (uint32_t)spec->nfiles;
    h.pids = (uint32_t)spec->limits.pids;
    h.work_inodes = (uint32_t)spec->limits.work_inodes;
    /* RLIMIT_CPU as a backstop under the supervisor's timeout: with a quota
     * of N cores, CPU time cannot pass N x wall time legitimately. */
    if (!proc) {
        long cores = (spec->limits.cpu_millicores + 999) / 1000;
        h.wall_s_rlimit = (uint32_t)(cores * ((spec->limits.wall_ms + 999) / 1000) + 2);
    }
    h.tmp_bytes = spec->limits.tmp_bytes;
    h.work_bytes = spec->limits.work_bytes;
    snprintf(h.workdir, sizeof(h.workdir), "%s", spec->workdir ? spec->workdir : "/work");

    struct sk_buf b;
    sk_buf_init(&b, WIRE_MAX_SPEC);
    put(&b, &h, sizeof(h));
    for (uint32_t i = 0; i < h.argc; i++)
        put_str(&b, spec->argv[i]);
    for (uint32_t i = 0; i < h.envc; i++)
        put_str(&b, spec->env[i]);
    /* Binds go parents first, so a bind below another lands on top of it. */
    const char **binds = xcalloc(h.nbinds + 1, sizeof(char *));
    for (uint32_t i = 0; i < h.nbinds; i++)
        binds[i] = spec->ro_binds[i];
    qsort(binds, h.nbinds, sizeof(char *), by_length);
    for (uint32_t i = 0; i < h.nbinds; i++)
        put_str(&b, binds[i]);
    free(binds);
    for (size_t i = 0; i < spec->nfiles; i++) {
        const struct sandbox_file *f = &spec->files[i];
        put_str(&b, f->name);
        put_u32(&b, (uint32_t)(f->mode ? f->mode : 0644));
        uint64_t fl = f->len;
        put(&b, &fl, 8);
        if (f->len)
            put(&b, f->data, f->len);
    }
    if (b.max == 0) {
        sk_buf_close(&b);
        return sk_err_msg(err, E2BIG, "sandbox: the spec is larger than %u bytes", WIRE_MAX_SPEC);
    }
    *len = b.len;
    *out = sk_buf_steal(&b);
    return 0;
}

/* ------------------------------------------------------- starting a run -- */

struct run {
    int uid;            /* the pool uid */
    int uidlock;        /* our copy of the uid's lock */
    struct cg_run cg;   /* the run's groups */
    bool have_cg;       /* cg exists and must be removed */
    pid_t pid;          /* the run's pid 1, as the host sees it */
    int pidfd;          /* for pid 1: signals and exit notification */
    int in_w, out_r, err_r, st_r; /* our ends of stdin, stdout, stderr, status */
};

static void run_init(struct run *r)
{
    memset(r, 0, sizeof(*r));
    r->uidlock = r->pidfd = r->in_w = r->out_r = r->err_r = r->st_r = -1;
}

static void kill_run(struct run *r)
{
    if (r->pidfd >= 0)
        syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
}

/* Wait until the run's pid 1 is gone (by then every process of its pid
 * namespace is), at most `ms`. */
static bool wait_gone(struct run *r, int ms)
{
    if (r->pidfd < 0)
        return true;
    struct pollfd pf = {r->pidfd, POLLIN, 0};
    double end = sk_now_ms() + ms;
    for (;;) {
        int left = (int)(end - sk_now_ms());
        int n = poll(&pf, 1, left > 0 ? left : 0);
        if (n > 0)
            return true;
        if (n == 0 || (n < 0 && errno != EINTR))
            return false;
    }
}

static void run_cleanup(struct run *r)
{
    kill_run(r);
    wait_gone(r, KILL_WAIT_MS);
    if (r->have_cg && sandbox_cgroup_destroy(&r->cg, KILL_WAIT_MS) < 0)
        log_warn("sandbox: cgroup of run %d not removed yet; left for cleanup", (int)r->pid);
    r->have_cg = false;
    sk_close_reset(&r->pidfd);
    sk_close_reset(&r->in_w);
    sk_close_reset(&r->out_r);
    sk_close_reset(&r->err_r);
    sk_close_reset(&r->st_r);
    sk_close_reset(&r->uidlock);
}

/* One request to the spawner: send `req` with its fds, get the run's pid
 * and a pidfd back (and the run's listening socket when req asked for one). */
static int spawner_call(const struct wire_req *req, const int *fds, int nfds, pid_t *pid,
                        int *pidfd, int *listener, struct sk_err *err)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * REQ_MAX_FDS)];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    struct iovec iov = {(void *)req, sizeof(*req)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);

    struct wire_rep rep;
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } ru;
    struct iovec riov = {&rep, sizeof(rep)};
    struct msghdr rmh = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = ru.buf,
                         .msg_controllen = sizeof(ru.buf)};
    ssize_t n;
    pthread_mutex_lock(&S.lock);
    if (S.sock < 0) {
        pthread_mutex_unlock(&S.lock);
        return sk_err_msg(err, ESHUTDOWN, "sandbox: not initialised (call sandbox_init)");
    }
    while ((n = sendmsg(S.sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof(*req))
        while ((n = recvmsg(S.sock, &rmh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
            ;
    else
        n = -1;
    int e = errno;
    pthread_mutex_unlock(&S.lock);

    int got[2] = {-1, -1}, ngot = 0;
    for (struct cmsghdr *rc = CMSG_FIRSTHDR(&rmh); n > 0 && rc; rc = CMSG_NXTHDR(&rmh, rc))
        if (rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_RIGHTS) {
            int k = (int)((rc->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < k; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(rc) + i * sizeof(int), sizeof(int));
                if (ngot < 2)
                    got[ngot++] = fd;
                else
                    close(fd);
            }
        }
    int want = req->proxy_port ? 2 : 1;
    const char *bad = n <= 0 ? NULL
                      : n != sizeof(rep) ? "sandbox: bad reply from the spawner"
                      : rep.err          ? NULL
                      : ngot != want     ? "sandbox: the spawner sent the wrong descriptors"
                                         : NULL;
    if (n <= 0 || bad || rep.err) {
        for (int i = 0; i < ngot; i++)
            close(got[i]);
        if (n <= 0)
            return sk_err_msg(err, n == 0 ? EPIPE : e, "sandbox: the spawner (pid %d) is gone",
                              (int)S.spawner);
        if (bad)
            return sk_err_msg(err, EPROTO, "%s", bad);
        rep.msg[sizeof(rep.msg) - 1] = '\0';
        return sk_err_msg(err, rep.err, "%s", rep.msg);
    }
    *pid = rep.pid;
    *pidfd = got[0];
    *listener = got[1];
    return 0;
}

static int make_pipe(int *r, int *w, int nonblock_end, struct sk_err *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return sk_err_make(err, errno, "sandbox: pipe");
    *r = p[0];
    *w = p[1];
    if (nonblock_end >= 0) {
        int fd = p[nonblock_end];
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return 0;
}

static int run_start(const struct sandbox_spec *spec, bool proc, struct run *r,
                     struct sk_err *err)
{
    run_init(r);
    if (!S.ready)
        return sk_err_msg(err, ESHUTDOWN, "sandbox: not initialised (call sandbox_init)");
    int rc = validate(spec, proc, err);
    if (rc < 0)
        return rc;

    cleanup_free char *wire = NULL;
    size_t wlen;
    if ((rc = sandbox_spec_encode(spec, proc, &wire, &wlen, err)) < 0)
        return rc;
    cleanup_close int memfd = memfd_create("skitty-spec", MFD_CLOEXEC);
    if (memfd < 0)
        return sk_err_make(err, errno, "sandbox: memfd_create");
    if ((rc = sk_write_all(memfd, wire, wlen)) < 0)
        return sk_err_make(err, -rc, "sandbox: write the spec");

    r->uidlock = sandbox_uid_acquire(&S.pool, &r->uid, err);
    if (r->uidlock < 0) {
        rc = r->uidlock;
        r->uidlock = -1;
        return rc;
    }

    char name[96];
    snprintf(name, sizeof(name), "%s%d.%u", S.cg.prefix, (int)getpid(),
             atomic_fetch_add(&S.counter, 1));
    if ((rc = sandbox_cgroup_create(&S.cg, name, &spec->limits, &r->cg, err)) < 0) {
        run_cleanup(r);
        return rc;
    }
    r->have_cg = true;

    int fds[REQ_MAX_FDS];
    int in_r = -1, out_w = -1, err_w = -1, st_w = -1, v2_dir = -1, ntasks = 0;
    int tasks[CG_MAX_HIER];
    /* Our ends: stdin and the output ends non-blocking for the poll loop
     * of sandbox_run; a proc's stdin/stdout stay blocking for its caller. */
    if ((rc = make_pipe(&in_r, &r->in_w, proc ? -1 : 1, err)) < 0 ||
        (rc = make_pipe(&r->out_r, &out_w, proc ? -1 : 0, err)) < 0 ||
        (rc = make_pipe(&r->err_r, &err_w, proc ? -1 : 0, err)) < 0 ||
        (rc = make_pipe(&r->st_r, &st_w, -1, err)) < 0 ||
        (rc = ntasks = sandbox_cgroup_clone_fds(&r->cg, tasks, &v2_dir, err)) < 0) {
        ntasks = 0;
        goto out;
    }
    fds[REQ_FD_SPEC] = memfd;
    fds[REQ_FD_STDIN] = in_r;
    fds[REQ_FD_STDOUT] = out_w;
    fds[REQ_FD_STDERR] = err_w;
    fds[REQ_FD_STATUS] = st_w;
    fds[REQ_FD_UIDLOCK] = r->uidlock;
    int nfds = REQ_FD_CG;
    if (v2_dir >= 0)
        fds[nfds++] = v2_dir;
    for (int i = 0; i < ntasks; i++)
        fds[nfds++] = tasks[i];
    struct wire_req req = {.magic = WIRE_MAGIC,
                           .uid = (uint32_t)r->uid,
                           .ntasks = (uint32_t)ntasks,
                           .has_v2 = v2_dir >= 0,
                           .proxy_port = spec->net ? (uint32_t)spec->net->port : 0};
    int listener = -1;
    rc = spawner_call(&req, fds, nfds, &r->pid, &r->pidfd, &listener, err);
    /* The proxy takes the run's socket before the program can use it (the
     * run is held until the spawner has made it; connections wait in its
     * backlog until the proxy accepts). */
    if (rc == 0 && spec->net) {
        rc = spec->net->attach(spec->net->ctx, listener);
        if (rc < 0)
            sk_err_make(err, -rc, "sandbox: start the run's egress proxy");
    }

out:
    for (int i = 0; i < ntasks; i++)
        close(tasks[i]);
    if (v2_dir >= 0)
        close(v2_dir);
    if (in_r >= 0)
        close(in_r);
    if (out_w >= 0)
        close(out_w);
    if (err_w >= 0)
        close(err_w);
    if (st_w >= 0)
        close(st_w);
    if (rc < 0)
        run_cleanup(r);
    return rc;
}

/* ------------------------------------------------------ supervising a run -- */

struct stream {
    int *fd;            /* our read end; closed (and -1) at EOF; not owned */
    struct sk_buf buf;  /* the first `cap` bytes */
    size_t cap;         /* bytes kept */
    bool truncated;     /* more than cap arrived */
};

/* Read what is there. Returns true when the stream passed its cap. */
static bool drain(struct stream *s)
{
    char chunk[65536];
    /* A bounded number of reads per call: a writer faster than us must not
     * keep us here (the caller has a timeout and a cap to enforce). */
    for (int i = 0; i < 16; i++) {
        ssize_t n = read(*s->fd, chunk, sizeof(chunk));
        if (n > 0) {
            size_t room = s->cap - s->buf.len;
            size_t take = (size_t)n < room ? (size_t)n : room;
            if (take)
                sk_buf_append(&s->buf, chunk, take);
            if ((size_t)n > take)
                s->truncated = true;
            if (s->truncated)
                return true;
            continue;
        }
        if (n == 0)
            sk_close_reset(s->fd);
        else if (errno == EINTR)
            continue;
        else if (errno != EAGAIN)
            sk_close_reset(s->fd);
        return s->truncated;
    }
    return s->truncated;
}

struct status_reader {
    bool started, exited;    /* ST_STARTED, ST_EXIT seen */
    int wstatus;             /* from ST_EXIT */
    int err;                 /* from ST_ERROR */
    char msg[SK_ERR_LEN];    /* from ST_ERROR */
};

/* Read status messages until the pipe is empty or closed. */
static void read_status(int *fd, struct status_reader *sr, bool nonblock)
{
    for (;;) {
        struct wire_status st;
        if (nonblock) {
            struct pollfd pf = {*fd, POLLIN, 0};
            if (poll(&pf, 1, 0) <= 0)
                return;
        }
        ssize_t n = read(*fd, &st, sizeof(st));
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof(st)) {
            sk_close_reset(fd);
            return;
        }
        if (st.type == ST_ERROR && !sr->err) {
            sr->err = st.err ? st.err : EIO;
            st.msg[sizeof(st.msg) - 1] = '\0';
            snprintf(sr->msg, sizeof(sr->msg), "%s", st.msg);
        } else if (st.type == ST_STARTED) {
            sr->started = true;
        } else if (st.type == ST_EXIT) {
            sr->exited = true;
            sr->wstatus = st.wstatus;
        }
        if (!nonblock)
            return;
    }
}

int sandbox_run(const struct sandbox_spec *spec, struct sandbox_result *res, struct sk_err *err)
{
    memset(res, 0, sizeof(*res));
    double t0 = sk_now_ms();
    struct run r;
    int rc = run_start(spec, false, &r, err);
    if (rc < 0)
        return rc;

    struct stream out = {.fd = &r.out_r, .cap = spec->limits.output_bytes};
    struct stream errs = {.fd = &r.err_r, .cap = spec->limits.output_bytes};
    sk_buf_init(&out.buf, out.cap);
    sk_buf_init(&errs.buf, errs.cap);
    struct status_reader sr = {0};
    const char *in = spec->stdin_data;
    size_t in_left = spec->stdin_len;
    if (in_left == 0)
        sk_close_reset(&r.in_w);

    double deadline = t0 + spec->limits.wall_ms;
    double gone_by = 0;     /* once killed or exited: stop waiting at this time */
    bool killed = false, timed_out = false, output_limit = false, gone = false;
    for (;;) {
        struct pollfd pf[5];
        int np = 0, ipid = -1, iin = -1, iout = -1, ierr = -1, ist = -1;
        if (!gone) {
            ipid = np;
            pf[np++] = (struct pollfd){r.pidfd, POLLIN, 0};
        }
        if (r.in_w >= 0) {
            iin = np;
            pf[np++] = (struct pollfd){r.in_w, POLLOUT, 0};
        }
        if (r.out_r >= 0) {
            iout = np;
            pf[np++] = (struct pollfd){r.out_r, POLLIN, 0};
        }
        if (r.err_r >= 0) {
            ierr = np;
            pf[np++] = (struct pollfd){r.err_r, POLLIN, 0};
        }
        if (r.st_r >= 0) {
            ist = np;
            pf[np++] = (struct pollfd){r.st_r, POLLIN, 0};
        }
        if (gone && r.out_r < 0 && r.err_r < 0 && r.st_r < 0)
            break;
        double now = sk_now_ms();
        /* A program whose exit status is already in did not time out, even
         * if its namespace is still being torn down at the deadline. */
        if (!killed && now >= deadline && !sr.exited) {
            timed_out = killed = true;
            kill_run(&r);
            gone_by = now + KILL_WAIT_MS;
        }
        if (gone_by && now >= gone_by)
            break; /* something holds a pipe open past the run's end */
        double until = gone_by ? gone_by : deadline;
        int wait = (int)(until - now) + 1;
        int n = poll(pf, (nfds_t)np, wait);
        if (n < 0 && errno != EINTR) {
            rc = sk_err_make(err, errno, "sandbox: poll");
            break;
        }
        if (n <= 0)
            continue;
        if (iin >= 0 && pf[iin].revents) {
            if (pf[iin].revents & (POLLERR | POLLHUP)) {
                sk_close_reset(&r.in_w);
            } else {
                ssize_t w = write(r.in_w, in, in_left > 65536 ? 65536 : in_left);
                if (w > 0) {
                    in += w;
                    in_left -= (size_t)w;
                } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    sk_close_reset(&r.in_w); /* EPIPE: the program closed its stdin */
                }
                if (in_left == 0)
                    sk_close_reset(&r.in_w);
            }
        }
        bool over = false;
        if (iout >= 0 && pf[iout].revents)
            over |= drain(&out);
        if (ierr >= 0 && pf[ierr].revents)
            over |= drain(&errs);
        if (over && !killed) {
            /* A flood is cut at the cap and the run ends there: reading on
             * would only burn the host's CPU for output nobody sees. */
            output_limit = killed = true;
            kill_run(&r);
            gone_by = sk_now_ms() + KILL_WAIT_MS;
        }
        if (ist >= 0 && pf[ist].revents)
            read_status(&r.st_r, &sr, true);
        if (ipid >= 0 && pf[ipid].revents) {
            gone = true;
            if (!gone_by)
                gone_by = sk_now_ms() + KILL_WAIT_MS;
        }
    }
    if (rc == 0 && r.st_r >= 0)
        read_status(&r.st_r, &sr, true);
    if (!gone) {
        kill_run(&r);
        wait_gone(&r, KILL_WAIT_MS);
    }
    res->wall_ms = (int64_t)(sk_now_ms() - t0);

    struct cg_stats st;
    sandbox_cgroup_stats(&r.cg, &st);
    res->host_uid = r.uid;
    run_cleanup(&r);

    if (rc == 0 && sr.err && !timed_out)
        rc = sk_err_msg(err, sr.err, "sandbox: %s", sr.msg);
    if (rc == 0 && !sr.started && !sr.exited && !timed_out && !output_limit && st.oom_kills <= 0)
        rc = sk_err_msg(err, EIO, "sandbox: the run ended during setup");
    if (rc < 0) {
        sk_buf_close(&out.buf);
        sk_buf_close(&errs.buf);
        memset(res, 0, sizeof(*res));
        return rc;
    }

    res->cpu_ms = st.cpu_ns >= 0 ? st.cpu_ns / 1000000 : 0;
    res->max_rss_kb = st.peak_bytes >= 0 ? st.peak_bytes / 1024 : 0;
    res->oom = st.oom_kills > 0;
    res->timed_out = timed_out;
    res->out_truncated = out.truncated;
    res->err_truncated = errs.truncated;
    res->out_len = out.buf.len;
    res->err_len = errs.buf.len;
    res->out = out.buf.data ? sk_buf_steal(&out.buf) : xstrdup("");
    res->err = errs.buf.data ? sk_buf_steal(&errs.buf) : xstrdup("");
    if (sr.exited && WIFEXITED(sr.wstatus)) {
        res->exit_code = WEXITSTATUS(sr.wstatus);
    } else if (sr.exited && WIFSIGNALED(sr.wstatus)) {
        res->signal = WTERMSIG(sr.wstatus);
    } else {
        res->signal = SIGKILL; /* pid 1 was killed: the whole run went with it */
    }

    if (timed_out)
        res->status = SANDBOX_TIMEOUT;
    else if (output_limit)
        res->status = SANDBOX_OUTPUT_LIMIT;
    else if (res->oom && (res->signal || res->exit_code))
        res->status = SANDBOX_MEMORY_LIMIT;
    else if (!sr.exited || res->signal == SIGSYS || res->signal == SIGKILL)
        res->status = SANDBOX_KILLED;
    else if (res->signal || res->exit_code)
        res->status = SANDBOX_RUNTIME_ERROR;
    else
        res->status = SANDBOX_OK;
    return 0;
}

void sandbox_result_close(struct sandbox_result *res)
{
    free(res->out);
    free(res->err);
    memset(res, 0, sizeof(*res));
}

/* ----------------------------------------------------- long-lived procs -- */

#define PROC_STDERR_DEFAULT (16u << 10)

struct sandbox_proc {
    struct run r;
    pthread_t reader;        /* collects stderr */
    bool have_reader;
    pthread_mutex_t lock;    /* guards tail */
    char *tail;              /* ring of the last tail_cap stderr bytes */
    size_t tail_cap, tail_len, tail_pos;
};

static void *stderr_reader(void *arg)
{
    struct sandbox_proc *p = arg;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(p->r.err_r, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pthread_mutex_lock(&p->lock);
        for (ssize_t i = 0; i < n; i++) {
            p->tail[p->tail_pos] = chunk[i];
            p->tail_pos = (p->tail_pos + 1) % p->tail_cap;
            if (p->tail_len < p->tail_cap)
                p->tail_len++;
        }
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

int sandbox_proc_start(const struct sandbox_spec *spec, struct sandbox_proc **out,
                       struct sk_err *err)
{
    struct sandbox_proc *p = xcalloc(1, sizeof(*p));
    int rc = run_start(spec, true, &p->r, err);
    if (rc < 0) {
        free(p);
        return rc;
    }
    pthread_mutex_init(&p->lock, NULL);
    p->tail_cap = spec->limits.output_bytes < PROC_STDERR_DEFAULT ? spec->limits.output_bytes
                                                                  : PROC_STDERR_DEFAULT;
    p->tail = xmalloc(p->tail_cap);

    /* Wait for the program to be exec'd (or for the setup error). */
    struct status_reader sr = {0};
    while (!sr.started && !sr.err && p->r.st_r >= 0)
        read_status(&p->r.st_r, &sr, false);
    if (sr.err || !sr.started) {
        if (sr.err)
            rc = sk_err_msg(err, sr.err, "sandbox: %s", sr.msg);
        else
            rc = sk_err_msg(err, EIO, "sandbox: the process ended during setup");
        run_cleanup(&p->r);
        pthread_mutex_destroy(&p->lock);
        free(p->tail);
        free(p);
        return rc;
    }
    if (pthread_create(&p->reader, NULL, stderr_reader, p) == 0)
        p->have_reader = true;
    *out = p;
    return 0;
}

int sandbox_proc_stdin(const struct sandbox_proc *p)
{
    return p->r.in_w;
}

int sandbox_proc_stdout(const struct sandbox_proc *p)
{
    return p->r.out_r;
}

int64_t sandbox_proc_memory_kb(const struct sandbox_proc *p)
{
    int64_t b = sandbox_cgroup_memory(&p->r.cg);
    return b < 0 ? b : b / 1024;
}

bool sandbox_proc_alive(struct sandbox_proc *p)
{
    struct pollfd pf = {p->r.pidfd, POLLIN, 0};
    return poll(&pf, 1, 0) == 0;
}

char *sandbox_proc_stderr(struct sandbox_proc *p)
{
    pthread_mutex_lock(&p->lock);
    char *s = xmalloc(p->tail_len + 1);
    size_t start = (p->tail_pos + p->tail_cap - p->tail_len) % p->tail_cap;
    for (size_t i = 0; i < p->tail_len; i++)
        s[i] = p->tail[(start + i) % p->tail_cap];
    s[p->tail_len] = '\0';
    pthread_mutex_unlock(&p->lock);
    return s;
}

void sandbox_proc_free(struct sandbox_proc *p)
{
    if (!p)
        return;
    kill_run(&p->r);
    wait_gone(&p->r, KILL_WAIT_MS);
    /* The stderr pipe reaches EOF once the namespace is gone. */
    if (p->have_reader)
        pthread_join(p->reader, NULL);
    run_cleanup(&p->r);
    pthread_mutex_destroy(&p->lock);
    free(p->tail);
    free(p);
}
