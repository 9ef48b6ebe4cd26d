/*
 * Malformed HTTP, sent as raw bytes on a socket: broken request lines,
 * oversized and malformed headers, lying Content-Lengths, bad chunked
 * encoding, bodies cut short, slow senders and a flood of slow connections.
 * Every one must get a 4xx (or a closed connection, where HTTP allows no
 * answer), never a crash or a hang, and the service must keep serving.
 *
 * usage: test-badhttp SKITTY
 */
#include "config.h"

#include "harness.h"
#include "tap.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Read until the peer closes or `ms` pass; return the status of the first
 * response line (0 when the connection closed without one, -1 on timeout).
 */
static int read_status(int fd, int ms)
{
    char buf[8192];
    size_t n = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        int left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0 || poll(&p, 1, left) <= 0)
            return -1;
        ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n") || n == sizeof(buf) - 1)
            break;
    }
    buf[n] = '\0';
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
        return 0;
    return status;
}

struct kase {
    const char *name;
    const char *bytes;   /* sent as is */
    size_t len;          /* 0: strlen(bytes) */
    int want_lo, want_hi; /* acceptable status range; 0..0 means "closed without an answer" ok */
    bool close_ok;       /* a closed connection is an acceptable answer */
};

#define J "Content-Type: application/json\r\n"

static const struct kase cases[] = {
    {"garbage request line", "\x01\x02\x03 nonsense\r\n\r\n", 0, 400, 499, true},
    {"unknown method", "BREW /generate HTTP/1.1\r\nHost: x\r\n\r\n", 0, 400, 499, false},
    {"HTTP/0.9 style", "GET /\r\n\r\n", 0, 400, 505, true},
    {"no Host on HTTP/1.1", "GET /healthz HTTP/1.1\r\n\r\n", 0, 400, 400, false},
    {"header without a colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n", 0, 400,
     400, false},
    {"two Content-Lengths that disagree",
     "POST /generate HTTP/1.1\r\nHost: x\r\n" J "Content-Length: 5\r\nContent-Length: 7\r\n\r\n"
     "{}{}{}{}",
     0, 400, 499, true},
    {"negative Content-Length",
     "POST /generate HTTP/1.1\r\nHost: x\r\n" J "Content-Length: -5\r\n\r\n{}", 0, 400, 499,
     true},
    {"huge Content-Length", "POST /generate HTTP/1.1\r\nHost: x\r\n" J
                            "Content-Length: 99999999999999999999\r\n\r\n{}",
     0, 400, 499, true},
    {"Content-Length over the cap", "POST /generate HTTP/1.1\r\nHost: x\r\n" J
                                    "Content-Length: 1000000\r\n\r\n{}",
     0, 413, 413, false},
    {"bad chunk size", "POST /generate HTTP/1.1\r\nHost: x\r\n" J
                       "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
     0, 400, 499, true},
    {"chunked body that is not JSON", "POST /generate HTTP/1.1\r\nHost: x\r\n" J
                                      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
     0, 400, 400, false},
};

/* A raw NUL byte inside a JSON string of the body. */
static void nul_in_body(void)
{
    static const char body[] = "{\"prompt\":\"a\0b\",\"language\":\"python\"}";
    size_t blen = sizeof(body) - 1;
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "POST /generate HTTP/1.1\r\nHost: x\r\n" J "Content-Length: %zu\r\n\r\n", blen);
    memcpy(req + n, body, blen);
    int fd = dial();
    (void)!write(fd, req, (size_t)n + blen);
    int st = read_status(fd, 10000);
    is_int(st, 400, "a NUL byte inside the JSON body: 400");
    close(fd);
}

/* A request whose headers go past the connection memory limit. */
static void huge_headers(void)
{
    int fd = dial();
    char line[1100];
    memset(line, 'a', sizeof(line) - 3);
    memcpy(line + sizeof(line) - 3, "\r\n", 3);
    const char *start = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    (void)!write(fd, start, strlen(start));
    for (int i = 0; i < 100; i++) {
        char h[1200];
        int n = snprintf(h, sizeof(h), "X-Pad-%d: %s", i, line);
        if (write(fd, h, (size_t)n) < 0)
            break;
    }
    (void)!write(fd, "\r\n", 2);
    int st = read_status(fd, 10000);
    ok(st == 431 || st == 413 || st == 400 || st == 0,
       "headers over 100 KiB: refused (%d) without harm", st);
    close(fd);
}

/* A body announced whole but cut short: the connection is dropped, not held. */
static void cut_short(void)
{
    int fd = dial();
    const char *r = "POST /generate HTTP/1.1\r\nHost: x\r\n" J
                    "Content-Length: 500\r\n\r\n{\"prompt\":";
    (void)!write(fd, r, strlen(r));
    shutdown(fd, SHUT_WR);
    int st = read_status(fd, 10000);
    ok(st != -1, "a body cut short and the writer gone: the server lets go (%d)", st);
    close(fd);
}

/* A slow sender: a byte now and then, more slowly than the idle timeout. */
static void slow_sender(void)
{
    int fd = dial();
    const char *r = "GET /healthz HTTP/1.1\r\n";
    (void)!write(fd, r, strlen(r));
    sleep(4); /* idle_timeout_s is 2 in this server's configuration */
    ssize_t w = write(fd, "Host: x\r\n\r\n", 11);
    int st = w < 0 ? 0 : read_status(fd, 3000);
    ok(st == 0, "a sender idle past the timeout is disconnected (status %d)", st);
    close(fd);
}

/* Many slow connections at once do not lock everyone else out for long. */
static void slowloris(void)
{
    int fds[40];
    int opened = 0;
    for (int i = 0; i < 40; i++) {
        fds[i] = dial();
        if (fds[i] >= 0) {
            (void)!write(fds[i], "GET /healthz HTTP/1.1\r\n", 23);
            opened++;
        }
    }
    /* The per-address cap refuses most of them at once; the idle timeout
     * closes the rest. Either way a fresh client is served within seconds. */
    int served = 0;
    for (int i = 0; i < 10 && !served; i++) {
        struct http_reply r;
        if (http_request(port, "GET", "/healthz", NULL, NULL, 0, 3, &r) == 0 && r.status == 200)
            served = 1;
        else
            sleep(1);
        http_reply_close(&r);
    }
    ok(served, "with %d slow connections open, a fresh client is served", opened);
    for (int i = 0; i < 40; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    struct server s;
    if (server_start(&s, argv[1],
                     "[server]\nidle_timeout_s = 2\nmax_connections_per_ip = 16\n"
                     "max_body_bytes = 65536\n",
                     NULL) < 0)
        tap_skip_all("the server did not start");
    port = s.port;

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const struct kase *k = &cases[i];
        int fd = dial();
        if (fd < 0) {
            ok(0, "%s: connect", k->name);
            continue;
        }
        (void)!write(fd, k->bytes, k->len ? k->len : strlen(k->bytes));
        int st = read_status(fd, 10000);
        close(fd);
        ok((st >= k->want_lo && st <= k->want_hi) || (st == 0 && k->close_ok),
           "%s: answered %d (want %d-%d%s)", k->name, st, k->want_lo, k->want_hi,
           k->close_ok ? " or a close" : "");
    }
    nul_in_body();
    huge_headers();
    cut_short();
    slow_sender();
    slowloris();

    struct http_reply r;
    http_request(port, "GET", "/healthz", NULL, NULL, 0, 5, &r);
    is_int(r.status, 200, "the service still serves");
    http_reply_close(&r);
    ok(server_alive(&s), "the server process is alive");
    is_int(server_stop(&s), 0, "clean shutdown");
    curl_global_cleanup();
    return tap_done();
}
