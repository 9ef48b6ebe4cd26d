/*
 * The analyser kinds and their adapters (private to src/check): what
 * program each worker runs, and how its reply line becomes findings in the
 * one finding shape. Each tool's rule ids are mapped to a category,
 * severity and CWE by a checked-in table (rules.c); rules missing from the
 * table fall back to the tool's own severity and category `other`.
 *
 * The reply is parsed as JSON and nothing else is trusted: no exit status,
 * no stderr. A parse error that the tool reports becomes a `syntax`
 * finding.
 */
#pragma once

#include <stddef.h>

#include "base/error.h"
#include "check/finding.h"

enum analyser_kind {
    AK_BANDIT,
    AK_ESLINT_JS,
    AK_ESLINT_TS,
    AK_TSC,
    AK_SOLHINT,
    AK_SOLC,
    AK_COUNT
};

enum analyser_runtime { RT_PYTHON, RT_NODE };

struct analyser_kind_info {
    const char *name;    /* the name in lang.h's analysers list: "eslint-ts" */
    const char *tool;    /* the finding's `tool`: "eslint" */
    enum analyser_runtime runtime;
    const char *program; /* file under workers/ */
    const char *arg;     /* extra argument after the program, or NULL */
};

const struct analyser_kind_info *analyser_kind_info(enum analyser_kind k);

/* The kind named `name` (lang.h's spelling), or -1. */
int analyser_kind_by_name(const char *name);

/* Findings kept per tool and request; past it one finding says so. */
#define ADAPTER_MAX_FINDINGS 500
/* Messages are cut to this many bytes. */
#define ADAPTER_MAX_MESSAGE 1000

/*
 * Parse the worker's answer to {"op":"ping"}: copy its version into
 * `version` (vlen bytes). Returns 0, or -EPROTO / -EREMOTEIO as below.
 */
int adapter_parse_ping(const char *line, size_t len, char *version, size_t vlen,
                       struct sk_err *err);

/*
 * Turn one reply line of a worker of kind `k` to {"op":"check"} into
 * findings appended to `out` (tool name from the kind). Returns 0 when the
 * tool ran (out's status is not touched); -EPROTO when the line is not a
 * valid reply (the worker is out of order); -EREMOTEIO when the worker said
 * {"ok":false,"error":…} (the tool failed on this input; err has why).
 */
int adapter_parse_check(enum analyser_kind k, const char *line, size_t len,
                        struct check_section *out, struct sk_err *err);

/* One row of a tool's rule table. */
struct rule_map {
    const char *rule;     /* the tool's rule id */
    const char *category; /* one of finding.h's categories */
    int severity;         /* enum severity, or RULE_DROP to discard the finding */
    const char *cwe;      /* "CWE-78", or NULL */
};

#define RULE_DROP (-1)

/* The row for `rule` in the table of kind `k`, or NULL. */
const struct rule_map *rule_map_find(enum analyser_kind k, const char *rule);
