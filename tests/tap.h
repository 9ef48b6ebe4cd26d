/*
 * A tiny TAP emitter for the C unit tests (after bubblewrap's
 * tests/test-utils.c). Each test file calls ok()/is_int()/is_str() and ends
 * with `return tap_done();`. A whole file skips by calling tap_skip_all(),
 * which prints the TAP plan "1..0 # SKIP reason" and exits 0: under
 * `protocol : 'tap'` meson reads the skip from the plan (it would count
 * exit 77 as an error).
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_n++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        tap_failed++;
    fflush(stdout);
    return cond;
}

#define is_int(got, want, ...)                                                                    \
    do {                                                                                          \
        long long g_ = (long long)(got), w_ = (long long)(want);                                  \
        if (!ok(g_ == w_, __VA_ARGS__))                                                           \
            printf("#   got %lld, want %lld\n", g_, w_);                                          \
    } while (0)

#define is_str(got, want, ...)                                                                    \
    do {                                                                                          \
        const char *g_ = (got), *w_ = (want);                                                     \
        if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__))                                    \
            printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");          \
    } while (0)

static inline void diag(const char *msg)
{
    printf("# %s\n", msg);
}

__attribute__((noreturn)) static inline void tap_skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    exit(0);
}

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
