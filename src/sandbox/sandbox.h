/*
 * The sandbox: runs untrusted programs natively on Linux, hardened the way
 * the design's sandbox page describes (every namespace, a tmpfs root of
 * read-only binds, size-capped scratch, no network (a run holding a grant
 * gets one socket to an egress proxy, see sandbox_net), seccomp, no
 * capabilities, no_new_privs, a dedicated non-zero host uid per run from a
 * host-wide pool, cgroup v1 or v2 limits for memory, CPU and pids, a
 * wall-clock timeout that kills the whole run, output caps).
 *
 * Processes are created by a small single-threaded spawner process started
 * by sandbox_init(), so the threaded daemon never forks. Call
 * sandbox_init() early in main(), before any thread exists.
 *
 * Two ways to use it:
 *   sandbox_run()        one-shot: spec in, result out (the runners in exec/)
 *   sandbox_proc_start() long-lived: a process whose stdin/stdout are pipes
 *                        to the caller (the analyser workers in check/)
 *
 * Refuses to run unsafely: if a mechanism the spec needs is missing on the
 * host (user namespaces, a cgroup controller, seccomp), the call fails with
 * an error naming it; it never runs with less isolation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/conf.h"
#include "base/error.h"

struct sandbox_file {
    const char *name; /* file name in the work directory (no '/'); not owned */
    const void *data; /* not owned */
    size_t len;
    int mode;         /* e.g. 0644; 0 means 0644 */
};

struct sandbox_limits {
    int64_t memory_bytes;  /* memory cgroup limit (tmpfs pages count) */
    int cpu_millicores;    /* CPU quota: 1000 = one core */
    int wall_ms;           /* wall-clock timeout for the whole run */
    int pids;              /* pids cgroup limit */
    size_t output_bytes;   /* cap per stream (stdout, stderr) */
    size_t tmp_bytes;      /* size of /tmp and of /dev/shm */
    size_t work_bytes;     /* size of the work directory */
    int work_inodes;       /* inode cap of the work directory and /tmp */
};

/* Hard bounds a spec's limits must respect (sandbox_run refuses others). */
#define SANDBOX_MIN_MEMORY_BYTES (16LL << 20)
#define SANDBOX_MAX_FILES 64                 /* files placed in the work directory */
#define SANDBOX_MAX_ARGS 256                 /* argv and env entries, each */
#define SANDBOX_MAX_BINDS 16                 /* ro_binds entries */
#define SANDBOX_MAX_STDIN (64u << 20)        /* stdin bytes */
#define SANDBOX_MAX_OUTPUT (64u << 20)       /* output_bytes per stream */

/*
 * Network for one run (net/net.h builds on this). Without it a run's
 * network namespace holds only its own loopback: nothing to reach. With
 * it, the spawner also makes a listening TCP socket on `port` of that
 * loopback, before the program starts, and hands it to `attach` (called
 * from sandbox_run's thread), which owns it from then on: the accepting
 * end, outside the run, is the caller's egress proxy. Still no route out.
 */
struct sandbox_net {
    int port;                               /* 1024-65535 */
    int (*attach)(void *ctx, int listen_fd); /* 0, or a negative errno (the run is ended) */
    void *ctx;
};

struct sandbox_spec {
    const char *const *argv;        /* argv[0] is an absolute path; not owned */
    const char *const *env;         /* complete environment, NULL-terminated; not owned */
    const void *stdin_data;         /* bytes fed to stdin, then EOF; not owned */
    size_t stdin_len;
    const struct sandbox_file *files; /* placed in the work directory; not owned */
    size_t nfiles;
    const char *const *ro_binds;    /* extra host paths bound read-only at the same path,
                                       NULL-terminated (e.g. the project's node_modules) */
    const char *workdir;            /* path of the work directory inside; default /work */
    struct sandbox_limits limits;
    const struct sandbox_net *net;  /* NULL: no network at all (the default); sandbox_run only */
};

enum sandbox_status {
    SANDBOX_OK,            /* exited with status 0 */
    SANDBOX_RUNTIME_ERROR, /* exited non-zero or died of a signal */
    SANDBOX_TIMEOUT,       /* killed at the wall-clock limit */
    SANDBOX_MEMORY_LIMIT,  /* OOM-killed by the memory cgroup */
    SANDBOX_OUTPUT_LIMIT,  /* killed when a stream passed its cap (the first cap bytes are kept) */
    SANDBOX_KILLED,        /* killed for another reason (e.g. seccomp SIGSYS) */
};

struct sandbox_result {
    enum sandbox_status status;
    int exit_code;        /* valid when signal == 0 */
    int signal;           /* terminating signal, or 0 */
    char *out;            /* stdout bytes (NUL-terminated, may contain NULs); owned */
    size_t out_len;
    char *err;            /* stderr bytes; owned */
    size_t err_len;
    bool out_truncated;
    bool err_truncated;
    bool oom;
    bool timed_out;
    int64_t wall_ms;
    int64_t cpu_ms;       /* from the cgroup, so it covers every process of the run */
    int64_t max_rss_kb;   /* peak memory of the cgroup */
    int host_uid;         /* the pool uid the run had (for audit records) */
};

/* Fill `limits` with the configured defaults (the blueprint's). */
void sandbox_limits_default(struct sandbox_limits *limits, const struct sk_config *cfg);

/*
 * Start the spawner and check the host: root (for the dedicated uids),
 * user and other namespaces, cgroup controllers (v1 or v2), seccomp,
 * pidfds, the uid pool. Must run before any thread is created (it fails
 * with -EINVAL otherwise). Calling it again after success does nothing.
 * Returns 0 or a negative errno with a message naming what is missing.
 */
int sandbox_init(const struct sk_config *cfg, struct sk_err *err);

/*
 * Where the uid pool keeps its lock files (one per uid, flock'ed while a
 * run holds it); default /run/skitty/uid. Call before sandbox_init().
 * Every process sharing a pool range must use the same directory.
 */
void sandbox_set_uid_lock_dir(const char *dir);

/* Stop the spawner; kills every run still alive. */
void sandbox_shutdown(void);

/*
 * Run `spec` to completion. Returns 0 when the sandbox worked, whatever the
 * program did (see res->status); a negative errno only when the sandbox
 * itself failed. On success the caller must sandbox_result_close(res).
 * Thread-safe.
 */
int sandbox_run(const struct sandbox_spec *spec, struct sandbox_result *res, struct sk_err *err);

void sandbox_result_close(struct sandbox_result *res);

const char *sandbox_status_name(enum sandbox_status st);

/* A long-lived sandboxed process (see sandbox_proc_start). */
struct sandbox_proc;

/*
 * Start `spec` and return once the program has been exec'd, with pipes to
 * its stdin and stdout (both blocking; the caller may set O_NONBLOCK).
 * stderr is collected by a thread of the library, keeping the last bytes
 * for diagnostics (sandbox_proc_stderr). limits.wall_ms is ignored (no
 * timeout); the memory, CPU and pids limits hold for its whole life. A
 * setup failure (e.g. a missing program) is an error here, not a dead
 * process. The caller owns *out and ends it with sandbox_proc_free().
 * Thread-safe.
 */
int sandbox_proc_start(const struct sandbox_spec *spec, struct sandbox_proc **out,
                       struct sk_err *err);
int sandbox_proc_stdin(const struct sandbox_proc *p);  /* write end; owned by p */
int sandbox_proc_stdout(const struct sandbox_proc *p); /* read end; owned by p */
/* Current memory use of the process's cgroup in KiB, or a negative errno. */
int64_t sandbox_proc_memory_kb(const struct sandbox_proc *p);
/* True while the process is running. */
bool sandbox_proc_alive(struct sandbox_proc *p);
/*
 * The last bytes (at most the spec's output_bytes, 16 KiB by default) the
 * process wrote to stderr, as a malloc'ed NUL-terminated string the caller
 * frees. Never NULL.
 */
char *sandbox_proc_stderr(struct sandbox_proc *p);
/* Kill everything in the run, reap it, remove its cgroup, return its uid, free p. */
void sandbox_proc_free(struct sandbox_proc *p);
