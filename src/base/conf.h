/*
 * Configuration: one INI-style file, then environment overrides, then
 * command-line flags, in that order. Defaults are the secure ones: loopback
 * only, the blueprint's sandbox limits (1 CPU, 512 MiB, 10 s, no network),
 * the offline model provider.
 *
 * File format (see config/skitty.conf.example, which documents every key):
 *
 *     # comment
 *     [server]
 *     listen = 127.0.0.1:8080
 *
 * Every key can be overridden by SKITTY_<SECTION>_<KEY> in the environment
 * (upper case), e.g. SKITTY_MODEL_API_KEY. Unknown sections and keys are
 * errors, so a typo never silently leaves a default in place.
 *
 * The [keys] section is free-form: each line is
 * `name = sha256:<hex> [admin] [rpm=N] [concurrent=N]` (an API key's name, the
 * SHA-256 of the key, its permission and its own limits).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define SK_CONFIG_MAX_KEYS 64

struct sk_api_key {
    char name[64];          /* shown in audit records and metrics */
    unsigned char hash[32]; /* SHA-256 of the key; the key itself is never stored */
    bool admin;             /* may use the admin endpoints (/metrics) */
    int rpm;                /* requests per minute; 0 = limits.requests_per_minute */
    int concurrent;         /* requests at once; 0 = limits.concurrent */
};

struct sk_config {
    /* [server] */
    char listen[128];          /* ADDR:PORT; default 127.0.0.1:8080 */
    size_t max_body_bytes;     /* request body cap; default 256 KiB */
    size_t max_code_bytes;     /* code field cap; default 128 KiB */
    int max_connections;       /* open connections; default 64 */
    int max_connections_per_ip; /* open connections from one address; default 32 (0: no cap) */
    int idle_timeout_s;        /* a connection silent this long is closed; default 30 */
    int concurrency;           /* pipelines running at once; default 4 */
    int queue_length;          /* requests waiting for a slot before 503; default 32 */
    int request_timeout_s;     /* whole-request deadline; default 120 */
    char audit_db[512];        /* SQLite audit log path */
    char log_level[16];        /* debug|info|warn|error */
    bool log_prompts;          /* store prompts in the audit log; default false */
    char data_dir[512];        /* where policy/, workers/, data/ and node_modules/ live */
    char tls_cert[512];        /* PEM certificate; TLS is on when both are set */
    char tls_key[512];         /* PEM private key */
    int drain_s;               /* SIGTERM: seconds to finish requests in flight; default 30 */

    /* [limits] (per API key; without keys, for all callers together) */
    int rate_rpm;              /* requests per minute (token bucket); default 120 */
    int rate_concurrent;       /* requests at once; default 8 */

    /* [model] */
    char model_provider[16];   /* builtin | openai */
    char model_url[512];       /* chat-completions URL for openai */
    char model_name[128];
    char model_api_key[512];   /* secret: never logged */
    int model_connect_timeout_ms;
    int model_timeout_ms;
    int model_retries;         /* extra attempts on 429/5xx/connection failure */
    int model_max_tokens;
    double model_temperature;

    /* [sandbox] */
    int sandbox_memory_mb;     /* default 512 */
    int sandbox_cpus;          /* CPU quota in cores; default 1 */
    int sandbox_wall_s;        /* default 10 */
    int sandbox_pids;          /* default 64 */
    int sandbox_output_kb;     /* per stream; default 64 */
    int sandbox_tmp_mb;        /* /tmp and /dev/shm size each; default 64 */
    int sandbox_work_mb;       /* work directory size; default 32 */
    int sandbox_max_memory_mb; /* ceiling for per-run overrides; default 2048 */
    int sandbox_max_wall_s;    /* ceiling for per-run overrides; default 60 */
    int sandbox_uid_base;      /* first host uid of the pool; default 100000 */
    int sandbox_uid_count;     /* pool size; default 1000 */
    int sandbox_slots;         /* runs at once per daemon; 0 = one per online CPU */

    /* [checks] */
    char allow_categories[256]; /* comma list of policy categories a deployment allows */
    char block_severity[16];    /* findings at or above this block; default high */
    char warn_severity[16];     /* findings at or above this warn; default low */
    bool workers_at_boot;       /* start analyser workers at boot (else lazily) */
    int worker_timeout_ms;      /* per-request analyser timeout; default 10000 */
    int worker_max_requests;    /* recycle a worker after this many; default 500 */
    int worker_memory_mb;       /* memory cap of each worker; default 1024 */
    int worker_count;           /* workers per analyser kind; default 1 */
    char on_incomplete[16];     /* verdict when a check did not run: warn (default) | block */

    /* [guard] */
    double guard_flag_threshold;  /* score at or above which a prompt is flagged */
    double guard_block_threshold; /* score at or above which a prompt is refused (422) */
    size_t max_prompt_bytes;      /* prompt cap; default 32 KiB */

    /* [pipeline] */
    int repair_rounds;          /* model repair rounds for block/warn; default 2 */
    bool withhold_blocked;      /* empty `code` on a block verdict; default true */

    /* [network] (grants of network access to single runs; see net/net.h) */
    bool network_grants;          /* requests may ask for a grant; default false */
    char network_allow[1024];     /* the operator's allowlist: HOST:PORT entries, comma-separated */
    int network_max_connections;  /* connections per run; default 16 */
    int network_max_kb;           /* bytes per run (both directions), KiB; default 8192 */
    int network_connect_timeout_ms; /* resolving and connecting one destination; default 3000 */
    int network_connection_s;     /* life of one connection; default 10 */

    /* [export] */
    char export_redact[512];    /* POSIX ERE; matches in exported prompts become [REDACTED] */

    /* [keys] */
    struct sk_api_key keys[SK_CONFIG_MAX_KEYS];
    size_t nkeys;
};

/* Fill `cfg` with the built-in defaults. */
void sk_config_defaults(struct sk_config *cfg);

/*
 * Read the file at `path` into `cfg` (on top of what is already there).
 * Returns 0 or a negative errno with a message naming the file and line.
 */
int sk_config_load_file(struct sk_config *cfg, const char *path, struct sk_err *err);

/* Apply SKITTY_<SECTION>_<KEY> variables from `envp` (NULL-terminated). */
int sk_config_load_env(struct sk_config *cfg, char *const *envp, struct sk_err *err);

/* Set one key by section and name, as the file and environment do. */
int sk_config_set(struct sk_config *cfg, const char *section, const char *key, const char *value,
                  struct sk_err *err);

/* Check cross-field rules (e.g. non-loopback listen needs keys). */
int sk_config_validate(const struct sk_config *cfg, struct sk_err *err);

/* True if `listen` (ADDR:PORT) names a loopback address. */
bool sk_config_listen_is_loopback(const char *listen);

/* Split "ADDR:PORT" ("[v6]:PORT" for IPv6). Returns 0 or -EINVAL. */
int sk_config_parse_listen(const char *listen, char *addr, size_t addrlen, int *port,
                           struct sk_err *err);
