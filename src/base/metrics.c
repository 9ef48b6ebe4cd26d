/*
 * Metrics registry (see metrics.h). Series are kept in one array under a
 * mutex; there are a few hundred at most, so a linear search is fine and
 * rendering is ordered by first use within each family.
 */
#include "config.h"

#include "base/metrics.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 2048
#define MAX_FAMILIES 64

static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25,  0.5,    1,     2.5,  5,     10,   30};
#define NBUCKETS ARRAY_SIZE(buckets)

enum kind { COUNTER, GAUGE, HISTOGRAM };

struct series {
    char *name;   /* owned */
    char *labels; /* owned */
    enum kind kind;
    double value; /* counter/gauge value; histogram sum */
    unsigned long long count;
    unsigned long long bucket[NBUCKETS];
};

struct family {
    char *name, *type, *help; /* owned */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static size_t nseries;
static struct family families[MAX_FAMILIES];
static size_t nfamilies;

/* Find or create a series; NULL when the registry is full. Caller holds the lock. */
static struct series *get(const char *name, const char *labels, enum kind kind)
{
    for (size_t i = 0; i < nseries; i++)
        if (!strcmp(series[i].name, name) && !strcmp(series[i].labels, labels))
            return &series[i];
    if (nseries == MAX_SERIES)
        return NULL;
    struct series *s = &series[nseries++];
    memset(s, 0, sizeof(*s));
    s->name = xstrdup(name);
    s->labels = xstrdup(labels ? labels : "");
    s->kind = kind;
    return s;
}

void metrics_count(const char *name, const char *labels, double v)
{
    pthread_mutex_lock(&lock);
    struct series *s = get(name, labels ? labels : "", COUNTER);
    if (s)
        s->value += v;
    pthread_mutex_unlock(&lock);
}

void metrics_gauge(const char *name, const char *labels, double v)
{
    pthread_mutex_lock(&lock);
    struct series *s = get(name, labels ? labels : "", GAUGE);
    if (s)
        s->value = v;
    pthread_mutex_unlock(&lock);
}

void metrics_observe(const char *name, const char *labels, double seconds)
{
    pthread_mutex_lock(&lock);
    struct series *s = get(name, labels ? labels : "", HISTOGRAM);
    if (s) {
        s->value += seconds;
        s->count++;
        for (size_t i = 0; i < NBUCKETS; i++)
            if (seconds <= buckets[i])
                s->bucket[i]++;
    }
    pthread_mutex_unlock(&lock);
}

void metrics_describe(const char *name, const char *type, const char *help)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nfamilies; i++)
        if (!strcmp(families[i].name, name)) {
            pthread_mutex_unlock(&lock);
            return;
        }
    if (nfamilies < MAX_FAMILIES) {
        families[nfamilies].name = xstrdup(name);
        families[nfamilies].type = xstrdup(type);
        families[nfamilies].help = xstrdup(help);
        nfamilies++;
    }
    pthread_mutex_unlock(&lock);
}

double metrics_value(const char *name, const char *labels)
{
    double v = 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nseries; i++)
        if (!strcmp(series[i].name, name) && !strcmp(series[i].labels, labels ? labels : ""))
            v = series[i].value;
    pthread_mutex_unlock(&lock);
    return v;
}

static const struct family *family_of(const char *name)
{
    for (size_t i = 0; i < nfamilies; i++)
        if (!strcmp(families[i].name, name))
            return &families[i];
    return NULL;
}

static int render_series(struct sk_buf *out, const struct series *s)
{
    const char *l = s->labels;
    if (s->kind != HISTOGRAM)
        return sk_buf_printf(out, "%s%s%s%s %.17g\n", s->name, *l ? "{" : "", l, *l ? "}" : "",
                             s->value);
    int ret = 0;
    for (size_t b = 0; b < NBUCKETS && !ret; b++)
        ret = sk_buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", s->name, l, *l ? "," : "",
                            buckets[b], s->bucket[b]);
    if (!ret)
        ret = sk_buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", s->name, l, *l ? "," : "",
                            s->count);
    if (!ret)
        ret = sk_buf_printf(out, "%s_sum%s%s%s %.17g\n%s_count%s%s%s %llu\n", s->name,
                            *l ? "{" : "", l, *l ? "}" : "", s->value, s->name, *l ? "{" : "", l,
                            *l ? "}" : "", s->count);
    return ret;
}

int metrics_render(struct sk_buf *out)
{
    int ret = 0;
    pthread_mutex_lock(&lock);
    /* Group by family: emit each name's HELP/TYPE once, then all its series. */
    for (size_t i = 0; i < nseries && !ret; i++) {
        bool first = true;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(series[j].name, series[i].name))
                first = false;
        if (!first)
            continue;
        const struct family *f = family_of(series[i].name);
        static const char *const kinds[] = {"counter", "gauge", "histogram"};
        if (f)
            ret = sk_buf_printf(out, "# HELP %s %s\n", f->name, f->help);
        if (!ret)
            ret = sk_buf_printf(out, "# TYPE %s %s\n", series[i].name,
                                f ? f->type : kinds[series[i].kind]);
        for (size_t j = i; j < nseries && !ret; j++)
            if (!strcmp(series[j].name, series[i].name))
                ret = render_series(out, &series[j]);
    }
    pthread_mutex_unlock(&lock);
    return ret;
}
