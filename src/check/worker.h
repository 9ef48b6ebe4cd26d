/*
 * One analyser worker process and the line protocol it speaks (private to
 * src/check). A worker is a long-lived program that reads one JSON request
 * per line on stdin and answers one JSON line on stdout. This module starts
 * it (inside the sandbox, or as a plain child for tests that run where the
 * sandbox cannot), exchanges one request for one reply under a deadline and
 * a byte cap, and kills it.
 *
 * Nothing here trusts the worker: it reads untrusted code, so it may have
 * been made to hang, to print garbage or endless output, or to die. Every
 * read and write is poll()-driven against the deadline, the reply is capped,
 * bytes past the one reply line mean the worker is out of step, and a worker
 * that failed a request in any of those ways is not reused.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct worker;

struct worker_spec {
    const char *const *argv;     /* argv[0] an absolute path; not owned */
    const char *const *env;      /* full environment, NULL-terminated; not owned */
    const char *const *ro_binds; /* host paths visible read-only inside; not owned */
    int64_t memory_bytes;        /* hard memory limit of the worker (sandbox cgroup) */
    int pids;                    /* process limit (sandbox cgroup) */
    bool sandboxed;              /* false only for tests on hosts without the sandbox */
};

/*
 * Start the worker described by `spec`. Returns 0 and a new worker in *out
 * (free with worker_free), or a negative errno with the reason in `err`.
 * Does not wait for the program to be ready: the first request does.
 */
int worker_start(const struct worker_spec *spec, struct worker **out, struct sk_err *err);

/*
 * Send `req` (one line without its newline, `len` bytes) and read one reply
 * line of at most `max_reply` bytes, all within `timeout_ms`. On success
 * returns 0 and a malloc'ed, NUL-terminated reply without the newline in
 * *reply (the caller frees it). Failures (the worker is then unusable):
 *   -ETIMEDOUT  no complete reply in time
 *   -EPIPE      the worker closed its end or died
 *   -EMSGSIZE   the reply passed max_reply
 *   -EPROTO     bytes followed the reply line
 */
int worker_request(struct worker *w, const char *req, size_t len, int timeout_ms,
                   size_t max_reply, char **reply, size_t *reply_len, struct sk_err *err);

/* Resident memory of the worker in KiB, or a negative errno. */
int64_t worker_memory_kb(struct worker *w);

/* True while the worker process is running. */
bool worker_alive(struct worker *w);

/* The worker's process id on the host (0 when sandboxed and unknown). */
int worker_pid(const struct worker *w);

/*
 * The last bytes the worker wrote to stderr (sandboxed workers only; a
 * plain child's stderr goes to /dev/null), for diagnostics: a malloc'ed
 * string the caller frees, "" when there is none.
 */
char *worker_stderr(struct worker *w);

/* Kill the worker, reap it and free everything. NULL is a no-op. */
void worker_free(struct worker *w);
