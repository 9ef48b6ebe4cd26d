/*
 * Logging: JSON lines on stderr (see log.h).
 */
#include "config.h"

#include "base/log.h"
#include "base/util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int min_level = SK_LOG_INFO;
static int as_json = 1;
static const char *const names[] = {"debug", "info", "warn", "error"};

void sk_log_set_level(enum sk_log_level level)
{
    min_level = (int)level;
}

int sk_log_level_parse(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

void sk_log_set_json(int json)
{
    as_json = json;
}

void sk_log(enum sk_log_level level, const char *request_id, const char *fmt, ...)
{
    if ((int)level < min_level)
        return;

    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if (!as_json) {
        char line[2200];
        int n = snprintf(line, sizeof(line), "skitty: %s: %s\n", names[level], msg);
        if (n > 0)
            sk_write_all(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
        return;
    }

    struct timespec ts;
    struct tm tm;
    char when[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t w = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + w, sizeof(when) - w, ".%03ldZ", ts.tv_nsec / 1000000);

    json_t *o = json_object();
    json_object_set_new(o, "ts", json_string(when));
    json_object_set_new(o, "level", json_string(names[level]));
    if (request_id)
        json_object_set_new(o, "request_id", json_string(request_id));
    /* json_string() rejects invalid UTF-8; fall back to a marker. */
    json_t *m = json_string(msg);
    json_object_set_new(o, "msg", m ? m : json_string("(message was not valid UTF-8)"));
    char *line = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!line)
        return;
    size_t len = strlen(line);
    line = xrealloc(line, len + 2);
    line[len] = '\n';
    sk_write_all(2, line, len + 1);
    free(line);
}
