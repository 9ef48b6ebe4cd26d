/*
 * The spawner: a small single-threaded process, forked by sandbox_init()
 * before the daemon starts any thread, that does the one thing a threaded
 * daemon must not do: clone. (A fork from a threaded process copies locks
 * other threads hold; clone with new namespaces from a process whose
 * threads share its memory is refused by the kernel anyway.)
 *
 * One request = one run. The daemon thread has made the run's cgroups and
 * sends the run's descriptors (spec memfd, stdio pipes, status pipe, uid
 * lock, and what is needed to enter the cgroups); the spawner clones the
 * run's first process into new namespaces, writes its uid/gid maps (the
 * pool uid outside <-> 1000 inside), lets it go, and answers with a pidfd.
 * It keeps its copy of the uid lock until it has reaped the run, so the
 * uid returns to the pool only once every process of the run is gone.
 *
 * Into its cgroups before it runs any code of its own: on v2 the run is
 * cloned straight into its group (clone3 with CLONE_INTO_CGROUP); on v1 it
 * moves itself first thing, writing "0" to each group's `tasks` (see
 * child.c). Neither takes the kernel's global threadgroup lock, whose
 * write side waits for an RCU grace period (5-20 ms measured here) when
 * the spawner would move a whole process through cgroup.procs.
 *
 * When the daemon goes away (its socket closes, or PDEATHSIG SIGTERM), the
 * spawner kills every run still alive, reaps them, removes its daemon's
 * cgroups and exits: a daemon killed with SIGKILL leaves nothing running.
 */
#include "config.h"

#include "sandbox/internal.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS \
    (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

struct child {
    pid_t pid;   /* a run's pid 1 (our child) */
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

__attribute__((noreturn)) static void shut_down(pid_t daemon_pid,
                                               const struct sandbox_cgroups *cg)
{
    /* Killing a run's pid 1 kills its whole pid namespace. */
    for (size_t i = 0; i < nchildren; i++)
        kill(children[i].pid, SIGKILL);
    /* Reap every child before exiting: orphans would become zombies of a
     * host init that may reap them late or never. */
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

/* `fds` (nfds of them, at most 2: the pidfd, then the run's listening
 * socket) ride along in SCM_RIGHTS. */
static void reply(int sock, int e, pid_t pid, const int *fds, int nfds, const char *msg)
{
    struct wire_rep rep;
    memset(&rep, 0, sizeof(rep));
    rep.err = e;
    rep.pid = pid;
    if (msg)
        snprintf(rep.msg, sizeof(rep.msg), "%s", msg);
    struct iovec iov = {&rep, sizeof(rep)};
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds > 0) {
        memset(&u, 0, sizeof(u));
        mh.msg_control = u.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
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
    reply(sock, e ? e : EIO, 0, NULL, 0, msg);
}

/* ------------------------------------------------------------ requests -- */

/* Receive one message and up to `max` fds (O_CLOEXEC). Returns the bytes
 * read (0 at EOF, -1 on error) and sets *nfds; truncated control data
 * closes what arrived and fails. */
static ssize_t recv_fds(int sock, void *buf, size_t len, int *fds, int max, int *nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * REQ_MAX_FDS)];
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

/* clone the run's first process: into new namespaces, and on v2 straight
 * into its cgroup. Returns the pid (0 in the child) and sets *pidfd. */
static pid_t clone_run(int v2_dir, int *pidfd)
{
    if (v2_dir >= 0) {
        struct clone_args a;
        memset(&a, 0, sizeof(a));
        a.flags = NS_FLAGS | CLONE_PIDFD | CLONE_INTO_CGROUP;
        a.pidfd = (uint64_t)(uintptr_t)pidfd;
        a.exit_signal = SIGCHLD;
        a.cgroup = (uint64_t)v2_dir;
        return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
    }
    return (pid_t)syscall(SYS_clone, NS_FLAGS | CLONE_PIDFD | SIGCHLD, NULL, pidfd, NULL, 0);
}

/*
 * The listening socket of a run with network: made inside the run's
 * network namespace, entered for the moment (this process has one
 * thread), and bound to `port` on every address there, which is only the
 * loopback. It exists before the run is let go, so the program never
 * races it. Returns the fd or a negative errno.
 */
static int run_listener(pid_t pid, int port)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return -errno;
    int ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
        int e = errno;
        if (ns >= 0)
            close(ns);
        close(self);
        return -e;
    }
    close(ns);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int e = fd < 0 ? errno : 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (fd >= 0 && (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0)) {
        e = errno;
        close(fd);
        fd = -1;
    }
    /* Back home; staying in a run's namespace would be a fault for every
     * later run, so failing to return ends the spawner (runs then fail). */
    if (setns(self, CLONE_NEWNET) < 0)
        _exit(70);
    close(self);
    return fd >= 0 ? fd : -e;
}

/* Handle one request. Returns false when the daemon has gone. */
static bool serve_one(int sock, const struct sandbox_host *host)
{
    struct wire_req req;
    int fds[REQ_MAX_FDS], nfds;
    ssize_t n = recv_fds(sock, &req, sizeof(req), fds, REQ_MAX_FDS, &nfds);
    if (n == 0 || (n < 0 && errno != EMSGSIZE))
        return false;
    if (n != sizeof(req) || req.magic != WIRE_MAGIC || req.uid < 1000 || req.has_v2 > 1 ||
        req.ntasks > CG_MAX_HIER || req.proxy_port > 65535 || nfds != REQ_FD_CG + (int)(req.has_v2 + req.ntasks)) {
        close_all(fds, nfds);
        reply_err(sock, EPROTO, "spawner: malformed request");
        return true;
    }
    int v2_dir = req.has_v2 ? fds[REQ_FD_CG] : -1;
    const int *tasks = fds + REQ_FD_CG + req.has_v2;

    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0) {
        reply_err(sock, errno, "spawner: pipe");
        close_all(fds, nfds);
        return true;
    }
    int child_fds[6 + CG_MAX_HIER] = {fds[REQ_FD_STDIN], fds[REQ_FD_STDOUT], fds[REQ_FD_STDERR],
                                      fds[REQ_FD_STATUS], fds[REQ_FD_SPEC], sync[0]};
    for (uint32_t i = 0; i < req.ntasks; i++)
        child_fds[6 + i] = tasks[i];
    int pidfd = -1;
    pid_t pid = clone_run(v2_dir, &pidfd);
    if (pid == 0)
        sandbox_child_main(host, child_fds, (int)req.ntasks);
    close(sync[0]);
    if (pid < 0) {
        int e = errno;
        char msg[SK_ERR_LEN];
        close(sync[1]);
        close_all(fds, nfds);
        if (v2_dir >= 0 && (e == ENOSYS || e == E2BIG))
            snprintf(msg, sizeof(msg), "sandbox: clone3 with CLONE_INTO_CGROUP is not available "
                                       "(Linux 5.7+ needed for cgroup v2)");
        else
            diagnose_clone(e, msg, sizeof(msg));
        reply(sock, e, 0, NULL, 0, msg);
        return true;
    }

    /* Map the run's ids: 1000 inside is the pool uid outside, and nothing
     * else is mapped (host uid 0 does not exist in there). */
    char path[64], map[64];
    snprintf(map, sizeof(map), "%d %u 1\n", SANDBOX_INNER_ID, req.uid);
    snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
    const char *what = "uid_map";
    int rc = write_str(path, map);
    if (rc == 0) {
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
        what = "gid_map";
        rc = write_str(path, map);
    }
    int listener = -1;
    if (rc == 0 && req.proxy_port) {
        what = "the proxy socket";
        listener = rc = run_listener(pid, (int)req.proxy_port);
    }
    if (rc >= 0 && write(sync[1], "g", 1) != 1) {
        what = "sync";
        rc = -errno;
    }
    close(sync[1]);
    if (rc < 0) {
        if (listener >= 0)
            close(listener);
        kill(pid, SIGKILL);
        track(pid, -1);
        close(pidfd);
        close_all(fds, nfds);
        reply_err(sock, -rc, "spawner: set up run %d: %s", (int)pid, what);
        return true;
    }
    track(pid, fds[REQ_FD_UIDLOCK]);
    fds[REQ_FD_UIDLOCK] = -1;
    close_all(fds, nfds);
    int out[2] = {pidfd, listener};
    reply(sock, 0, pid, out, listener >= 0 ? 2 : 1, NULL);
    close(pidfd);
    if (listener >= 0)
        close(listener);
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
            if (!serve_one(sock, host))
                shut_down(daemon_pid, cg);
            reap(WNOHANG);
        }
    }
}
