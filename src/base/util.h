/*
 * Utilities used everywhere: allocation that aborts on OOM, scope cleanup
 * attributes and ownership hand-off, clocks, and full reads and writes.
 *
 * Allocation failure is handled in one place, by aborting (as redis and crun
 * do). Every input has a size cap, so untrusted data cannot drive the
 * process out of memory; an allocation failure means the host is broken.
 *
 * Scope cleanup: declare a resource with one of the cleanup_* attributes and
 * it is released when the variable goes out of scope; hand it to a caller
 * with steal_pointer() / steal_fd(), which leave NULL / -1 behind.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Allocation: never returns NULL (aborts with a message instead). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'ed string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Scope cleanup. */
#define _cleanup_(f) __attribute__((cleanup(f)))
void sk_freep(void *p);   /* free(*(void **)p) */
void sk_closep(int *fd);  /* close(*fd) if >= 0 */
void sk_fclosep(FILE **f); /* fclose(*f) if not NULL */
#define cleanup_free _cleanup_(sk_freep)
#define cleanup_close _cleanup_(sk_closep)
#define cleanup_file _cleanup_(sk_fclosep)

static inline void *steal_pointer_(void *pp)
{
    void **p = (void **)pp;
    void *v = *p;
    *p = NULL;
    return v;
}
#define steal_pointer(pp) steal_pointer_(pp)

static inline int steal_fd(int *fd)
{
    int v = *fd;
    *fd = -1;
    return v;
}

/* Close *fd if open and set it to -1. */
void sk_close_reset(int *fd);

/* Clocks: monotonic and wall time in milliseconds (double for sub-ms). */
double sk_now_ms(void);
int64_t sk_wall_ms(void);

/*
 * Write all `len` bytes, retrying on EINTR and short writes. Returns 0 or a
 * negative errno.
 */
int sk_write_all(int fd, const void *buf, size_t len);

/*
 * Read a whole file into a malloc'ed, NUL-terminated buffer of at most
 * `max` bytes. Returns 0 and sets *out / *len, or a negative errno
 * (-EFBIG when the file is larger than `max`). The caller frees *out.
 */
int sk_read_file(const char *path, size_t max, char **out, size_t *len);

/* Read all of `fd` (up to max bytes) as sk_read_file() does. */
int sk_read_fd(int fd, size_t max, char **out, size_t *len);

/* The value of a hexadecimal digit, or -1. */
int sk_hex_digit(int c);

/* The value of a base64 digit, standard (+/) or URL-safe (-_) alphabet, or -1. */
int sk_base64_digit(int c);

/* True if `s` (len bytes) is valid UTF-8 (no overlongs, no surrogates). */
bool sk_utf8_valid(const char *s, size_t len);

/* Fill `out` with `n` random bytes from getrandom(2). Returns 0 or -errno. */
int sk_random(void *out, size_t n);

/* Write a 32-hex-character random id (plus NUL) into out[33]. */
void sk_random_id(char out[33]);
