/*
 * The egress proxy of one run (see net.h). One thread accepts on the
 * run's listening socket; each accepted connection gets a thread of its
 * own (at most limits.max_connections per run; later connections are
 * refused by the acceptor), which reads the request head, checks the
 * destination against the grant, resolves and connects from the host,
 * then relays bytes both ways until either side ends, the connection's
 * time is up, the run's byte budget is spent or the proxy stops.
 *
 * Every socket is non-blocking and every wait is a poll() that also
 * watches the proxy's stop eventfd, so net_proxy_stop() ends everything
 * promptly (a name lookup in progress is the one wait it cannot cut).
 */
#include "config.h"

#include "net/net.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEAD_MAX 16384 /* request head: line and headers */
#define CHUNK 16384
#define LOG_EXTRA 64   /* log entries beyond max_connections (refusals) */

struct conn_log {
    char host[256];
    int port;
    char address[INET6_ADDRSTRLEN];
    char method[16];
    bool allowed;           /* the destination was allowed and connected */
    const char *reason;     /* why it was refused or cut short; NULL when it ended normally */
    int64_t sent, received; /* bytes relayed out of and back into the run */
    double ms;
};

struct net_proxy {
    struct net_rules grant;
    struct net_limits lim;
    int listen_fd;
    int stop_fd;                 /* eventfd: readable once stopping */
    pthread_t acceptor;
    bool started, stopped;
    pthread_mutex_t lock;        /* guards what follows */
    pthread_t *threads;          /* connection threads, max_connections at most */
    int nthreads;
    struct conn_log *log;
    int nlog, caplog;
    int refused;                 /* refused connections, logged or not */
    atomic_llong bytes;          /* relayed by every connection together */
};

struct conn {
    struct net_proxy *p;
    int slot;                    /* in p->log, or -1 */
    int client, server;
    double start, deadline;
    struct conn_log rec;
};

struct net_proxy *net_proxy_new(const struct net_grant *grant)
{
    struct net_proxy *p = xcalloc(1, sizeof(*p));
    const struct net_limits *lim = &grant->limits;
    p->grant = grant->rules;
    p->lim = *lim;
    p->listen_fd = -1;
    p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&p->lock, NULL);
    p->threads = xcalloc((size_t)lim->max_connections, sizeof(pthread_t));
    p->caplog = lim->max_connections + LOG_EXTRA;
    p->log = xcalloc((size_t)p->caplog, sizeof(struct conn_log));
    return p;
}

/* The log keeps connections in the order they were accepted: each takes
 * its slot at accept (-1 once the log is full) and fills it when done. */
static int take_slot(struct net_proxy *p)
{
    pthread_mutex_lock(&p->lock);
    int slot = p->nlog < p->caplog ? p->nlog++ : -1;
    pthread_mutex_unlock(&p->lock);
    return slot;
}

static void record(struct net_proxy *p, int slot, const struct conn_log *rec)
{
    pthread_mutex_lock(&p->lock);
    if (!rec->allowed)
        p->refused++;
    if (slot >= 0)
        p->log[slot] = *rec;
    pthread_mutex_unlock(&p->lock);
}

/* ------------------------------------------------------------- waiting -- */

/* Wait for `events` on fd, the stop signal or `deadline` (sk_now_ms time).
 * Returns 1 when fd is ready, 0 at the deadline, -1 when stopping. */
static int wait_fd(const struct conn *c, int fd, short events, double deadline)
{
    for (;;) {
        int left = (int)(deadline - sk_now_ms());
        if (left <= 0)
            return 0;
        struct pollfd pf[2] = {{fd, events, 0}, {c->p->stop_fd, POLLIN, 0}};
        int n = poll(pf, 2, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || pf[1].revents)
            return -1;
        if (n > 0)
            return 1;
    }
}

/* Send all of buf. Returns 0, or the reason it could not. */
static const char *send_all(const struct conn *c, int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return "peer closed";
        int w = wait_fd(c, fd, POLLOUT, c->deadline);
        if (w <= 0)
            return w == 0 ? "time limit" : "run ended";
    }
    return NULL;
}

static void answer(const struct conn *c, int code, const char *status, const char *why)
{
    char body[512], head[768];
    int bl = snprintf(body, sizeof(body), "skitty egress proxy: %s (%s:%d)\n", why, c->rec.host,
                      c->rec.port);
    if (bl < 0 || bl >= (int)sizeof(body))
        bl = (int)strlen(body);
    int hl = snprintf(head, sizeof(head),
                      "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                      "Connection: close\r\n\r\n%s",
                      code, status, bl, body);
    if (hl > 0 && hl < (int)sizeof(head))
        send_all(c, c->client, head, (size_t)hl);
}

/* ------------------------------------------------------- the request -- */

/* Split an authority "host[:port]" or "[v6][:port]" into c->rec.host and
 * port (default_port when absent; 0 means a port is required). */
static bool parse_authority(const char *a, size_t len, int default_port, struct conn_log *rec)
{
    char buf[300];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, a, len);
    buf[len] = '\0';
    char *host = buf, *port = NULL;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close)
            return false;
        *close = '\0';
        host = buf + 1;
        if (close[1] == ':')
            port = close + 2;
        else if (close[1])
            return false;
    } else {
        char *colon = strchr(buf, ':');
        if (colon) {
            if (strchr(colon + 1, ':'))
                return false;
            *colon = '\0';
            port = colon + 1;
        }
    }
    size_t hl = strlen(host);
    if (hl == 0 || hl >= sizeof(rec->host) || strpbrk(host, "@/ \t"))
        return false;
    memcpy(rec->host, host, hl + 1);
    if (!port) {
        rec->port = default_port;
        return default_port > 0;
    }
    char *end;
    long v = strtol(port, &end, 10);
    if (end == port || *end || v < 1 || v > 65535)
        return false;
    rec->port = (int)v;
    return true;
}

/* Read the request head into buf (NUL-terminated). Returns its length up
 * to and including the blank line, with *got the bytes read in all (the
 * rest is the start of the body or the tunnel), or -1. */
static ssize_t read_head(struct conn *c, char *buf, size_t *got)
{
    *got = 0;
    for (;;) {
        buf[*got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end)
            return end + 4 - buf;
        if (*got == HEAD_MAX)
            return -1;
        ssize_t n = recv(c->client, buf + *got, HEAD_MAX - *got, 0);
        if (n > 0) {
            if (memchr(buf + *got, '\0', (size_t)n))
                return -1;
            *got += (size_t)n;
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            return -1;
        if (wait_fd(c, c->client, POLLIN, c->deadline) <= 0)
            return -1;
    }
}

static bool header_dropped(const char *line, size_t len)
{
    static const char *const drop[] = {"proxy-connection:", "proxy-authorization:",
                                       "connection:", "keep-alive:"};
    for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
        size_t n = strlen(drop[i]);
        if (len >= n && !strncasecmp(line, drop[i], n))
            return true;
    }
    return false;
}

/*
 * Parse the head. CONNECT host:port sets *tunnel; a plain request must
 * have an absolute http:// URI, and is rewritten into `out` in origin form
 * with Connection: close (one request per connection, so a second request
 * cannot go to another host unchecked). Returns false on a bad request.
 */
static bool parse_request(struct conn *c, const char *head, size_t hlen, bool *tunnel,
                          struct sk_buf *out)
{
    const char *eol = strstr(head, "\r\n");
    const char *sp1 = memchr(head, ' ', (size_t)(eol - head));
    if (!sp1 || sp1 == head || (size_t)(sp1 - head) >= sizeof(c->rec.method))
        return false;
    const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
    if (!sp2 || strncmp(sp2 + 1, "HTTP/1.", 7))
        return false;
    memcpy(c->rec.method, head, (size_t)(sp1 - head));
    c->rec.method[sp1 - head] = '\0';
    const char *target = sp1 + 1;
    size_t tlen = (size_t)(sp2 - target);

    if (!strcmp(c->rec.method, "CONNECT")) {
        *tunnel = true;
        return parse_authority(target, tlen, 0, &c->rec);
    }
    *tunnel = false;
    if (tlen < 8 || strncasecmp(target, "http://", 7))
        return false;
    const char *auth = target + 7;
    size_t alen = strcspn(auth, "/? ");
    if ((size_t)(auth - target) + alen > tlen || !parse_authority(auth, alen, 80, &c->rec))
        return false;
    const char *path = auth + alen;
    size_t plen = tlen - (size_t)(path - target);

    sk_buf_printf(out, "%s ", c->rec.method);
    if (plen == 0 || path[0] != '/')
        sk_buf_append(out, "/", 1);
    sk_buf_append(out, path, plen);
    sk_buf_append(out, sp2, (size_t)(eol - sp2 + 2));
    bool have_host = false;
    for (const char *line = eol + 2; line < head + hlen - 2;) {
        const char *le = strstr(line, "\r\n");
        size_t len = (size_t)(le - line);
        if (len >= 5 && !strncasecmp(line, "host:", 5))
            have_host = true;
        if (!header_dropped(line, len))
            sk_buf_append(out, line, len + 2);
        line = le + 2;
    }
    if (!have_host)
        sk_buf_printf(out, "Host: %.*s\r\n", (int)alen, auth);
    sk_buf_printf(out, "Connection: close\r\n\r\n");
    return true;
}

/* ---------------------------------------------------------- connecting -- */

/* Connect to one address before the connect deadline. Returns the fd or -errno. */
static int connect_to(const struct conn *c, const struct sockaddr *sa, socklen_t salen,
                      double deadline)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, sa, salen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        return -e;
    }
    int w = wait_fd(c, fd, POLLOUT, deadline < c->deadline ? deadline : c->deadline);
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    if (w <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
        close(fd);
        return w == 0 ? -ETIMEDOUT : w < 0 ? -ECANCELED : -(soerr ? soerr : EIO);
    }
    return fd;
}

/* Resolve (names only: an address is used as it is) and connect to the
 * first address the rule may reach. Sets c->server and rec.address, or
 * returns the reason and the HTTP status to answer with. */
static const char *open_upstream(struct conn *c, const struct net_rule *rule, int *status)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    char port[8];
    snprintf(port, sizeof(port), "%d", c->rec.port);
    if (rule->kind == NET_ADDR)
        hints.ai_flags |= AI_NUMERICHOST;
    struct addrinfo *res = NULL;
    if (getaddrinfo(c->rec.host, port, &hints, &res) != 0) {
        *status = 502;
        return "cannot resolve";
    }
    double deadline = sk_now_ms() + c->p->lim.connect_timeout_ms;
    const char *why = "address not allowed";
    *status = 403;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (!net_addr_allowed(rule, ai->ai_addr))
            continue;
        void *a = ai->ai_family == AF_INET
                      ? (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                      : (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        inet_ntop(ai->ai_family, a, c->rec.address, sizeof(c->rec.address));
        int fd = connect_to(c, ai->ai_addr, ai->ai_addrlen, deadline);
        if (fd >= 0) {
            c->server = fd;
            freeaddrinfo(res);
            return NULL;
        }
        *status = 502;
        why = fd == -ETIMEDOUT ? "connect timed out" : fd == -ECANCELED ? "run ended"
                                                                        : "connect failed";
        if (fd == -ECANCELED || sk_now_ms() >= deadline)
            break;
    }
    freeaddrinfo(res);
    return why;
}

/* ------------------------------------------------------------ relaying -- */

/* Take up to `want` bytes from the run's budget; returns what was granted. */
static size_t budget(struct net_proxy *p, size_t want)
{
    long long before = atomic_fetch_add(&p->bytes, (long long)want);
    long long left = p->lim.max_bytes - before;
    if (left <= 0) {
        atomic_fetch_sub(&p->bytes, (long long)want);
        return 0;
    }
    if ((long long)want > left) {
        atomic_fetch_sub(&p->bytes, (long long)want - left);
        return (size_t)left;
    }
    return want;
}

/* Move bytes from `from` to `to` once. Returns 1 on progress, 0 at EOF of
 * `from`, or sets *why and returns -1. */
static int pump(struct conn *c, int from, int to, int64_t *count, const char **why)
{
    char buf[CHUNK];
    ssize_t n = recv(from, buf, sizeof(buf), 0);
    if (n == 0)
        return 0;
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 1 : (*why = "peer reset", -1);
    size_t ok = budget(c->p, (size_t)n);
    if (ok && (*why = send_all(c, to, buf, ok)))
        return -1;
    *count += (int64_t)ok;
    if (ok < (size_t)n) {
        *why = "byte limit";
        return -1;
    }
    return 1;
}

static const char *relay(struct conn *c)
{
    bool up_open = true, down_open = true; /* run -> server, server -> run */
    while (up_open || down_open) {
        int left = (int)(c->deadline - sk_now_ms());
        if (left <= 0)
            return "time limit";
        struct pollfd pf[3] = {{up_open ? c->client : -1, POLLIN, 0},
                               {down_open ? c->server : -1, POLLIN, 0},
                               {c->p->stop_fd, POLLIN, 0}};
        int n = poll(pf, 3, left);
        if (n < 0 && errno != EINTR)
            return "poll failed";
        if (n <= 0)
            continue;
        if (pf[2].revents)
            return "run ended";
        const char *why = NULL;
        if (pf[0].revents) {
            int r = pump(c, c->client, c->server, &c->rec.sent, &why);
            if (r < 0)
                return why;
            if (r == 0) {
                up_open = false;
                shutdown(c->server, SHUT_WR);
            }
        }
        if (pf[1].revents) {
            int r = pump(c, c->server, c->client, &c->rec.received, &why);
            if (r < 0)
                return why;
            if (r == 0) {
                down_open = false;
                shutdown(c->client, SHUT_WR);
            }
        }
    }
    return NULL;
}

/* Forward bytes we already hold (head rewrite, early body) under the budget. */
static const char *forward(struct conn *c, const char *buf, size_t len)
{
    if (!len)
        return NULL;
    size_t ok = budget(c->p, len);
    const char *why = ok ? send_all(c, c->server, buf, ok) : NULL;
    c->rec.sent += (int64_t)ok;
    return why ? why : ok < len ? "byte limit" : NULL;
}

static void *serve_conn(void *arg)
{
    struct conn *c = arg;
    cleanup_free char *head = xmalloc(HEAD_MAX + 1);
    struct sk_buf rewritten;
    sk_buf_init(&rewritten, HEAD_MAX + 256);
    size_t got;
    bool tunnel = false;
    int status = 0;
    const char *why = NULL;
    ssize_t hlen = read_head(c, head, &got);

    if (hlen < 0 || !parse_request(c, head, (size_t)hlen, &tunnel, &rewritten)) {
        answer(c, 400, "Bad Request", "not an HTTP proxy request (CONNECT host:port, or an "
                                      "absolute http:// URI)");
        c->rec.reason = "bad request";
        goto done;
    }
    const struct net_rule *rule = net_rules_match(&c->p->grant, c->rec.host, c->rec.port);
    if (!rule) {
        answer(c, 403, "Forbidden", "destination not in the run's network grant");
        c->rec.reason = "not in the grant";
        goto done;
    }
    if ((why = open_upstream(c, rule, &status))) {
        answer(c, status, status == 403 ? "Forbidden" : "Bad Gateway", why);
        c->rec.reason = why;
        goto done;
    }
    c->rec.allowed = true;
    if (tunnel) {
        static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
        why = send_all(c, c->client, ok, sizeof(ok) - 1);
    } else {
        why = forward(c, rewritten.data, rewritten.len);
    }
    if (!why)
        why = forward(c, head + hlen, got - (size_t)hlen);
    if (!why)
        why = relay(c);
    c->rec.reason = why;
done:
    c->rec.ms = sk_now_ms() - c->start;
    record(c->p, c->slot, &c->rec);
    sk_buf_close(&rewritten);
    if (c->server >= 0)
        close(c->server);
    close(c->client);
    free(c);
    return NULL;
}

/* ------------------------------------------------------------ accepting -- */

/* Refuse a connection without reading it (the acceptor must not block). */
static void refuse_now(struct net_proxy *p, int fd, int slot, const char *reason)
{
    static const char msg[] = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n";
    send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(fd);
    struct conn_log rec = {.reason = reason};
    record(p, slot, &rec);
}

static void *accept_loop(void *arg)
{
    struct net_proxy *p = arg;
    for (;;) {
        struct pollfd pf[2] = {{p->listen_fd, POLLIN, 0}, {p->stop_fd, POLLIN, 0}};
        int n = poll(pf, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || pf[1].revents)
            return NULL;
        int fd = accept4(p->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&p->lock);
        bool full = p->nthreads >= p->lim.max_connections;
        pthread_mutex_unlock(&p->lock);
        if (full) {
            refuse_now(p, fd, take_slot(p), "connection limit");
            continue;
        }
        struct conn *c = xcalloc(1, sizeof(*c));
        c->p = p;
        c->slot = take_slot(p);
        c->client = fd;
        c->server = -1;
        c->start = sk_now_ms();
        c->deadline = c->start + p->lim.connection_ms;
        pthread_mutex_lock(&p->lock);
        int rc = pthread_create(&p->threads[p->nthreads], NULL, serve_conn, c);
        if (rc == 0)
            p->nthreads++;
        pthread_mutex_unlock(&p->lock);
        if (rc != 0) {
            log_warn("net: cannot start a proxy thread: %s", strerror(rc));
            refuse_now(p, fd, c->slot, "proxy out of threads");
            free(c);
        }
    }
}

int net_proxy_attach(void *proxy, int listen_fd)
{
    struct net_proxy *p = proxy;
    if (p->started || p->stop_fd < 0) {
        close(listen_fd);
        return -EINVAL;
    }
    p->listen_fd = listen_fd;
    int rc = pthread_create(&p->acceptor, NULL, accept_loop, p);
    if (rc != 0)
        return -rc;
    p->started = true;
    return 0;
}

void net_proxy_stop(struct net_proxy *p)
{
    if (!p || p->stopped)
        return;
    p->stopped = true;
    uint64_t one = 1;
    if (p->stop_fd >= 0 && write(p->stop_fd, &one, sizeof(one)) < 0)
        log_warn("net: cannot signal the proxy to stop: %s", strerror(errno));
    if (p->started)
        pthread_join(p->acceptor, NULL);
    /* The acceptor is gone: nthreads no longer changes. */
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    sk_close_reset(&p->listen_fd);
}

json_t *net_proxy_report(struct net_proxy *p)
{
    json_t *allow = json_array();
    for (int i = 0; i < p->grant.n; i++)
        json_array_append_new(allow, json_string(p->grant.r[i].text));
    json_t *conns = json_array();
    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < p->nlog; i++) {
        const struct conn_log *l = &p->log[i];
        json_array_append_new(
            conns, json_pack("{s:s, s:i, s:s, s:s, s:b, s:s?, s:I, s:I, s:i}", "host", l->host,
                             "port", l->port, "address", l->address, "method", l->method,
                             "allowed", l->allowed, "reason", l->reason, "bytes_sent",
                             (json_int_t)l->sent, "bytes_received", (json_int_t)l->received,
                             "ms", (int)l->ms));
    }
    int refused = p->refused;
    pthread_mutex_unlock(&p->lock);
    return json_pack("{s:o, s:o, s:i, s:I, s:{s:i, s:I, s:i, s:i}}", "allow", allow,
                     "connections", conns, "refused", refused, "bytes",
                     (json_int_t)atomic_load(&p->bytes), "limits", "max_connections",
                     p->lim.max_connections, "max_bytes", (json_int_t)p->lim.max_bytes,
                     "connect_timeout_ms", p->lim.connect_timeout_ms, "connection_ms",
                     p->lim.connection_ms);
}

void net_proxy_free(struct net_proxy *p)
{
    if (!p)
        return;
    net_proxy_stop(p);
    sk_close_reset(&p->stop_fd);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p->log);
    free(p);
}
