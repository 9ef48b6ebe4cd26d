/*
 * The finding model (see finding.h).
 */
#include "config.h"

#include "check/finding.h"
#include "base/json.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sev_names[] = {"low", "medium", "high", "critical"};
static const char *const status_names[] = {"unavailable", "ok", "error"};

const char *severity_name(enum severity sev)
{
    return (unsigned)sev < ARRAY_SIZE(sev_names) ? sev_names[sev] : "low";
}

int severity_parse(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(sev_names); i++)
        if (strcmp(name, sev_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *check_status_name(enum check_status st)
{
    return (unsigned)st < ARRAY_SIZE(status_names) ? status_names[st] : "error";
}

void check_section_init(struct check_section *s)
{
    memset(s, 0, sizeof(*s));
    s->status = CHECK_UNAVAILABLE;
}

static void finding_close(struct finding *f)
{
    free(f->tool);
    free(f->rule);
    free(f->category);
    free(f->message);
    free(f->cwe);
}

void check_section_close(struct check_section *s)
{
    for (size_t i = 0; i < s->nfindings; i++)
        finding_close(&s->findings[i]);
    free(s->findings);
    free(s->error);
    memset(s, 0, sizeof(*s));
}

void check_section_add(struct check_section *s, const char *tool, const char *rule,
                       const char *category, enum severity sev, int line, int column,
                       const char *message, const char *cwe)
{
    if (s->nfindings == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->findings = xrealloc(s->findings, s->cap * sizeof(*s->findings));
    }
    struct finding *f = &s->findings[s->nfindings++];
    f->tool = xstrdup(tool);
    f->rule = xstrdup(rule);
    f->category = xstrdup(category);
    f->severity = sev;
    f->line = line;
    f->column = column;
    f->message = xstrdup(message);
    f->cwe = cwe && *cwe ? xstrdup(cwe) : NULL;
}

void check_section_tool(struct check_section *s, const char *name, const char *version, double ms)
{
    if (s->ntools >= CHECK_MAX_TOOLS)
        return;
    struct tool_run *t = &s->tools[s->ntools++];
    snprintf(t->name, sizeof(t->name), "%s", name);
    snprintf(t->version, sizeof(t->version), "%s", version ? version : "");
    t->ms = ms;
}

void check_section_fail(struct check_section *s, enum check_status status, const char *why)
{
    s->status = status;
    free(s->error);
    s->error = why ? xstrdup(why) : NULL;
}

void check_section_merge(struct check_section *to, struct check_section *from)
{
    for (size_t i = 0; i < from->nfindings; i++) {
        if (to->nfindings == to->cap) {
            to->cap = to->cap ? to->cap * 2 : 8;
            to->findings = xrealloc(to->findings, to->cap * sizeof(*to->findings));
        }
        to->findings[to->nfindings++] = from->findings[i];
    }
    from->nfindings = 0;
    for (size_t i = 0; i < from->ntools && to->ntools < CHECK_MAX_TOOLS; i++)
        to->tools[to->ntools++] = from->tools[i];
    from->ntools = 0;
}

int check_section_max_severity(const struct check_section *s)
{
    int max = -1;
    for (size_t i = 0; i < s->nfindings; i++)
        if ((int)s->findings[i].severity > max)
            max = (int)s->findings[i].severity;
    return max;
}

json_t *check_section_to_json(const struct check_section *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(check_status_name(s->status)));
    if (s->error)
        json_object_set_new(o, "error", sk_json_string_lossy(s->error, strlen(s->error)));
    json_t *tools = json_array();
    for (size_t i = 0; i < s->ntools; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "name", json_string(s->tools[i].name));
        json_object_set_new(t, "version", json_string(s->tools[i].version));
        json_object_set_new(t, "ms", json_real(s->tools[i].ms));
        json_array_append_new(tools, t);
    }
    json_object_set_new(o, "tools", tools);
    json_t *arr = json_array();
    for (size_t i = 0; i < s->nfindings; i++) {
        const struct finding *f = &s->findings[i];
        json_t *j = json_object();
        json_object_set_new(j, "tool", json_string(f->tool));
        json_object_set_new(j, "rule", sk_json_string_lossy(f->rule, strlen(f->rule)));
        json_object_set_new(j, "category", json_string(f->category));
        json_object_set_new(j, "severity", json_string(severity_name(f->severity)));
        json_object_set_new(j, "line", json_integer(f->line));
        json_object_set_new(j, "column", json_integer(f->column));
        json_object_set_new(j, "message", sk_json_string_lossy(f->message, strlen(f->message)));
        json_object_set_new(j, "cwe", f->cwe ? json_string(f->cwe) : json_null());
        json_array_append_new(arr, j);
    }
    json_object_set_new(o, "findings", arr);
    return o;
}
