/*
 * Black-box tests of the daemon's life: TLS with a certificate made here,
 * SIGHUP reloading keys, SIGTERM draining requests in flight, the audit
 * log's disk filling up (503, then recovery), and secrets (API keys, the
 * model key) never reaching logs, metrics or the audit log.
 *
 * usage: test-lifecycle SKITTY FAKE_OPENAI
 */
#include "config.h"

#include "harness.h"
#include "tap.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *skitty;
static int fake_port;

#define ALICE "0c848abb03307b06cf70cd4e29c157dc81af5e94ab3eb1d0c59a120269572376"
#define OPS "32323cfa9ec9d62750daad0836a4cf3d7b60d23723b7852a529667deed01669f"
/* SHA-256 of "carol-secret" */
#define CAROL "9e1d0a638ff9fd18986d8057aef3c36871aa54b27a6fcc6411fb32f8325675e2"

static const char *json_hdr[] = {"Content-Type: application/json", NULL};
static const char generate_body[] = "{\"prompt\":\"reverse a string\",\"language\":\"python\"}";

static long post_generate(int port, const char *key)
{
    char auth[128];
    const char *hdr[] = {"Content-Type: application/json", auth, NULL};
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
    struct http_reply r;
    if (http_request(port, "POST", "/generate", key ? hdr : json_hdr, generate_body,
                     strlen(generate_body), 30, &r) < 0)
        return -1;
    long st = r.status;
    http_reply_close(&r);
    return st;
}

static char *fake_config(const char *mode, const char *extra)
{
    char *c;
    if (asprintf(&c,
                 "[model]\nprovider = openai\nurl = http://127.0.0.1:%d/v1/chat/completions\n"
                 "name = %s\napi_key = sk-model-key-never-logged\n%s",
                 fake_port, mode, extra) < 0)
        abort();
    return c;
}

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st == 0 ? 0 : -1;
}

static void test_tls(void)
{
    char dir[] = "/tmp/skitty-tls-XXXXXX";
    if (!mkdtemp(dir)) {
        ok(0, "tls: temporary directory");
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             dir, dir);
    if (sh(cmd) < 0) {
        ok(0, "tls: a self-signed certificate is made with openssl");
        return;
    }
    char extra[600];
    snprintf(extra, sizeof(extra), "[server]\ntls_cert = %s/cert.pem\ntls_key = %s/key.pem\n", dir,
             dir);
    char *conf = fake_config("ok-python", extra);
    struct server s;
    int started = server_start(&s, skitty, conf, NULL);
    free(conf);
    ok(started == 0, "tls: server starts with a certificate");
    if (started == 0) {
        CURL *c = curl_easy_init();
        char url[128], ca[300];
        snprintf(url, sizeof(url), "https://127.0.0.1:%d/generate", s.port);
        snprintf(ca, sizeof(ca), "%s/cert.pem", dir);
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, generate_body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fwrite);
        FILE *devnull = fopen("/dev/null", "w");
        curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
        CURLcode rc = curl_easy_perform(c);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        ok(rc == CURLE_OK && status == 200, "tls: POST /generate over verified TLS (%s, %ld)",
           curl_easy_strerror(rc), status);
        curl_easy_cleanup(c);
        curl_slist_free_all(h);
        fclose(devnull);

        struct http_reply r;
        int plain = http_request(s.port, "GET", "/healthz", NULL, NULL, 0, 5, &r);
        ok(plain < 0 || r.status != 200, "tls: plain HTTP is not served on the TLS port");
        http_reply_close(&r);
        is_int(server_stop(&s), 0, "tls: clean shutdown");
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    sh(cmd);
}

static void test_reload(void)
{
    char *conf = fake_config("ok-python", "[keys]\nalice = sha256:" ALICE "\n");
    struct server s;
    int started = server_start(&s, skitty, conf, NULL);
    free(conf);
    ok(started == 0, "reload: server starts with key alice");
    if (started)
        return;
    is_int(post_generate(s.port, "alice-secret"), 200, "reload: alice is let in");
    is_int(post_generate(s.port, "carol-secret"), 401, "reload: carol is not (yet)");

    char path[300];
    snprintf(path, sizeof(path), "%s/skitty.conf", s.dir);
    FILE *f = fopen(path, "w");
    char *c2 = fake_config("ok-python", "[keys]\ncarol = sha256:" CAROL "\n");
    fprintf(f, "[server]\naudit_db = %s\n%s\n", s.audit, c2);
    fclose(f);
    free(c2);
    kill(s.pid, SIGHUP);
    usleep(300 * 1000);
    is_int(post_generate(s.port, "carol-secret"), 200, "reload: after SIGHUP carol is let in");
    is_int(post_generate(s.port, "alice-secret"), 401, "reload: and alice's removed key is not");

    f = fopen(path, "w");
    fprintf(f, "[server]\naudit_db = %s\n[keys]\nbroken = nothex\n", s.audit);
    fclose(f);
    kill(s.pid, SIGHUP);
    usleep(300 * 1000);
    ok(server_alive(&s), "reload: a broken file does not kill the server");
    is_int(post_generate(s.port, "carol-secret"), 200, "reload: and the old keys stay");
    is_int(server_stop(&s), 0, "reload: clean shutdown");
}

struct inflight {
    int port;
    long status;
};

static void *slow_request(void *arg)
{
    struct inflight *in = arg;
    in->status = post_generate(in->port, NULL);
    return NULL;
}

static void test_drain(void)
{
    char *conf = fake_config("slow", "");
    struct server s;
    int started = server_start(&s, skitty, conf, NULL);
    free(conf);
    ok(started == 0, "drain: server starts");
    if (started)
        return;
    struct inflight in = {.port = s.port};
    pthread_t th;
    pthread_create(&th, NULL, slow_request, &in);
    usleep(500 * 1000); /* the request is now waiting on the slow model */
    kill(s.pid, SIGTERM);
    usleep(300 * 1000);
    struct http_reply r;
    int fresh = http_request(s.port, "GET", "/healthz", NULL, NULL, 0, 2, &r);
    ok(fresh < 0, "drain: no new connection is accepted after SIGTERM");
    http_reply_close(&r);
    pthread_join(th, NULL);
    is_int(in.status, 200, "drain: the request in flight still gets its answer");
    int status = -1;
    waitpid(s.pid, &status, 0);
    s.pid = 0;
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "drain: exits 0 after draining");
    is_int(audit_records(s.audit), 1, "drain: the drained request was audited");
    server_stop(&s);
}

static void test_disk_full(void)
{
    if (geteuid() != 0) {
        ok(1, "# SKIP disk full: needs root to mount a small tmpfs");
        return;
    }
    char dir[] = "/tmp/skitty-full-XXXXXX";
    if (!mkdtemp(dir) || mount("tmpfs", dir, "tmpfs", 0, "size=2m") < 0) {
        ok(0, "disk full: mount a 2 MiB tmpfs");
        return;
    }
    char extra[400];
    snprintf(extra, sizeof(extra), "[server]\naudit_db = %s/audit.db\n", dir);
    char *conf = fake_config("ok-python", extra);
    struct server s;
    int started = server_start(&s, skitty, conf, NULL);
    free(conf);
    ok(started == 0, "disk full: server starts with its audit log on a 2 MiB tmpfs");
    if (started == 0) {
        is_int(post_generate(s.port, NULL), 200, "disk full: served while there is room");
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s/filler bs=64k >/dev/null 2>&1", dir);
        sh(cmd); /* fails when the disk is full, which is the point */
        long st = post_generate(s.port, NULL);
        is_int(st, 503, "disk full: a request that cannot be recorded gets 503");
        struct http_reply r;
        http_request(s.port, "GET", "/readyz", NULL, NULL, 0, 5, &r);
        is_int(r.status, 503, "disk full: /readyz says not ready");
        http_reply_close(&r);
        snprintf(cmd, sizeof(cmd), "rm -f %s/filler", dir);
        sh(cmd);
        is_int(post_generate(s.port, NULL), 200, "disk full: served again once there is room");
        http_request(s.port, "GET", "/readyz", NULL, NULL, 0, 5, &r);
        is_int(r.status, 200, "disk full: ready again");
        http_reply_close(&r);
        char verify[600];
        snprintf(verify, sizeof(verify), "%s audit verify --db %s/audit.db >/dev/null", skitty,
                 dir);
        is_int(sh(verify), 0, "disk full: the audit chain is intact after the fault");
        is_int(server_stop(&s), 0, "disk full: clean shutdown");
    }
    umount2(dir, MNT_DETACH);
    rmdir(dir);
}

static int file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *buf = malloc(1 << 24);
    size_t n = fread(buf, 1, (1 << 24) - 1, f);
    fclose(f);
    int found = memmem(buf, n, needle, strlen(needle)) != NULL;
    free(buf);
    return found;
}

static void test_secrets(void)
{
    char *conf = fake_config("ok-python", "[keys]\nalice = sha256:" ALICE "\nops = sha256:" OPS
                                          " admin\n");
    struct server s;
    int started = server_start(&s, skitty, conf, NULL);
    free(conf);
    ok(started == 0, "secrets: server starts");
    if (started)
        return;
    post_generate(s.port, "alice-secret");
    post_generate(s.port, "wrong-guess-secret");
    const char *hdr[] = {"Authorization: Bearer ops-secret", NULL};
    struct http_reply m;
    http_request(s.port, "GET", "/metrics", hdr, NULL, 0, 5, &m);
    is_int(m.status, 200, "secrets: metrics read with the admin key");
    ok(strstr(m.body, "key=\"alice\"") != NULL, "secrets: metrics name the key");
    const char *secrets[] = {"alice-secret", "wrong-guess-secret", "ops-secret",
                             "sk-model-key-never-logged"};
    char log[300], audit[300];
    snprintf(log, sizeof(log), "%s", s.log);
    snprintf(audit, sizeof(audit), "%s", s.audit);
    setenv("SKITTY_TEST_KEEP", "1", 1);
    server_stop(&s);
    unsetenv("SKITTY_TEST_KEEP");
    for (size_t i = 0; i < sizeof(secrets) / sizeof(*secrets); i++) {
        ok(!strstr(m.body, secrets[i]), "secrets: '%s' not in the metrics", secrets[i]);
        ok(!file_contains(log, secrets[i]), "secrets: '%s' not in the log", secrets[i]);
        ok(!file_contains(audit, secrets[i]), "secrets: '%s' not in the audit log", secrets[i]);
    }
    ok(file_contains(audit, "alice"), "secrets: the audit log names the key (sanity check)");
    http_reply_close(&m);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", s.dir);
    sh(cmd);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test-lifecycle SKITTY FAKE_OPENAI\n");
        return 2;
    }
    skitty = argv[1];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    pid_t fake = helper_start(argv[2], &fake_port);
    ok(fake > 0, "fake model server started");
    test_tls();
    test_reload();
    test_drain();
    test_disk_full();
    test_secrets();
    kill(fake, SIGKILL);
    waitpid(fake, NULL, 0);
    curl_global_cleanup();
    return tap_done();
}
