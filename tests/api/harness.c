/*
 * Black-box test harness (see harness.h).
 */
#include "config.h"

#include "harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int server_start(struct server *s, const char *skitty, const char *config,
                 char *const *extra_env)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/skitty-test-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->log, sizeof(s->log), "%s/server.log", s->dir);
    snprintf(s->audit, sizeof(s->audit), "%s/audit.db", s->dir);
    char conf[300];
    snprintf(conf, sizeof(conf), "%s/skitty.conf", s->dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    /* The caller's configuration comes last, so it may move the audit log. */
    fprintf(f, "[server]\naudit_db = %s\n%s\n", s->audit, config);
    fclose(f);

    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        for (char *const *e = extra_env; e && *e; e++)
            putenv(*e);
        execl(skitty, skitty, "serve", "--config", conf, "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) { /* up to 30 s: the sandbox may warm workers */
        char buf[8192];
        FILE *l = fopen(s->log, "r");
        if (l) {
            size_t n = fread(buf, 1, sizeof(buf) - 1, l);
            fclose(l);
            buf[n] = '\0';
            char *p = strstr(buf, "listening on 127.0.0.1:");
            if (p) {
                s->port = atoi(p + strlen("listening on 127.0.0.1:"));
                return 0;
            }
        }
        if (!server_alive(s))
            break;
        sleep_ms(100);
    }
    fprintf(stderr, "# server did not start; its log:\n");
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "sed 's/^/#   /' %s >&2", s->log);
    if (system(cmd) < 0)
        return -1;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    return -1;
}

bool server_alive(const struct server *s)
{
    return s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int server_stop(struct server *s)
{
    int status = -1;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        for (int i = 0; i < 200; i++) {
            if (waitpid(s->pid, &status, WNOHANG) == s->pid)
                break;
            sleep_ms(50);
            if (i == 199) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
                status = -1;
            }
        }
        s->pid = 0;
    }
    if (s->dir[0] && !getenv("SKITTY_TEST_KEEP"))
        nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

pid_t helper_start(const char *path, int *port)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[64] = "";
    ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
    close(fds[0]);
    if (n <= 0 || sscanf(buf, "port %d", port) != 1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

struct sink {
    char *data;
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct sink *s = ud;
    s->data = realloc(s->data, s->len + size * n + 1);
    memcpy(s->data + s->len, p, size * n);
    s->len += size * n;
    s->data[s->len] = '\0';
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct http_reply *r = ud;
    size_t have = strlen(r->headers), len = size * n;
    if (have + len < sizeof(r->headers)) {
        memcpy(r->headers + have, p, len);
        r->headers[have + len] = '\0';
    }
    return len;
}

int http_request(int port, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, long timeout_s, struct http_reply *out)
{
    memset(out, 0, sizeof(*out));
    CURL *c = curl_easy_init();
    char url[512];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    struct curl_slist *h = NULL;
    for (const char *const *p = headers; p && *p; p++)
        h = curl_slist_append(h, *p);
    h = curl_slist_append(h, "Expect:");
    struct sink s = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    out->body = s.data ? s.data : strdup("");
    out->len = s.len;
    if (rc != CURLE_OK && out->status == 0) {
        fprintf(stderr, "# http %s %s: %s\n", method, path, curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

void http_reply_close(struct http_reply *r)
{
    free(r->body);
    r->body = NULL;
}

int http_header(const struct http_reply *r, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(name);
    const char *p = r->headers;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            eol = p + strlen(p);
        if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            snprintf(out, outlen, "%.*s", (int)(eol - v), v);
            return 0;
        }
        p = *eol ? eol + 2 : eol;
    }
    return -1;
}

json_t *json_pointer(json_t *doc, const char *pointer)
{
    if (!*pointer)
        return doc;
    json_t *cur = doc;
    const char *p = pointer;
    while (cur && *p == '/') {
        p++;
        char tok[256];
        size_t n = strcspn(p, "/");
        if (n >= sizeof(tok))
            return NULL;
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                tok[j++] = p[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                tok[j++] = p[i];
            }
        }
        tok[j] = '\0';
        p += n;
        if (json_is_object(cur))
            cur = json_object_get(cur, tok);
        else if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)strtoul(tok, NULL, 10));
        else
            return NULL;
    }
    return cur;
}

long audit_records(const char *db)
{
    sqlite3 *h;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(h);
        return -1;
    }
    sqlite3_stmt *st;
    long n = -1;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM requests", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}
