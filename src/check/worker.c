/*
 * One analyser worker process and its line protocol (see worker.h).
 */
#include "config.h"

#include "check/worker.h"
#include "base/buf.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

struct worker {
    bool sandboxed;
    struct sandbox_proc *proc; /* when sandboxed */
    pid_t pid;                 /* when not sandboxed */
    bool reaped;
    int in_fd;                 /* write end of the worker's stdin; owned unless sandboxed */
    int out_fd;                /* read end of the worker's stdout; owned unless sandboxed */
};

static int set_nonblock(int fd, struct sk_err *err)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return sk_err_make(err, errno, "fcntl O_NONBLOCK");
    return 0;
}

/*
 * A plain child with pipes, for tests on hosts where the sandbox cannot
 * run. It gets its own process group so that killing it also kills anything
 * it started, and stderr goes to /dev/null so a chatty tool cannot fill a
 * pipe nobody reads.
 */
static int start_direct(const struct worker_spec *spec, struct worker *w, struct sk_err *err)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    if (pipe2(in, O_CLOEXEC) < 0)
        return sk_err_make(err, errno, "pipe");
    if (pipe2(out, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return sk_err_make(err, e, "pipe");
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = posix_spawn(&pid, spec->argv[0], &fa, &attr, (char *const *)spec->argv,
                         (char *const *)spec->env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        return sk_err_make(err, rc, "spawn %s", spec->argv[0]);
    }
    w->pid = pid;
    w->in_fd = in[1];
    w->out_fd = out[0];
    return 0;
}

/*
 * CPU: a quota of two cores, not one. Node runs its garbage collector and
 * compiler on helper threads; with a one-core quota the cgroup throttles the
 * main thread whenever they run, which made each TypeScript check about 30 %
 * slower (measured: tsc 51-55 ms against 38-40 ms per request under load).
 * Runaway CPU use is bounded by the per-request timeout, which kills the
 * worker.
 */
#define WORKER_CPU_MILLICORES 2000

static int start_sandboxed(const struct worker_spec *spec, struct worker *w, struct sk_err *err)
{
    struct sandbox_spec ss = {
        .argv = spec->argv,
        .env = spec->env,
        .ro_binds = spec->ro_binds,
        .limits = {
            .memory_bytes = spec->memory_bytes,
            .cpu_millicores = WORKER_CPU_MILLICORES,
            .wall_ms = 0,
            .pids = spec->pids,
            .output_bytes = 64 * 1024,
            .tmp_bytes = 16 << 20,
            .work_bytes = 1 << 20,
            .work_inodes = 64,
        },
    };
    int ret = sandbox_proc_start(&ss, &w->proc, err);
    if (ret < 0)
        return ret;
    w->in_fd = sandbox_proc_stdin(w->proc);
    w->out_fd = sandbox_proc_stdout(w->proc);
    return 0;
}

int worker_start(const struct worker_spec *spec, struct worker **out, struct sk_err *err)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    w->in_fd = w->out_fd = -1;
    w->sandboxed = spec->sandboxed;
    int ret;
    if (spec->sandboxed) {
        ret = start_sandboxed(spec, w, err);
    } else {
        ret = start_direct(spec, w, err);
    }
    if (ret < 0) {
        free(w);
        return ret;
    }
    if ((ret = set_nonblock(w->in_fd, err)) < 0 || (ret = set_nonblock(w->out_fd, err)) < 0) {
        worker_free(w);
        return ret;
    }
    *out = w;
    return 0;
}

/*
 * Write to the worker's stdin without risking SIGPIPE, which would kill the
 * whole daemon if the worker died: SIGPIPE is blocked in this thread for the
 * write, and one raised by it is consumed before the mask is restored.
 */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    ssize_t n = write(fd, buf, len);
    int e = errno;
    if (n < 0 && e == EPIPE) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return n;
}

static int remaining_ms(double deadline)
{
    double left = deadline - sk_now_ms();
    return left <= 0 ? 0 : left > 1e9 ? 1000000000 : (int)left + 1;
}

/*
 * Anything readable before a request is sent means the worker is out of
 * step (it answered twice, or wrote noise); EOF means it died.
 */
static int check_idle(struct worker *w, struct sk_err *err)
{
    struct pollfd p = {.fd = w->out_fd, .events = POLLIN};
    int n = poll(&p, 1, 0);
    if (n <= 0)
        return 0;
    char c;
    ssize_t r = read(w->out_fd, &c, 1);
    if (r == 0 || (r < 0 && errno != EAGAIN))
        return sk_err_msg(err, EPIPE, "worker has exited");
    if (r > 0)
        return sk_err_msg(err, EPROTO, "worker wrote output nobody asked for");
    return 0;
}

int worker_request(struct worker *w, const char *req, size_t len, int timeout_ms,
                   size_t max_reply, char **reply, size_t *reply_len, struct sk_err *err)
{
    double deadline = sk_now_ms() + timeout_ms;
    int ret = check_idle(w, err);
    if (ret < 0)
        return ret;

    cleanup_free char *line = xmalloc(len + 1);
    memcpy(line, req, len);
    line[len] = '\n';
    size_t to_send = len + 1, sent = 0;

    cleanup_buf struct sk_buf in;
    sk_buf_init(&in, max_reply + 1);
    char chunk[16384];

    for (;;) {
        struct pollfd p[2] = {
            {.fd = w->out_fd, .events = POLLIN},
            {.fd = sent < to_send ? w->in_fd : -1, .events = POLLOUT},
        };
        int left = remaining_ms(deadline);
        if (left == 0)
            return sk_err_msg(err, ETIMEDOUT, "no reply within %d ms", timeout_ms);
        int n = poll(p, 2, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sk_err_make(err, errno, "poll");
        }
        if (n == 0)
            continue;
        if (p[1].revents & (POLLERR | POLLHUP))
            return sk_err_msg(err, EPIPE, "worker closed its input");
        if (p[1].revents & POLLOUT) {
            ssize_t wr = write_nosigpipe(w->in_fd, line + sent, to_send - sent);
            if (wr < 0 && errno == EPIPE)
                return sk_err_msg(err, EPIPE, "worker closed its input");
            if (wr < 0 && errno != EAGAIN && errno != EINTR)
                return sk_err_make(err, errno, "write to worker");
            if (wr > 0)
                sent += (size_t)wr;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = read(w->out_fd, chunk, sizeof(chunk));
            if (r == 0)
                return sk_err_msg(err, EPIPE, "worker exited before answering");
            if (r < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    continue;
                return sk_err_make(err, errno, "read from worker");
            }
            char *nl = memchr(chunk, '\n', (size_t)r);
            size_t take = nl ? (size_t)(nl - chunk) : (size_t)r;
            if (sk_buf_append(&in, chunk, take) < 0 || in.len > max_reply)
                return sk_err_msg(err, EMSGSIZE, "reply larger than %zu bytes", max_reply);
            if (nl) {
                if (nl + 1 != chunk + r)
                    return sk_err_msg(err, EPROTO, "worker wrote more than one line");
                if (sent < to_send)
                    return sk_err_msg(err, EPROTO, "worker answered before reading the request");
                *reply_len = in.len;
                *reply = in.data ? sk_buf_steal(&in) : xstrdup("");
                return 0;
            }
        }
    }
}

static int64_t proc_rss_kb(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    cleanup_file FILE *f = fopen(path, "re");
    if (!f)
        return -errno;
    char line[256];
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            return strtoll(line + 6, NULL, 10);
    return -ENOENT;
}

int64_t worker_memory_kb(struct worker *w)
{
    if (w->sandboxed)
        return sandbox_proc_memory_kb(w->proc);
    return proc_rss_kb(w->pid);
}

bool worker_alive(struct worker *w)
{
    if (w->sandboxed)
        return sandbox_proc_alive(w->proc);
    if (w->reaped)
        return false;
    int status;
    pid_t r = waitpid(w->pid, &status, WNOHANG);
    if (r == w->pid) {
        w->reaped = true;
        return false;
    }
    return r == 0;
}

int worker_pid(const struct worker *w)
{
    return w->sandboxed ? 0 : (int)w->pid;
}

char *worker_stderr(struct worker *w)
{
    return w->sandboxed && w->proc ? sandbox_proc_stderr(w->proc) : xstrdup("");
}

void worker_free(struct worker *w)
{
    if (!w)
        return;
    if (w->sandboxed) {
        if (w->proc)
            sandbox_proc_free(w->proc);
        free(w);
        return;
    }
    sk_close_reset(&w->in_fd);
    sk_close_reset(&w->out_fd);
    if (w->pid > 0 && !w->reaped) {
        kill(-w->pid, SIGKILL);
        kill(w->pid, SIGKILL);
        while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free(w);
}
