/*
 * In-library sandbox overhead, for bench/sandbox.sh: runs a command N
 * times through sandbox_run() and N times with a plain posix_spawn (clean
 * environment), alternating, and prints one JSON line per pair:
 *
 *   {"plain_ms": 0.61, "sandbox_ms": 3.2}
 *
 * Both sides are measured from the same process, from spawn to reap, so
 * the difference is the sandbox alone (no CLI start-up in either).
 *
 *   sandbox-spawn N CMD [ARG...]
 */
#include "config.h"

#include "base/conf.h"
#include "base/util.h"
#include "sandbox/sandbox.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static const char *const env[] = {"PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", NULL};

static double plain(char **argv)
{
    double t = sk_now_ms();
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, (char **)env) != 0)
        return -1;
    posix_spawn_file_actions_destroy(&fa);
    int st;
    waitpid(pid, &st, 0);
    return sk_now_ms() - t;
}

static double sandboxed(struct sandbox_spec *spec)
{
    struct sandbox_result r;
    struct sk_err err;
    double t = sk_now_ms();
    if (sandbox_run(spec, &r, &err) < 0) {
        fprintf(stderr, "sandbox-spawn: %s\n", err.msg);
        exit(1);
    }
    double d = sk_now_ms() - t;
    if (r.status != SANDBOX_OK) {
        fprintf(stderr, "sandbox-spawn: status %s: %s\n", sandbox_status_name(r.status), r.err);
        exit(1);
    }
    sandbox_result_close(&r);
    return d;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: sandbox-spawn N CMD [ARG...]\n");
        return 64;
    }
    int n = atoi(argv[1]);
    struct sk_config cfg;
    sk_config_defaults(&cfg);
    struct sk_err err;
    if (sandbox_init(&cfg, &err) < 0) {
        fprintf(stderr, "sandbox-spawn: %s\n", err.msg);
        return 3;
    }
    struct sandbox_spec spec = {.argv = (const char *const *)(argv + 2), .env = env};
    sandbox_limits_default(&spec.limits, &cfg);
    for (int i = 0; i < 3; i++) { /* warm-up */
        sandboxed(&spec);
        plain(argv + 2);
    }
    for (int i = 0; i < n; i++) {
        double a, b;
        if (i % 2) {
            b = sandboxed(&spec);
            a = plain(argv + 2);
        } else {
            a = plain(argv + 2);
            b = sandboxed(&spec);
        }
        printf("{\"plain_ms\": %.3f, \"sandbox_ms\": %.3f}\n", a, b);
        fflush(stdout);
    }
    sandbox_shutdown();
    return 0;
}
