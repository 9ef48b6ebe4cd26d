/*
 * Logging: one JSON object per line on stderr, written with a single
 * write(2) so lines from different threads never interleave.
 *
 *     {"ts":"2026-12-04T15:46:31.123Z","level":"info","request_id":"…","msg":"…"}
 *
 * Messages must never contain secrets (API keys, and prompts unless the
 * configuration allows it); callers pass only what may be stored.
 */
#pragma once

enum sk_log_level { SK_LOG_DEBUG, SK_LOG_INFO, SK_LOG_WARN, SK_LOG_ERROR };

/* Messages below `level` are dropped. Default: SK_LOG_INFO. */
void sk_log_set_level(enum sk_log_level level);
/* Parse "debug|info|warn|error"; returns -1 on an unknown name. */
int sk_log_level_parse(const char *name);
/* When false, print plain "level: msg" lines instead of JSON (for the CLI). */
void sk_log_set_json(int json);

/* `request_id` may be NULL. */
void sk_log(enum sk_log_level level, const char *request_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(...) sk_log(SK_LOG_DEBUG, NULL, __VA_ARGS__)
#define log_info(...) sk_log(SK_LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...) sk_log(SK_LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) sk_log(SK_LOG_ERROR, NULL, __VA_ARGS__)
