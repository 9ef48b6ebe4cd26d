/*
 * Configuration: defaults, INI file, environment overrides (see config.h).
 *
 * Every plain key is one row of the option table below: its section, name,
 * type, where it lives in struct sk_config and its bounds. The file parser,
 * the environment loader and the flag handlers all go through
 * sk_config_set(), so there is one way a value gets in.
 */
#include "config.h"

#include "base/conf.h"
#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_type { OPT_STR, OPT_INT, OPT_SIZE, OPT_BOOL, OPT_DOUBLE };

struct opt {
    const char *section;
    const char *key;
    enum opt_type type;
    size_t offset; /* into struct sk_config */
    size_t size;   /* for OPT_STR: the array size */
    double min, max;
};

#define STR(sec, k, field) {sec, k, OPT_STR, offsetof(struct sk_config, field), \
                            sizeof(((struct sk_config *)0)->field), 0, 0}
#define INT(sec, k, field, lo, hi) {sec, k, OPT_INT, offsetof(struct sk_config, field), 0, lo, hi}
#define SIZE(sec, k, field, lo, hi) {sec, k, OPT_SIZE, offsetof(struct sk_config, field), 0, lo, hi}
#define BOOL(sec, k, field) {sec, k, OPT_BOOL, offsetof(struct sk_config, field), 0, 0, 1}
#define DBL(sec, k, field, lo, hi) {sec, k, OPT_DOUBLE, offsetof(struct sk_config, field), 0, lo, hi}

static const struct opt opts[] = {
    STR("server", "listen", listen),
    SIZE("server", "max_body_bytes", max_body_bytes, 1024, 64 << 20),
    SIZE("server", "max_code_bytes", max_code_bytes, 1024, 16 << 20),
    INT("server", "max_connections", max_connections, 1, 10000),
    INT("server", "max_connections_per_ip", max_connections_per_ip, 0, 10000),
    INT("server", "idle_timeout_s", idle_timeout_s, 1, 3600),
    INT("server", "concurrency", concurrency, 1, 1024),
    INT("server", "queue_length", queue_length, 0, 100000),
    INT("server", "request_timeout_s", request_timeout_s, 1, 3600),
    STR("server", "audit_db", audit_db),
    STR("server", "log_level", log_level),
    BOOL("server", "log_prompts", log_prompts),
    STR("server", "data_dir", data_dir),
    STR("server", "tls_cert", tls_cert),
    STR("server", "tls_key", tls_key),
    INT("server", "drain_s", drain_s, 0, 3600),

    INT("limits", "requests_per_minute", rate_rpm, 1, 1000000),
    INT("limits", "concurrent", rate_concurrent, 1, 100000),

    STR("model", "provider", model_provider),
    STR("model", "url", model_url),
    STR("model", "name", model_name),
    STR("model", "api_key", model_api_key),
    INT("model", "connect_timeout_ms", model_connect_timeout_ms, 1, 600000),
    INT("model", "timeout_ms", model_timeout_ms, 1, 3600000),
    INT("model", "retries", model_retries, 0, 10),
    INT("model", "max_tokens", model_max_tokens, 16, 1000000),
    DBL("model", "temperature", model_temperature, 0, 2),

    INT("sandbox", "memory_mb", sandbox_memory_mb, 16, 1 << 20),
    INT("sandbox", "cpus", sandbox_cpus, 1, 1024),
    INT("sandbox", "wall_s", sandbox_wall_s, 1, 3600),
    INT("sandbox", "pids", sandbox_pids, 4, 100000),
    INT("sandbox", "output_kb", sandbox_output_kb, 1, 1 << 20),
    INT("sandbox", "tmp_mb", sandbox_tmp_mb, 1, 1 << 20),
    INT("sandbox", "work_mb", sandbox_work_mb, 1, 1 << 20),
    INT("sandbox", "max_memory_mb", sandbox_max_memory_mb, 16, 1 << 20),
    INT("sandbox", "max_wall_s", sandbox_max_wall_s, 1, 3600),
    INT("sandbox", "uid_base", sandbox_uid_base, 1000, 2000000000),
    INT("sandbox", "uid_count", sandbox_uid_count, 1, 65536),
    INT("sandbox", "slots", sandbox_slots, 0, 4096),

    STR("checks", "allow_categories", allow_categories),
    STR("checks", "block_severity", block_severity),
    STR("checks", "warn_severity", warn_severity),
    BOOL("checks", "workers_at_boot", workers_at_boot),
    INT("checks", "worker_timeout_ms", worker_timeout_ms, 100, 600000),
    INT("checks", "worker_max_requests", worker_max_requests, 1, 1000000),
    INT("checks", "worker_memory_mb", worker_memory_mb, 64, 1 << 20),
    INT("checks", "worker_count", worker_count, 1, 64),
    STR("checks", "on_incomplete", on_incomplete),

    DBL("guard", "flag_threshold", guard_flag_threshold, 0, 1),
    DBL("guard", "block_threshold", guard_block_threshold, 0, 1),
    SIZE("guard", "max_prompt_bytes", max_prompt_bytes, 16, 16 << 20),

    BOOL("network", "grants", network_grants),
    STR("network", "allow", network_allow),
    INT("network", "max_connections", network_max_connections, 1, 1024),
    INT("network", "max_kb", network_max_kb, 1, 1 << 22),
    INT("network", "connect_timeout_ms", network_connect_timeout_ms, 100, 60000),
    INT("network", "connection_s", network_connection_s, 1, 3600),

    INT("pipeline", "repair_rounds", repair_rounds, 0, 10),
    STR("export", "redact", export_redact),
    BOOL("pipeline", "withhold_blocked", withhold_blocked),
};

void sk_config_defaults(struct sk_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
    cfg->max_body_bytes = 256 * 1024;
    cfg->max_code_bytes = 128 * 1024;
    cfg->max_connections = 64;
    cfg->max_connections_per_ip = 32;
    cfg->idle_timeout_s = 30;
    cfg->concurrency = 4;
    cfg->queue_length = 32;
    cfg->request_timeout_s = 120;
    snprintf(cfg->audit_db, sizeof(cfg->audit_db), "%s", SKITTY_DEFAULT_AUDIT_DB);
    snprintf(cfg->log_level, sizeof(cfg->log_level), "info");
    snprintf(cfg->data_dir, sizeof(cfg->data_dir), "%s", SKITTY_DATA_DIR);
    cfg->drain_s = 30;
    cfg->rate_rpm = 120;
    cfg->rate_concurrent = 8;

    snprintf(cfg->model_provider, sizeof(cfg->model_provider), "builtin");
    snprintf(cfg->model_url, sizeof(cfg->model_url), "http://127.0.0.1:8081/v1/chat/completions");
    cfg->model_connect_timeout_ms = 5000;
    cfg->model_timeout_ms = 60000;
    cfg->model_retries = 2;
    cfg->model_max_tokens = 2048;
    cfg->model_temperature = 0.2;

    cfg->sandbox_memory_mb = 512;
    cfg->sandbox_cpus = 1;
    cfg->sandbox_wall_s = 10;
    cfg->sandbox_pids = 64;
    cfg->sandbox_output_kb = 64;
    cfg->sandbox_tmp_mb = 64;
    cfg->sandbox_work_mb = 32;
    cfg->sandbox_max_memory_mb = 2048;
    cfg->sandbox_max_wall_s = 60;
    cfg->sandbox_uid_base = 100000;
    cfg->sandbox_uid_count = 1000;
    cfg->network_max_connections = 16;
    cfg->network_max_kb = 8192;
    cfg->network_connect_timeout_ms = 3000;
    cfg->network_connection_s = 10;

    snprintf(cfg->block_severity, sizeof(cfg->block_severity), "high");
    snprintf(cfg->warn_severity, sizeof(cfg->warn_severity), "low");
    cfg->worker_timeout_ms = 10000;
    cfg->worker_max_requests = 500;
    cfg->worker_memory_mb = 1024;
    cfg->worker_count = 1;
    snprintf(cfg->on_incomplete, sizeof(cfg->on_incomplete), "warn");

    cfg->guard_flag_threshold = 0.5;
    cfg->guard_block_threshold = 0.85;
    cfg->max_prompt_bytes = 32 * 1024;

    cfg->repair_rounds = 2;
    /* E-mail addresses, URLs, long numbers and things shaped like API keys. */
    snprintf(cfg->export_redact, sizeof(cfg->export_redact), "%s",
             "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}|https?://[^[:space:]\"']+|"
             "[0-9]{6,}|(sk|pk|ghp|gho|xox[bpas]|AKIA|AIza)[-_A-Za-z0-9]{12,}");
    cfg->withhold_blocked = true;
}

static int parse_key_line(struct sk_config *cfg, const char *name, const char *value,
                          struct sk_err *err)
{
    if (cfg->nkeys >= SK_CONFIG_MAX_KEYS)
        return sk_err_msg(err, E2BIG, "too many keys (at most %d)", SK_CONFIG_MAX_KEYS);
    if (strlen(name) >= sizeof(cfg->keys[0].name) || !*name)
        return sk_err_msg(err, EINVAL, "key name '%s' is empty or too long", name);
    if (strncmp(value, "sha256:", 7) != 0)
        return sk_err_msg(err, EINVAL,
                          "key '%s': value must be sha256:<64 hex digits> [admin] [rpm=N] "
                          "[concurrent=N]",
                          name);
    struct sk_api_key *k = &cfg->keys[cfg->nkeys];
    const char *hex = value + 7;
    for (int i = 0; i < 32; i++) {
        unsigned int byte;
        if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
            sscanf(hex + 2 * i, "%2x", &byte) != 1)
            return sk_err_msg(err, EINVAL, "key '%s': hash must be 64 hex digits", name);
        k->hash[i] = (unsigned char)byte;
    }
    const char *rest = hex + 64;
    if (*rest && !isspace((unsigned char)*rest))
        return sk_err_msg(err, EINVAL, "key '%s': hash must be 64 hex digits", name);
    k->admin = false;
    k->rpm = 0;
    k->concurrent = 0;
    while (*rest) {
        while (isspace((unsigned char)*rest))
            rest++;
        size_t n = strcspn(rest, " \t");
        if (n == 0)
            break;
        int v;
        if (n == 5 && !strncmp(rest, "admin", 5))
            k->admin = true;
        else if (!strncmp(rest, "rpm=", 4) && sscanf(rest + 4, "%d", &v) == 1 &&
                 v > 0 && (size_t)snprintf(NULL, 0, "rpm=%d", v) == n)
            k->rpm = v;
        else if (!strncmp(rest, "concurrent=", 11) && sscanf(rest + 11, "%d", &v) == 1 && v > 0 &&
                 (size_t)snprintf(NULL, 0, "concurrent=%d", v) == n)
            k->concurrent = v;
        else
            return sk_err_msg(err, EINVAL, "key '%s': unknown option '%.*s'", name, (int)n, rest);
        rest += n;
    }
    snprintf(k->name, sizeof(k->name), "%s", name);
    cfg->nkeys++;
    return 0;
}

int sk_config_set(struct sk_config *cfg, const char *section, const char *key, const char *value,
                  struct sk_err *err)
{
    if (strcmp(section, "keys") == 0)
        return parse_key_line(cfg, key, value, err);

    for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
        const struct opt *o = &opts[i];
        if (strcmp(o->section, section) != 0 || strcmp(o->key, key) != 0)
            continue;
        char *field = (char *)cfg + o->offset;
        char *end;
        switch (o->type) {
        case OPT_STR:
            if (strlen(value) >= o->size)
                return sk_err_msg(err, EINVAL, "%s.%s is too long (at most %zu bytes)", section,
                                  key, o->size - 1);
            memcpy(field, value, strlen(value) + 1);
            return 0;
        case OPT_BOOL:
            if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
                *(bool *)field = true;
            else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
                *(bool *)field = false;
            else
                return sk_err_msg(err, EINVAL, "%s.%s must be true or false", section, key);
            return 0;
        case OPT_INT:
        case OPT_SIZE:
        case OPT_DOUBLE: {
            errno = 0;
            double d = strtod(value, &end);
            if (errno || end == value || *end || d < o->min || d > o->max ||
                (o->type != OPT_DOUBLE && d != (double)(long long)d))
                return sk_err_msg(err, EINVAL, "%s.%s must be a%s number from %g to %g", section,
                                  key, o->type == OPT_DOUBLE ? "" : "n integer", o->min, o->max);
            if (o->type == OPT_INT)
                *(int *)field = (int)d;
            else if (o->type == OPT_SIZE)
                *(size_t *)field = (size_t)d;
            else
                *(double *)field = d;
            return 0;
        }
        }
    }
    return sk_err_msg(err, EINVAL, "unknown setting %s.%s", section, key);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int sk_config_load_file(struct sk_config *cfg, const char *path, struct sk_err *err)
{
    cleanup_file FILE *f = fopen(path, "re");
    if (!f)
        return sk_err_make(err, errno, "cannot open configuration %s", path);

    char section[32] = "";
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            return sk_err_msg(err, EINVAL, "%s:%d: line too long", path, lineno);
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close || close[1] || close - s - 1 >= (long)sizeof(section) || close == s + 1)
                return sk_err_msg(err, EINVAL, "%s:%d: bad section header", path, lineno);
            *close = '\0';
            snprintf(section, sizeof(section), "%s", s + 1);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq || !*section)
            return sk_err_msg(err, EINVAL, "%s:%d: expected 'key = value' inside a [section]",
                              path, lineno);
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        if (sk_config_set(cfg, section, key, value, err) < 0)
            return sk_err_wrap(err, "%s:%d", path, lineno);
    }
    return 0;
}

int sk_config_load_env(struct sk_config *cfg, char *const *envp, struct sk_err *err)
{
    for (; envp && *envp; envp++) {
        const char *e = *envp;
        if (strncmp(e, "SKITTY_", 7) != 0)
            continue;
        const char *eq = strchr(e, '=');
        if (!eq)
            continue;
        /* Match SKITTY_<SECTION>_<KEY> against the table (sections have no '_'). */
        for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
            char name[96];
            int n = snprintf(name, sizeof(name), "SKITTY_%s_%s", opts[i].section, opts[i].key);
            for (int j = 0; j < n; j++)
                name[j] = (char)toupper((unsigned char)name[j]);
            if ((size_t)(eq - e) == (size_t)n && strncmp(e, name, (size_t)n) == 0) {
                if (sk_config_set(cfg, opts[i].section, opts[i].key, eq + 1, err) < 0)
                    return sk_err_wrap(err, "environment %s", name);
                break;
            }
        }
    }
    return 0;
}

static int severity_name_ok(const char *s)
{
    return !strcmp(s, "low") || !strcmp(s, "medium") || !strcmp(s, "high") ||
           !strcmp(s, "critical");
}

int sk_config_validate(const struct sk_config *cfg, struct sk_err *err)
{
    char addr[64];
    int port;
    if (sk_config_parse_listen(cfg->listen, addr, sizeof(addr), &port, err) < 0)
        return -EINVAL;
    if (!sk_config_listen_is_loopback(cfg->listen) && cfg->nkeys == 0)
        return sk_err_msg(err, EPERM,
                          "refusing to listen on %s without API keys: add a [keys] section "
                          "(see config/skitty.conf.example) or listen on 127.0.0.1",
                          cfg->listen);
    if (strcmp(cfg->model_provider, "builtin") && strcmp(cfg->model_provider, "openai"))
        return sk_err_msg(err, EINVAL, "model.provider must be builtin or openai, not '%s'",
                          cfg->model_provider);
    if (!strcmp(cfg->model_provider, "openai") &&
        strncmp(cfg->model_url, "http://", 7) && strncmp(cfg->model_url, "https://", 8))
        return sk_err_msg(err, EINVAL, "model.url must start with http:// or https://");
    if (!severity_name_ok(cfg->block_severity) || !severity_name_ok(cfg->warn_severity))
        return sk_err_msg(err, EINVAL,
                          "checks.block_severity and warn_severity must be low, medium, high "
                          "or critical");
    if (sk_log_level_parse(cfg->log_level) < 0)
        return sk_err_msg(err, EINVAL, "server.log_level must be debug, info, warn or error");
    if (!cfg->tls_cert[0] != !cfg->tls_key[0])
        return sk_err_msg(err, EINVAL, "server.tls_cert and server.tls_key go together");
    for (size_t i = 0; i < cfg->nkeys; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(cfg->keys[i].name, cfg->keys[j].name))
                return sk_err_msg(err, EINVAL, "key name '%s' is used twice", cfg->keys[i].name);
    if (cfg->guard_flag_threshold > cfg->guard_block_threshold)
        return sk_err_msg(err, EINVAL, "guard.flag_threshold must not exceed block_threshold");
    if (cfg->sandbox_memory_mb > cfg->sandbox_max_memory_mb ||
        cfg->sandbox_wall_s > cfg->sandbox_max_wall_s)
        return sk_err_msg(err, EINVAL, "sandbox defaults must not exceed the sandbox maxima");
    return 0;
}

int sk_config_parse_listen(const char *listen, char *addr, size_t addrlen, int *port,
                           struct sk_err *err)
{
    const char *colon;
    const char *host = listen;
    size_t hostlen;
    if (*listen == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return sk_err_msg(err, EINVAL, "listen address '%s' is not [ADDR]:PORT", listen);
        host = listen + 1;
        hostlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return sk_err_msg(err, EINVAL, "listen address '%s' is not ADDR:PORT", listen);
        hostlen = (size_t)(colon - listen);
    }
    if (hostlen == 0 || hostlen >= addrlen)
        return sk_err_msg(err, EINVAL, "listen address '%s' has no usable host", listen);
    memcpy(addr, host, hostlen);
    addr[hostlen] = '\0';
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 0 || p > 65535)
        return sk_err_msg(err, EINVAL, "listen address '%s' has a bad port", listen);
    unsigned char tmp[16];
    if (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1)
        return sk_err_msg(err, EINVAL, "listen address '%s': '%s' is not an IP address", listen,
                          addr);
    *port = (int)p;
    return 0;
}

bool sk_config_listen_is_loopback(const char *listen)
{
    char addr[64];
    int port;
    struct sk_err err;
    if (sk_config_parse_listen(listen, addr, sizeof(addr), &port, &err) < 0)
        return false;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}
