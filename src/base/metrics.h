/*
 * Metrics: a small process-wide registry of counters, gauges and
 * histograms, rendered in the Prometheus text format by GET /metrics.
 *
 * A series is a metric name plus a label string written the Prometheus way
 * (`endpoint="generate",status="200"`, or "" for none). Any module may
 * record; the registry is thread-safe. Label values must never carry
 * secrets (key names are fine, keys are not).
 */
#pragma once

#include "base/buf.h"

/* Add `v` to a counter (created at 0 on first use). */
void metrics_count(const char *name, const char *labels, double v);
/* Set a gauge. */
void metrics_gauge(const char *name, const char *labels, double v);
/* Record one observation (in seconds) into a latency histogram. */
void metrics_observe(const char *name, const char *labels, double seconds);

/* Help text for a metric family, shown as # HELP (optional). */
void metrics_describe(const char *name, const char *type, const char *help);

/* Append the whole registry in Prometheus text format (version 0.0.4). */
int metrics_render(struct sk_buf *out);

/* The value of one counter or gauge series (0 when absent); for tests. */
double metrics_value(const char *name, const char *labels);
