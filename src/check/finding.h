/*
 * The finding model: the one shape every checker (AST policy, each static
 * analyser, the secret scanner) reports in, and the section that collects a
 * checker's findings with its status and the tools that ran.
 *
 * JSON (the API contract):
 *   finding: {tool, rule, category, severity, line, column, message, cwe}
 *   section: {status: ok|unavailable|error, tools:[{name, version, ms}],
 *             findings:[...], error?}
 *
 * Fail closed: a section starts as `unavailable`; only a checker that ran
 * to completion sets it to `ok`.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum severity { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

enum check_status { CHECK_UNAVAILABLE, CHECK_OK, CHECK_ERROR };

struct finding {
    char *tool;     /* "ast-policy", "bandit", "eslint", ...; owned */
    char *rule;     /* the tool's rule id; owned */
    char *category; /* code_injection, process, network, ... (see DESIGN.md); owned */
    enum severity severity;
    int line;       /* 1-based; 0 when unknown */
    int column;     /* 1-based; 0 when unknown */
    char *message;  /* owned */
    char *cwe;      /* "CWE-95", or NULL when none fits; owned */
};

struct tool_run {
    char name[32];
    char version[32];
    double ms;
};

#define CHECK_MAX_TOOLS 4

struct check_section {
    enum check_status status;
    char *error;                          /* why unavailable/error; owned, may be NULL */
    struct tool_run tools[CHECK_MAX_TOOLS];
    size_t ntools;
    struct finding *findings;             /* owned array */
    size_t nfindings;
    size_t cap;
};

void check_section_init(struct check_section *s);
void check_section_close(struct check_section *s);

/* Append a finding; all strings are copied. `cwe` may be NULL. */
void check_section_add(struct check_section *s, const char *tool, const char *rule,
                       const char *category, enum severity sev, int line, int column,
                       const char *message, const char *cwe);

/* Record a tool that ran (at most CHECK_MAX_TOOLS; extra ones are dropped). */
void check_section_tool(struct check_section *s, const char *name, const char *version, double ms);

/* Mark the section unavailable or error with a reason (copied). */
void check_section_fail(struct check_section *s, enum check_status status, const char *why);

/* Move every finding and tool of `from` into `to`; `from` is left empty. */
void check_section_merge(struct check_section *to, struct check_section *from);

/* The highest severity in the section, or -1 when it has no findings. */
int check_section_max_severity(const struct check_section *s);

/* JSON for the section (a new reference). */
json_t *check_section_to_json(const struct check_section *s);

const char *severity_name(enum severity sev);
/* Parse "low|medium|high|critical"; returns -1 on anything else. */
int severity_parse(const char *name);
const char *check_status_name(enum check_status st);
