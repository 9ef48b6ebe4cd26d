/*
 * The spawner: a small single-threaded process, forked by sandbox_init()
 * before the daemon starts any thread, that does the one thing a threaded
 * daemon must not do: clone. (A fork from a threaded process copies locks
 * other threads hold; clone with new namespaces from a process whose
 * threads share its memory is refused by the kernel anyway.)
 *
 * One request = one run. The daemon thread sends the run's descriptors
 * (spec memfd, stdio pipes, status pipe, uid lock) and limits; the spawner
 * starts the run's first process in new namespaces, writes its uid/gid
 * maps (the pool uid outside <-> 1000 inside), lets it go, and answers
 * with a pidfd and the run's cgroup name. It keeps its copy of the uid
 * lock until it has reaped the run, so the uid returns to the pool only
 * once every process of the run is gone.
 *
 * Zygotes. Moving a task into a cgroup takes the kernel's cgroup
 * threadgroup lock for writing, which waits for an RCU grace period when
 * no migration happened recently: 5-20 ms on our machines (HZ=250), more
 * than the rest of a run's setup. So migrations are done ahead of time:
 * the spawner keeps ZYGOTES small processes, each already sitting in the
 * fresh, uniquely named cgroups of a future run. A request takes one, the
 * spawner writes the run's limits into its groups, and the zygote clones
 * the run with CLONE_PARENT: the run is born inside its cgroups (nothing
 * of it ever runs outside them) and is the spawner's child, while the
 * zygote exits. A new zygote is then prepared in the background.
 *
 * When the daemon goes away (its socket closes, or PDEATHSIG SIGTERM), the
 * spawner kills every run still alive and its zygotes, reaps them, removes
 * its daemon's cgroups and exits: a daemon killed with SIGKILL leaves
 * nothing running.
 */
#include "config.h"

#include "sandbox/internal.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS \
    (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

struct child {
    pid_t pid;
    int uidlock; /* our copy of the run's uid lock */
};

static struct child *children;
static size_t nchildren, children_cap;

static void track(pid_t pid, int uidlock)
{
    if (nchildren == children_cap) {
        children_cap = children_cap ? children_cap * 2 : 16;
        children = xrealloc(children, children_cap * sizeof(*children));
    }
    children[nchildren++] = (struct child){pid, uidlock};
}

static void reap(int flags)
{
    for (;;) {
        int ws;
        pid_t p = waitpid(-1, &ws, flags);
        if (p < 0 && errno == EINTR)
            continue;
        if (p <= 0)
            return;
        for (size_t i = 0; i < nchildren; i++)
            if (children[i].pid == p) {
                sk_close_reset(&children[i].uidlock);
                children[i] = children[--nchildren];
                break;
            }
    }
}

#define ZYGOTES 2
#define ZYGOTE_WAIT_MS 10000

struct zygote {
    pid_t pid;             /* 0: slot empty */
    int sock;              /* to the zygote */
    bool ready;            /* its "ready" message was read */
    char name[WIRE_CG_NAME]; /* its cgroup name */
};

static struct zygote zygotes[ZYGOTES];
static unsigned zygote_counter;

static void zygote_drop(struct zygote *z)
{
    if (z->pid > 0)
        kill(z->pid, SIGKILL);
    sk_close_reset(&z->sock);
    z->pid = 0;
}

__attribute__((noreturn)) static void shut_down(pid_t daemon_pid,
                                               const struct sandbox_cgroups *cg)
{
    /* Killing a run's pid 1 kills its whole pid namespace. */
    for (size_t i = 0; i < nchildren; i++)
        kill(children[i].pid, SIGKILL);
    for (int i = 0; i < ZYGOTES; i++)
        zygote_drop(&zygotes[i]);
    /* Reap every child (runs, zygotes) before exiting: orphans would become
     * zombies of a host init that may reap them late or never. */
    reap(0);
    sandbox_cgroup_gc(cg, daemon_pid);
    _exit(0);
}

/* The spawner is a fork of the daemon: its argv and environment strings
 * (which may hold secrets, e.g. SKITTY_MODEL_API_KEY) would be in every
 * run's pid 1, and its command line readable in the run's /proc. Blank
 * them here, once, for every process forked from now on. */
static void wipe_args_and_env(void)
{
    char buf[4096];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    /* Fields after the command name (which may hold spaces) are numbers;
     * arg_start..env_end are fields 48-51. */
    char *p = strrchr(buf, ')');
    if (!p)
        return;
    unsigned long v[52] = {0};
    int field = 2;
    for (char *tok = strtok(p + 1, " "); tok && field < 51; tok = strtok(NULL, " "))
        v[++field] = strtoul(tok, NULL, 10);
    if (field < 51 || v[48] >= v[49] || v[50] >= v[51] || v[51] - v[48] > (64u << 20))
        return;
    memset((void *)v[48], 0, v[49] - v[48]);
    memset((void *)v[50], 0, v[51] - v[50]);
}

/* ------------------------------------------------------------- replies -- */

static void reply(int sock, int e, pid_t pid, int pidfd, const char *cgroup, const char *msg)
{
    struct wire_rep rep;
    memset(&rep, 0, sizeof(rep));
    rep.err = e;
    rep.pid = pid;
    if (cgroup)
        snprintf(rep.cgroup, sizeof(rep.cgroup), "%s", cgroup);
    if (msg)
        snprintf(rep.msg, sizeof(rep.msg), "%s", msg);
    struct iovec iov = {&rep, sizeof(rep)};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (pidfd >= 0) {
        memset(&u, 0, sizeof(u));
        mh.msg_control = u.buf;
        mh.msg_controllen = sizeof(u.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pidfd, sizeof(int));
    }
    while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

__attribute__((format(printf, 3, 4))) static void reply_err(int sock, int e, const char *fmt, ...)
{
    char msg[SK_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (e && n >= 0 && (size_t)n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(e));
    reply(sock, e ? e : EIO, 0, -1, NULL, msg);
}

/* ------------------------------------------------------------- zygotes -- */

static ssize_t send_fds(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * REQ_NFDS)];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    struct iovec iov = {(void *)buf, len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds > 0) {
        mh.msg_control = u.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    ssize_t n;
    while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return n;
}

/* Receive one message and up to `max` fds (O_CLOEXEC). Returns the bytes
 * read (0 at EOF, -1 on error) and sets *nfds; truncated control data
 * closes what arrived and fails. */
static ssize_t recv_fds(int sock, void *buf, size_t len, int *fds, int max, int *nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * REQ_NFDS)];
        struct cmsghdr align;
    } u;
    struct iovec iov = {buf, len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof(u.buf)};
    ssize_t n;
    while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    *nfds = 0;
    for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            int *in = (int *)CMSG_DATA(c);
            for (int i = 0; i < k; i++) {
                if (*nfds < max)
                    memcpy(&fds[(*nfds)++], &in[i], sizeof(int));
                else
                    close(in[i]);
            }
        }
    if (n > 0 && (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
        for (int i = 0; i < *nfds; i++)
            close(fds[i]);
        *nfds = 0;
        errno = EMSGSIZE;
        return -1;
    }
    return n;
}

/* clone into all namespaces failed: find which one and say why, so that a
 * host without (say) user namespaces gets a message naming them. */
static void diagnose_clone(int e, char *msg, size_t len)
{
    static const struct {
        int flag;
        const char *name, *sysctl;
    } ns[] = {
        {CLONE_NEWUSER, "user", "user.max_user_namespaces"},
        {CLONE_NEWNS, "mount", "user.max_mnt_namespaces"},
        {CLONE_NEWPID, "pid", "user.max_pid_namespaces"},
        {CLONE_NEWNET, "network", "user.max_net_namespaces"},
        {CLONE_NEWIPC, "ipc", "user.max_ipc_namespaces"},
        {CLONE_NEWUTS, "uts", "user.max_uts_namespaces"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
        pid_t p = (pid_t)syscall(SYS_clone, ns[i].flag | SIGCHLD, NULL, NULL, NULL, 0);
        if (p == 0)
            _exit(0);
        if (p > 0) {
            while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
                ;
            continue;
        }
        int pe = errno;
        if (pe == ENOSPC || pe == EUSERS)
            snprintf(msg, len, "sandbox: the limit of %s namespaces is reached (%s)", ns[i].name,
                     ns[i].sysctl);
        else if (pe == EPERM && ns[i].flag == CLONE_NEWUSER)
            snprintf(msg, len,
                     "sandbox: creating a user namespace is not permitted (an AppArmor/SELinux "
                     "policy such as kernel.apparmor_restrict_unprivileged_userns, or a "
                     "seccomp filter around skitty)");
        else
            snprintf(msg, len, "sandbox: cannot create a %s namespace: %s", ns[i].name,
                     strerror(pe));
        return;
    }
    snprintf(msg, len, "sandbox: clone into new namespaces failed: %s", strerror(e));
}

__attribute__((format(printf, 3, 4))) static void zygote_fail(int sock, int e, const char *fmt,
                                                              ...)
{
    struct wire_rep rep;
    memset(&rep, 0, sizeof(rep));
    rep.err = e ? e : EIO;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep.msg, sizeof(rep.msg), fmt, ap);
    va_end(ap);
    send_fds(sock, &rep, sizeof(rep), NULL, 0);
    _exit(1);
}

/* A zygote: make the run's groups, move in, say so, then wait for the
 * run's descriptors and clone the run (as the spawner's child). */
__attribute__((noreturn)) static void zygote_main(int sock, const char *name,
                                                  const struct sandbox_host *host,
                                                  const struct sandbox_cgroups *cg)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    prctl(PR_SET_NAME, "skitty-zygote", 0, 0, 0);
    struct sk_err err;
    struct cg_run run;
    if (sandbox_cgroup_make(cg, name, &run, &err) < 0)
        zygote_fail(sock, err.code, "%s", err.msg);
    if (sandbox_cgroup_enter(&run, &err) < 0) {
        sandbox_cgroup_destroy(&run, 0);
        zygote_fail(sock, err.code, "%s", err.msg);
    }
    struct wire_rep rep;
    memset(&rep, 0, sizeof(rep));
    if (send_fds(sock, &rep, sizeof(rep), NULL, 0) < 0)
        _exit(1);

    char go;
    int fds[6], nfds;
    if (recv_fds(sock, &go, 1, fds, 6, &nfds) != 1 || nfds != 6)
        _exit(1); /* the spawner gave up on us; it removes the groups */
    /* CLONE_PARENT: the run is the spawner's child (it reaps it and holds
     * the uid lock until then), but is born here, inside the run's groups. */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | NS_FLAGS, NULL, NULL, NULL, 0);
    if (pid == 0)
        sandbox_child_main(host, fds);
    rep.err = pid < 0 ? errno : 0;
    rep.pid = pid < 0 ? 0 : pid;
    if (pid < 0)
        diagnose_clone(rep.err, rep.msg, sizeof(rep.msg));
    send_fds(sock, &rep, sizeof(rep), NULL, 0);
    _exit(0);
}

static void zygote_start(struct zygote *z, pid_t daemon_pid, const struct sandbox_host *host,
                         const struct sandbox_cgroups *cg)
{
    int sv[2];
    memset(z, 0, sizeof(*z));
    z->sock = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return;
    snprintf(z->name, sizeof(z->name), "%s%d.%u", cg->prefix, (int)daemon_pid, zygote_counter++);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        zygote_main(sv[1], z->name, host, cg);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return;
    }
    z->pid = pid;
    z->sock = sv[0];
}

static bool wait_readable(int fd, int ms)
{
    struct pollfd pf = {fd, POLLIN, 0};
    int n;
    while ((n = poll(&pf, 1, ms)) < 0 && errno == EINTR)
        ;
    return n > 0;
}

/* Take a ready zygote (starting one and waiting for it if need be). On
 * failure fills `msg` and returns NULL. */
static struct zygote *zygote_take(pid_t daemon_pid, const struct sandbox_host *host,
                                  const struct sandbox_cgroups *cg, int *e, char *msg,
                                  size_t msglen)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        struct zygote *z = NULL;
        for (int i = 0; i < ZYGOTES && !z; i++)
            if (zygotes[i].pid > 0 && zygotes[i].ready)
                z = &zygotes[i];
        for (int i = 0; i < ZYGOTES && !z; i++)
            if (zygotes[i].pid > 0)
                z = &zygotes[i];
        if (!z) {
            zygote_start(&zygotes[0], daemon_pid, host, cg);
            if (zygotes[0].pid <= 0) {
                *e = errno ? errno : EAGAIN;
                snprintf(msg, msglen, "spawner: cannot fork a zygote: %s", strerror(*e));
                return NULL;
            }
            z = &zygotes[0];
        }
        if (z->ready)
            return z;
        struct wire_rep rep;
        int fds[1], nfds;
        ssize_t n = wait_readable(z->sock, ZYGOTE_WAIT_MS)
                        ? recv_fds(z->sock, &rep, sizeof(rep), fds, 0, &nfds)
                        : -1;
        if (n == sizeof(rep) && rep.err == 0) {
            z->ready = true;
            return z;
        }
        if (n == sizeof(rep)) {
            rep.msg[sizeof(rep.msg) - 1] = '\0';
            *e = rep.err;
            snprintf(msg, msglen, "%s", rep.msg);
            zygote_drop(z);
            return NULL; /* a real failure (e.g. cgroups): retrying will not help */
        }
        zygote_drop(z); /* died or hung: try a fresh one once */
    }
    *e = EIO;
    snprintf(msg, msglen, "spawner: no zygote became ready");
    return NULL;
}

static void zygotes_refill(pid_t daemon_pid, const struct sandbox_host *host,
                           const struct sandbox_cgroups *cg)
{
    for (int i = 0; i < ZYGOTES; i++)
        if (zygotes[i].pid <= 0)
            zygote_start(&zygotes[i], daemon_pid, host, cg);
}

/* ------------------------------------------------------------ requests -- */

static int write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, s, strlen(s));
    int e = errno;
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -(n < 0 ? e : EIO);
}

static void close_all(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* Start one run with zygote `z` (ready) and the request's fds. Returns
 * the run's pid or a negative errno with `msg` filled. */
static pid_t start_run(struct zygote *z, const struct wire_req *req, int *fds,
                       const struct sandbox_cgroups *cg, char *msg, size_t msglen)
{
    struct sandbox_limits lim = {.memory_bytes = req->memory_bytes,
                                 .cpu_millicores = req->cpu_millicores,
                                 .pids = req->pids};
    struct cg_run run;
    struct sk_err err;
    sandbox_cgroup_open(cg, z->name, &run);
    if (sandbox_cgroup_limit(&run, &lim, &err) < 0) {
        snprintf(msg, msglen, "%s", err.msg);
        return -err.code;
    }

    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0) {
        snprintf(msg, msglen, "spawner: pipe: %s", strerror(errno));
        return -errno;
    }
    int child_fds[6] = {fds[REQ_FD_STDIN], fds[REQ_FD_STDOUT], fds[REQ_FD_STDERR],
                        fds[REQ_FD_STATUS], fds[REQ_FD_SPEC], sync[0]};
    struct wire_rep rep;
    int none[1], nnone;
    ssize_t n = send_fds(z->sock, "g", 1, child_fds, 6);
    close(sync[0]);
    if (n == 1)
        n = wait_readable(z->sock, ZYGOTE_WAIT_MS)
                ? recv_fds(z->sock, &rep, sizeof(rep), none, 0, &nnone)
                : -1;
    if (n != sizeof(rep) || rep.err || rep.pid <= 0) {
        int e = n == sizeof(rep) && rep.err ? rep.err : EIO;
        close(sync[1]);
        rep.msg[sizeof(rep.msg) - 1] = '\0';
        if (n == sizeof(rep) && rep.msg[0])
            snprintf(msg, msglen, "%s", rep.msg);
        else
            snprintf(msg, msglen, "spawner: the zygote failed to clone the run");
        return -e;
    }
    pid_t pid = rep.pid;

    /* Map the run's ids: 1000 inside is the pool uid outside, and nothing
     * else is mapped (host uid 0 does not exist in there). */
    char path[64], map[64];
    snprintf(map, sizeof(map), "%d %u 1\n", SANDBOX_INNER_ID, req->uid);
    snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
    const char *what = "uid_map";
    int rc = write_str(path, map);
    if (rc == 0) {
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
        what = "gid_map";
        rc = write_str(path, map);
    }
    if (rc == 0 && write(sync[1], "g", 1) != 1) {
        what = "sync";
        rc = -errno;
    }
    close(sync[1]);
    if (rc < 0) {
        kill(pid, SIGKILL);
        snprintf(msg, msglen, "spawner: set up run %d: %s: %s", (int)pid, what, strerror(-rc));
        return rc;
    }
    return pid;
}

/* Handle one request. Returns false when the daemon has gone. */
static bool serve_one(int sock, pid_t daemon_pid, const struct sandbox_host *host,
                      const struct sandbox_cgroups *cg)
{
    struct wire_req req;
    int fds[REQ_NFDS], nfds;
    ssize_t n = recv_fds(sock, &req, sizeof(req), fds, REQ_NFDS, &nfds);
    if (n == 0 || (n < 0 && errno != EMSGSIZE))
        return false;
    if (n != sizeof(req) || req.magic != WIRE_MAGIC || nfds != REQ_NFDS || req.uid < 1000) {
        close_all(fds, nfds);
        reply_err(sock, EPROTO, "spawner: malformed request");
        return true;
    }

    char msg[SK_ERR_LEN];
    int e = 0;
    struct zygote *z = zygote_take(daemon_pid, host, cg, &e, msg, sizeof(msg));
    if (!z) {
        close_all(fds, nfds);
        reply(sock, e, 0, -1, NULL, msg);
        return true;
    }
    pid_t pid = start_run(z, &req, fds, cg, msg, sizeof(msg));
    char name[WIRE_CG_NAME];
    snprintf(name, sizeof(name), "%s", z->name);
    /* The zygote exits after the clone; its groups now belong to the run
     * (or, on failure, are removed by the daemon through the reply). */
    sk_close_reset(&z->sock);
    z->pid = 0;
    if (pid < 0) {
        close_all(fds, nfds);
        reply(sock, (int)-pid, 0, -1, name, msg);
        zygotes_refill(daemon_pid, host, cg);
        return true;
    }
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    track(pid, fds[REQ_FD_UIDLOCK]);
    fds[REQ_FD_UIDLOCK] = -1;
    close_all(fds, nfds);
    if (pidfd < 0) {
        kill(pid, SIGKILL);
        reply(sock, errno, 0, -1, name, "spawner: pidfd_open");
    } else {
        reply(sock, 0, pid, pidfd, name, NULL);
        close(pidfd);
    }
    zygotes_refill(daemon_pid, host, cg);
    return true;
}

void sandbox_spawner_main(int sock, pid_t daemon_pid, const struct sandbox_host *host,
                          const struct sandbox_cgroups *cg)
{
    prctl(PR_SET_NAME, "skitty-spawner", 0, 0, 0);
    wipe_args_and_env();
    /* Die (cleanly) with the daemon; if it is already gone, do not start. */
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);

    /* Keep only the socket (on fd 3) and stderr; stdin/stdout to /dev/null. */
    if (sock != 3 && (dup3(sock, 3, O_CLOEXEC) < 0 || (close(sock), 0)))
        _exit(1);
    sock = 3;
    syscall(SYS_close_range, 4, ~0U, 0);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (null > 2)
            close(null);
    }
    /* Root's supplementary groups are of no use here and must not reach a run. */
    if (setgroups(0, NULL) < 0)
        _exit(1);

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_SETMASK, &mask, NULL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    /* A terminal's ^C reaches the whole process group: the daemon decides. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        _exit(1);
    if (getppid() != daemon_pid)
        shut_down(daemon_pid, cg);
    zygotes_refill(daemon_pid, host, cg);

    for (;;) {
        struct pollfd pf[2] = {{sock, POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            shut_down(daemon_pid, cg);
        }
        if (pf[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof(si)) == sizeof(si))
                if (si.ssi_signo == SIGTERM)
                    shut_down(daemon_pid, cg);
            reap(WNOHANG);
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!serve_one(sock, daemon_pid, host, cg))
                shut_down(daemon_pid, cg);
            reap(WNOHANG);
        }
    }
}
