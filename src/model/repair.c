/*
 * The repair engine (see repair.h): reading the error text for
 * diagnostics, offering each to the language's rules, collecting their
 * edits, and applying them in one answer. The rules themselves are in
 * repair-py.c, repair-js.c and repair-sol.c.
 */
#include "config.h"

#include "model/repair.h"
#include "model/repair-internal.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The explanation's cap: a few hundred fixes' worth. */
#define WHY_MAX (32 * 1024)

/* ====================================================================== */
/* Reading the error text                                                 */
/* ====================================================================== */

struct reader {
    struct rdiag *d;   /* where diagnostics go; not owned */
    size_t n;          /* entries */
    size_t max;        /* room */
    size_t first;      /* diagnostics before this index came from another part */
    int loc_line;      /* a location line waiting for its message (Python, Node) */
    int loc_col;       /* its column, 0 if none */
    long frame_for;    /* index of the diagnostic the next stack frame locates, or -1 */
    long esbuild_for;  /* index of the esbuild message waiting for its location, or -1 */
};

static bool starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* Parse a decimal number of at most 9 digits at *p; advance. -1 if none. */
static int number(const char **p, const char *end)
{
    const char *s = *p;
    long v = 0;
    int digits = 0;
    while (s < end && isdigit((unsigned char)*s) && digits < 9) {
        v = v * 10 + (*s - '0');
        s++;
        digits++;
    }
    if (digits == 0 || (s < end && isdigit((unsigned char)*s)))
        return -1;
    *p = s;
    return (int)v;
}

/* A file of the user's program, not of a runtime or a library. */
static bool user_file(const char *f, size_t n)
{
    static const char *const not_user[] = {"node:", "internal/", "node_modules", "/usr/",
                                           "site-packages", "<frozen", "/lib/python"};
    if (n == 0)
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(not_user); i++) {
        size_t k = strlen(not_user[i]);
        for (size_t j = 0; j + k <= n; j++)
            if (memcmp(f + j, not_user[i], k) == 0)
                return false;
    }
    return true;
}

/*
 * "FILE:L:C" at the end of s (a stack frame's location, an esbuild or solc
 * location). Fills *line and *col and returns true when it is one and FILE
 * is the user's.
 */
static bool file_line_col(const char *s, size_t n, int *line, int *col)
{
    while (n > 0 && (s[n - 1] == ')' || s[n - 1] == ':' || s[n - 1] == ' '))
        n--;
    size_t i = n;
    while (i > 0 && isdigit((unsigned char)s[i - 1]))
        i--;
    if (i == n || i == 0 || s[i - 1] != ':')
        return false;
    size_t cstart = i;
    i--;
    size_t lend = i;
    while (i > 0 && isdigit((unsigned char)s[i - 1]))
        i--;
    if (i == lend || i == 0 || s[i - 1] != ':')
        return false;
    const char *p = s + i;
    int l = number(&p, s + lend);
    p = s + cstart;
    int cl = number(&p, s + n);
    size_t fend = i - 1, fstart = fend;
    while (fstart > 0 && s[fstart - 1] != ' ' && s[fstart - 1] != '(')
        fstart--;
    if (l <= 0 || cl < 0 || !user_file(s + fstart, fend - fstart))
        return false;
    *line = l;
    *col = cl;
    return true;
}

static struct rdiag *add_diag(struct reader *r, int line, int col, const char *rule,
                              size_t rule_len, const char *msg, size_t msg_len)
{
    /* The same message at the same place, seen twice (the user's text and
     * the sandbox's reproduction): once is enough. Another part's message
     * of the same kind at another line is the user's older view: the
     * reproduction wins. */
    for (size_t i = 0; i < r->n; i++) {
        size_t k = strlen(r->d[i].msg);
        if (k == msg_len && memcmp(r->d[i].msg, msg, msg_len) == 0 &&
            (r->d[i].line == line || i < r->first || line == 0))
            return NULL;
    }
    if (r->n >= r->max)
        return NULL;
    struct rdiag *d = &r->d[r->n++];
    memset(d, 0, sizeof(*d));
    d->line = line;
    d->column = col;
    snprintf(d->rule, sizeof(d->rule), "%.*s", (int)rule_len, rule);
    snprintf(d->msg, sizeof(d->msg), "%.*s", (int)msg_len, msg);
    return d;
}

/* "line N: RULE (category, severity): message", the pipeline's findings. */
static bool finding_line(struct reader *r, const char *s, size_t n)
{
    const char *end = s + n, *p = s + 5;
    if (!starts(s, n, "line "))
        return false;
    int line = number(&p, end);
    if (line < 0 || !starts(p, (size_t)(end - p), ": "))
        return false;
    p += 2;
    const char *rule = p;
    while (p < end && *p != ' ')
        p++;
    size_t rule_len = (size_t)(p - rule);
    if (rule_len == 0 || !starts(p, (size_t)(end - p), " ("))
        return false;
    const char *close = memchr(p, ')', (size_t)(end - p));
    if (!close || !starts(close, (size_t)(end - close), "): "))
        return false;
    const char *msg = close + 3;
    add_diag(r, line, 0, rule, rule_len, msg, (size_t)(end - msg));
    return true;
}

/* tsc's own format: "main.ts(4,1): error TS1005: '}' expected." */
static bool tsc_line(struct reader *r, const char *s, size_t n)
{
    const char *end = s + n;
    const char *open = memchr(s, '(', n);
    if (!open)
        return false;
    const char *p = open + 1;
    int line = number(&p, end);
    if (line < 0 || p >= end || *p != ',')
        return false;
    p++;
    int col = number(&p, end);
    if (col < 0 || !starts(p, (size_t)(end - p), "): error TS"))
        return false;
    p += 9;
    const char *rule = p;
    while (p < end && *p != ':')
        p++;
    if (!starts(p, (size_t)(end - p), ": "))
        return false;
    add_diag(r, line, col, rule, (size_t)(p - rule), p + 2, (size_t)(end - p - 2));
    return true;
}

/* `  File "X", line N` (Python): the location of what follows. */
static bool python_frame(struct reader *r, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end && *s == ' ')
        s++;
    if (!starts(s, (size_t)(end - s), "File \""))
        return false;
    const char *f = s + 6;
    const char *q = memchr(f, '"', (size_t)(end - f));
    if (!q || !starts(q, (size_t)(end - q), "\", line "))
        return false;
    const char *p = q + 8;
    int line = number(&p, end);
    if (line < 0)
        return true;
    /* The innermost frame of the user's code is where the error is. */
    if (user_file(f, (size_t)(q - f))) {
        r->loc_line = line;
        r->loc_col = 0;
    }
    return true;
}

/* Node's first line, "/work/main.js:4", and its stack frames, "at ... (F:L:C)". */
static bool node_location(struct reader *r, const char *s, size_t n)
{
    const char *t = s;
    const char *end = s + n;
    while (t < end && *t == ' ')
        t++;
    if (starts(t, (size_t)(end - t), "at ")) {
        int line, col;
        if (r->frame_for >= 0 && file_line_col(t, (size_t)(end - t), &line, &col)) {
            r->d[r->frame_for].line = line;
            r->d[r->frame_for].column = col;
            r->frame_for = -1;
        }
        return true;
    }
    if (t != s || n < 4)
        return false;
    size_t i = n;
    while (i > 0 && isdigit((unsigned char)s[i - 1]))
        i--;
    if (i == n || i < 4 || s[i - 1] != ':' || memchr(s, ' ', i))
        return false;
    static const char *const exts[] = {".js", ".ts", ".mjs", ".cjs"};
    bool js = false;
    for (size_t k = 0; k < ARRAY_SIZE(exts); k++) {
        size_t e = strlen(exts[k]);
        js |= i - 1 >= e && memcmp(s + i - 1 - e, exts[k], e) == 0;
    }
    if (!js)
        return false;
    const char *p = s + i;
    r->loc_line = number(&p, end);
    r->loc_col = 0;
    return true;
}

/* esbuild: "✘ [ERROR] message", then "    main.ts:4:0:" (0-based column). */
static bool esbuild_line(struct reader *r, const char *s, size_t n)
{
    const char *tag = NULL;
    for (size_t i = 0; i + 8 <= n && i < 16; i++)
        if (memcmp(s + i, "[ERROR] ", 8) == 0) {
            tag = s + i + 8;
            break;
        }
    if (tag) {
        struct rdiag *d = add_diag(r, 0, 0, "", 0, tag, (size_t)(s + n - tag));
        r->esbuild_for = d ? (long)(d - r->d) : -1;
        return true;
    }
    if (r->esbuild_for < 0 || n == 0 || s[0] != ' ')
        return false;
    int line, col;
    if (!file_line_col(s, n, &line, &col))
        return false;
    r->d[r->esbuild_for].line = line;
    r->d[r->esbuild_for].column = col + 1;
    r->esbuild_for = -1;
    return true;
}

/* solc: " --> main.sol:7:5:" after its message. */
static bool solc_location(struct reader *r, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end && *s == ' ')
        s++;
    if (!starts(s, (size_t)(end - s), "--> "))
        return false;
    int line, col;
    if (r->n > r->first && r->d[r->n - 1].line == 0 &&
        file_line_col(s + 4, (size_t)(end - s - 4), &line, &col)) {
        r->d[r->n - 1].line = line;
        r->d[r->n - 1].column = col;
    }
    return true;
}

/*
 * "NameError: name 'x' is not defined", "ReferenceError: ...",
 * "ParserError: ...", "Warning: ...", "Uncaught TypeError: ...": a word
 * ending in Error, Exception or Warning (or exactly Error or Warning) and
 * ": ". The pending location, if any, is its line.
 */
static bool error_line(struct reader *r, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (starts(s, (size_t)(end - s), "Uncaught "))
        s += 9;
    const char *w = s;
    while (s < end && (isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
        s++;
    size_t wl = (size_t)(s - w);
    static const char *const tails[] = {"Error", "Exception", "Warning"};
    bool word = false;
    for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
        size_t k = strlen(tails[i]);
        word |= wl >= k && memcmp(s - k, tails[i], k) == 0;
    }
    if (!word || !isalpha((unsigned char)*w) || !starts(s, (size_t)(end - s), ": "))
        return false;
    struct rdiag *d = add_diag(r, r->loc_line, r->loc_col, "", 0, w, (size_t)(end - w));
    r->loc_line = r->loc_col = 0;
    r->frame_for = d ? (long)(d - r->d) : -1;
    return true;
}

static void read_part(struct reader *r, const char *text, size_t len)
{
    r->loc_line = r->loc_col = 0;
    r->frame_for = r->esbuild_for = -1;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        (void)(finding_line(r, p, n) || python_frame(r, p, n) || esbuild_line(r, p, n) ||
               node_location(r, p, n) || solc_location(r, p, n) || tsc_line(r, p, n) ||
               error_line(r, p, n));
        p = nl ? nl + 1 : end;
    }
}

/*
 * The diagnostics of an error text. The sandbox's reproduction, when the
 * pipeline appended one, is read first: it is the real error, with lines
 * that match the code; the user's text adds what it does not say.
 */
static size_t read_diags(const char *text, size_t len, struct rdiag *d, size_t max)
{
    static const char marker[] = "\n\nReproduced in the sandbox:\n";
    struct reader r = {.d = d, .max = max};
    if (len > REPAIR_MAX_ERROR_BYTES)
        len = REPAIR_MAX_ERROR_BYTES;
    const char *m = NULL;
    for (size_t i = 0; i + sizeof(marker) - 1 <= len; i++)
        if (memcmp(text + i, marker, sizeof(marker) - 1) == 0) {
            m = text + i;
            break;
        }
    if (m) {
        size_t skip = sizeof(marker) - 1;
        read_part(&r, m + skip, len - (size_t)(m - text) - skip);
        r.first = r.n;
        read_part(&r, text, (size_t)(m - text));
    } else {
        read_part(&r, text, len);
    }
    return r.n;
}

/* ====================================================================== */
/* Diagnostics                                                            */
/* ====================================================================== */

bool diag_rule_in(const struct rdiag *d, const char *const *rules)
{
    for (size_t i = 0; d->rule[0] && rules[i]; i++)
        if (strcmp(d->rule, rules[i]) == 0)
            return true;
    return false;
}

bool diag_has(const struct rdiag *d, const char *text)
{
    return strstr(d->msg, text) != NULL;
}

size_t diag_quoted(const struct rdiag *d, const char *after, char *name, size_t size)
{
    const char *p = strstr(d->msg, after);
    if (!p)
        return 0;
    p += strlen(after);
    char q = *p;
    if (q != '\'' && q != '"')
        return 0;
    p++;
    const char *e = strchr(p, q);
    if (!e || e == p || (size_t)(e - p) >= size)
        return 0;
    for (const char *s = p; s < e; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$' || (unsigned char)*s >= 0x80))
            return 0;
    if (isdigit((unsigned char)*p))
        return 0;
    memcpy(name, p, (size_t)(e - p));
    name[e - p] = '\0';
    return (size_t)(e - p);
}

/* ====================================================================== */
/* Lines and tokens                                                       */
/* ====================================================================== */

size_t line_start(const struct rctx *c, int line)
{
    if (line < 1)
        return 0;
    if ((size_t)line > c->nlines)
        return c->len;
    return c->lines[line - 1];
}

size_t line_end(const struct rctx *c, int line)
{
    size_t s = line_start(c, line);
    const char *nl = memchr(c->src + s, '\n', c->len - s);
    return nl ? (size_t)(nl - c->src) : c->len;
}

size_t line_ws(const struct rctx *c, int line)
{
    size_t s = line_start(c, line), e = line_end(c, line), i = s;
    while (i < e && (c->src[i] == ' ' || c->src[i] == '\t'))
        i++;
    return i - s;
}

unsigned line_cols(const struct rctx *c, int line)
{
    size_t s = line_start(c, line), n = line_ws(c, line);
    unsigned col = 0;
    for (size_t i = 0; i < n; i++)
        col = c->src[s + i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
    return col;
}

bool line_blank(const struct rctx *c, int line)
{
    size_t s = line_start(c, line), e = line_end(c, line);
    for (size_t i = s; i < e; i++)
        if (!isspace((unsigned char)c->src[i]))
            return false;
    return true;
}

int line_of(const struct rctx *c, size_t off)
{
    size_t lo = 0, hi = c->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo + 1;
}

/* Index of the last token starting before `off`, or SIZE_MAX. */
static size_t tok_before(const struct rctx *c, size_t off)
{
    size_t lo = 0, hi = c->lx.ntoks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->lx.toks[mid].start < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : lo - 1;
}

bool line_in_token(const struct rctx *c, int line)
{
    size_t s = line_start(c, line);
    size_t t = tok_before(c, s);
    return t != SIZE_MAX && c->lx.toks[t].start + c->lx.toks[t].len > s;
}

size_t tok_on_line(const struct rctx *c, int line)
{
    size_t t = tok_before(c, line_start(c, line));
    t = t == SIZE_MAX ? 0 : t + 1;
    if (t < c->lx.ntoks && c->lx.toks[t].line == (unsigned)line)
        return t;
    return SIZE_MAX;
}

bool tok_in(const struct rctx *c, size_t i, const char *const *words)
{
    if (i >= c->lx.ntoks)
        return false;
    char first = c->src[c->lx.toks[i].start];
    for (size_t k = 0; words[k]; k++)
        if (words[k][0] == first && tok_is(c, i, words[k]))
            return true;
    return false;
}

size_t tok_prev(const struct rctx *c, size_t i)
{
    if (i > c->lx.ntoks)
        i = c->lx.ntoks;
    while (i-- > 0)
        if (lex_tok_significant(&c->lx.toks[i]))
            return i;
    return SIZE_MAX;
}

size_t tok_next(const struct rctx *c, size_t i)
{
    for (i++; i < c->lx.ntoks; i++)
        if (lex_tok_significant(&c->lx.toks[i]))
            return i;
    return SIZE_MAX;
}

size_t tok_end(const struct rctx *c, size_t i)
{
    return c->lx.toks[i].start + c->lx.toks[i].len;
}

void tok_copy(const struct rctx *c, size_t i, char *buf, size_t size)
{
    size_t n = c->lx.toks[i].len < size - 1 ? c->lx.toks[i].len : size - 1;
    memcpy(buf, c->src + c->lx.toks[i].start, n);
    buf[n] = '\0';
}

bool tok_ident(const struct rctx *c, size_t i, const char *name, size_t len)
{
    return i < c->lx.ntoks && c->lx.toks[i].kind == LEX_IDENT && c->lx.toks[i].len == len &&
           memcmp(c->src + c->lx.toks[i].start, name, len) == 0;
}

size_t tok_of_diag(const struct rctx *c, const struct rdiag *d, const char *name,
                   bool (*is_use)(const struct rctx *c, size_t i, const char *name, size_t len))
{
    size_t len = strlen(name), first = SIZE_MAX;
    for (size_t i = 0; i < c->lx.ntoks; i++) {
        if (!is_use(c, i, name, len))
            continue;
        if (d->line > 0 && c->lx.toks[i].line == (unsigned)d->line)
            return i;
        if (first == SIZE_MAX)
            first = i;
    }
    return first;
}

int fix_misspelt_name(struct rctx *c, size_t at, const char *name, const char *fix,
                      const char *rule,
                      bool (*is_use)(const struct rctx *c, size_t i, const char *name, size_t len))
{
    size_t len = strlen(name);
    int n = 0;
    for (size_t i = 0; i < c->lx.ntoks; i++)
        if (is_use(c, i, name, len)) {
            fix_edit(c, c->lx.toks[i].start, c->lx.toks[i].len, fix);
            n++;
        }
    if (n == 0)
        return 0;
    return fix_commit(c, (int)c->lx.toks[at].line, rule,
                      "'%s' is not defined: replaced it with '%s', the closest name in scope "
                      "(%d place%s)",
                      name, fix, n, n == 1 ? "" : "s");
}

/* ====================================================================== */
/* Fixes                                                                  */
/* ====================================================================== */

void fix_begin(struct rctx *c)
{
    c->pending = c->nedits;
}

void fix_edit(struct rctx *c, size_t at, size_t del, const char *text)
{
    if (c->nedits == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->edits = xrealloc(c->edits, c->cap * sizeof(*c->edits));
    }
    c->edits[c->nedits++] = (struct redit){
        .at = at, .del = del, .text = xstrdup(text ? text : ""), .seq = c->seq++};
}

int fix_abort(struct rctx *c)
{
    for (size_t i = c->pending; i < c->nedits; i++)
        free(c->edits[i].text);
    c->nedits = c->pending;
    return 0;
}

static bool same_edit(const struct redit *a, const struct redit *b)
{
    return a->at == b->at && a->del == b->del && strcmp(a->text, b->text) == 0;
}

/* Two edits touch the same bytes, or one inserts inside what the other
 * removes. Insertions at one point do not conflict: they keep their order. */
static bool overlap(const struct redit *a, const struct redit *b)
{
    if (a->del == 0 && b->del == 0)
        return false;
    if (a->del == 0)
        return a->at > b->at && a->at < b->at + b->del;
    if (b->del == 0)
        return b->at > a->at && b->at < a->at + a->del;
    return a->at < b->at + b->del && b->at < a->at + a->del;
}

int fix_commit(struct rctx *c, int line, const char *rule, const char *fmt, ...)
{
    /* The same edit proposed again (one finding from two tools) is kept once. */
    size_t kept = c->pending;
    bool conflict = false;
    for (size_t i = c->pending; i < c->nedits; i++) {
        bool dup = false;
        for (size_t j = 0; j < c->pending && !dup; j++) {
            if (same_edit(&c->edits[i], &c->edits[j]))
                dup = true;
            else if (overlap(&c->edits[i], &c->edits[j]))
                conflict = true;
        }
        if (dup)
            free(c->edits[i].text);
        else
            c->edits[kept++] = c->edits[i];
    }
    c->nedits = kept;
    if (conflict)
        return fix_abort(c);
    if (kept == c->pending)
        return 1;
    c->fixes++;
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    (void)sk_buf_printf(&c->why, "- line %d (%s): %s\n", line, rule, msg);
    c->pending = c->nedits;
    return 1;
}

static int edit_cmp(const void *pa, const void *pb)
{
    const struct redit *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    /* At one offset: insertions first, in creation order, then the removal. */
    if ((a->del == 0) != (b->del == 0))
        return a->del == 0 ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Apply edits[0..n) (any order) to the code; NULL past the size cap. */
static char *apply(const struct rctx *c, size_t n, size_t *out_len)
{
    struct redit *e = xmalloc((n ? n : 1) * sizeof(*e));
    if (n > 0) {
        memcpy(e, c->edits, n * sizeof(*e));
        qsort(e, n, sizeof(*e), edit_cmp);
    }
    struct sk_buf b;
    sk_buf_init(&b, c->len + REPAIR_MAX_ADDED_BYTES);
    size_t pos = 0;
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        if (e[i].at < pos)
            continue; /* cannot happen: commits reject overlaps */
        ret = sk_buf_append(&b, c->src + pos, e[i].at - pos);
        if (ret == 0)
            ret = sk_buf_puts(&b, e[i].text);
        pos = e[i].at + e[i].del;
    }
    if (ret == 0)
        ret = sk_buf_append(&b, c->src + pos, c->len - pos);
    free(e);
    if (ret < 0) {
        sk_buf_close(&b);
        return NULL;
    }
    *out_len = b.len;
    char *s = sk_buf_steal(&b);
    return s ? s : xstrdup("");
}

char *fix_preview(struct rctx *c, size_t *len)
{
    return apply(c, c->nedits, len);
}

static size_t imbalance_of(const struct lex *lx)
{
    return lx->nopen + (size_t)lx->unmatched +
           (lx->eof != LEX_EOF_CLEAN && lx->eof != LEX_EOF_LINE_COMMENT);
}

size_t repair_imbalance(const struct lang *lang, const char *s, size_t len)
{
    struct lex lx;
    struct sk_err err;
    if (lex_run(lang, s, len, &lx, &err) < 0)
        return SIZE_MAX;
    size_t n = imbalance_of(&lx);
    lex_close(&lx);
    return n;
}

/* ====================================================================== */
/* Names                                                                  */
/* ====================================================================== */

#define NAME_SLOTS (2 * REPAIR_MAX_NAMES) /* a power of two, at most half full */

static uint32_t name_hash(const char *s, size_t len, size_t from, size_t to)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h ^ (uint32_t)(from * 2654435761u) ^ (uint32_t)(to * 40503u);
}

void rnames_add(struct rnames *ns, const char *s, size_t len, size_t from, size_t to)
{
    if (len == 0)
        return;
    if (len >= SIG_NAME_MAX) {
        ns->truncated = true;
        return;
    }
    /* The same binding again (a loop variable reused in one scope): once. */
    if (!ns->slots)
        ns->slots = xcalloc(NAME_SLOTS, sizeof(*ns->slots));
    uint32_t h = name_hash(s, len, from, to) & (NAME_SLOTS - 1);
    for (;; h = (h + 1) & (NAME_SLOTS - 1)) {
        uint32_t e = ns->slots[h];
        if (e == 0)
            break;
        const struct rname *r = &ns->v[e - 1];
        if (r->from == from && r->to == to && strncmp(r->name, s, len) == 0 && r->name[len] == 0)
            return;
    }
    if (ns->n >= REPAIR_MAX_NAMES) {
        ns->truncated = true;
        return;
    }
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 64;
        ns->v = xrealloc(ns->v, ns->cap * sizeof(*ns->v));
    }
    struct rname *r = &ns->v[ns->n++];
    memcpy(r->name, s, len);
    r->name[len] = '\0';
    r->from = from;
    r->to = to;
    ns->slots[h] = (uint32_t)ns->n;
}

void rnames_close(struct rnames *ns)
{
    free(ns->v);
    free(ns->slots);
    memset(ns, 0, sizeof(*ns));
}

bool rnames_has(const struct rnames *ns, const char *s, size_t len)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strlen(ns->v[i].name) == len && memcmp(ns->v[i].name, s, len) == 0)
            return true;
    return false;
}

int repair_distance(const char *a, size_t alen, const char *b, size_t blen, int max)
{
    enum { N = 64 };
    if (alen > N || blen > N)
        return max + 1;
    int la = (int)alen, lb = (int)blen;
    if (max < 0 || abs(la - lb) > max)
        return max + 1;
    /* Three rows of the optimal-string-alignment table, each computed only
     * within `max` of its diagonal (cells beyond cannot be within bound):
     * O(len * max), not O(len^2). */
    const int inf = max + 1;
    int rows[3][N + 2];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (int j = 0; j <= lb + 1; j++)
        prev[j] = pp[j] = cur[j] = j <= max ? j : inf;
    for (int i = 1; i <= la; i++) {
        int lo = i - max > 1 ? i - max : 1, hi = i + max < lb ? i + max : lb;
        cur[0] = i <= max ? i : inf;
        if (lo > 1)
            cur[lo - 1] = inf;
        int best = lo > 1 ? inf : cur[0];
        for (int j = lo; j <= hi; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v < inf ? v : inf;
            if (v < best)
                best = v;
        }
        if (hi + 1 <= lb)
            cur[hi + 1] = inf;
        if (best > max)
            return max + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > max ? max + 1 : prev[lb];
}

/* Offer one candidate to the search in closest_name(). */
static void consider(const char *wrong, size_t wl, const char *cand, int max, int *best,
                     char *found, bool *tie)
{
    size_t cl = strlen(cand);
    if (cl == wl && memcmp(cand, wrong, wl) == 0)
        return;
    int d = repair_distance(wrong, wl, cand, cl, max);
    if (d > max || d > *best)
        return;
    if (d < *best) {
        *best = d;
        snprintf(found, SIG_NAME_MAX, "%s", cand);
        *tie = false;
    } else if (strcmp(found, cand) != 0) {
        *tie = true;
    }
}

int closest_name(const struct rnames *ns, const char *const *builtins, size_t at,
                 const char *wrong, char *out)
{
    size_t wl = strlen(wrong);
    if (wl < 3 || wl >= SIG_NAME_MAX || ns->truncated)
        return 0;
    /* Short names have many neighbours: allow less the shorter the name. */
    int max = wl <= 5 ? 1 : wl <= 9 ? 2 : 3;
    int best = max + 1;
    bool tie = false;
    char found[SIG_NAME_MAX] = "";
    for (size_t i = 0; i < ns->n; i++)
        if (at >= ns->v[i].from && at < ns->v[i].to)
            consider(wrong, wl, ns->v[i].name, max, &best, found, &tie);
    for (size_t i = 0; builtins && builtins[i]; i++)
        consider(wrong, wl, builtins[i], max, &best, found, &tie);
    if (best > max || tie)
        return 0;
    snprintf(out, SIG_NAME_MAX, "%s", found);
    return 1;
}

bool reserve_name(struct rctx *c, size_t scope, size_t site, const char *const *choices,
                  char *out)
{
    for (size_t i = 0; i < c->nreserved; i++)
        if (c->reserved_site[i] == site) {
            snprintf(out, SIG_NAME_MAX, "%s", c->reserved[i]);
            return true;
        }
    /* Which choices the code spells anywhere: one pass, once per request. */
    if (c->taken_for != choices) {
        c->taken = 0;
        for (size_t i = 0; i < c->lx.ntoks; i++)
            for (size_t k = 0; choices[k] && k < 32; k++)
                if (tok_ident(c, i, choices[k], strlen(choices[k])))
                    c->taken |= 1u << k;
        c->taken_for = choices;
    }
    for (size_t k = 0; choices[k] && k < 32; k++) {
        const char *name = choices[k];
        bool taken = c->taken & (1u << k);
        for (size_t i = 0; i < c->nreserved && !taken; i++)
            taken = c->reserved_scope[i] == scope && strcmp(c->reserved[i], name) == 0;
        if (taken)
            continue;
        if (c->nreserved < REPAIR_MAX_RESERVED) {
            snprintf(c->reserved[c->nreserved], SIG_NAME_MAX, "%s", name);
            c->reserved_scope[c->nreserved] = scope;
            c->reserved_site[c->nreserved++] = site;
        }
        snprintf(out, SIG_NAME_MAX, "%s", name);
        return true;
    }
    return false;
}

/* ====================================================================== */
/* The engine                                                             */
/* ====================================================================== */

static const repair_rule_fn *rules_of(const struct lang *lang)
{
    switch (lang->id) {
    case LANG_PYTHON:
        return repair_rules_python;
    case LANG_JAVASCRIPT:
    case LANG_TYPESCRIPT:
        return repair_rules_ecma;
    case LANG_SOLIDITY:
        return repair_rules_solidity;
    default:
        return NULL;
    }
}

/*
 * Python's logical lines, once: for each token the first significant token
 * and the NEWLINE of its logical line. The rules look these up for every
 * token; walking to find them each time would be quadratic on one long line.
 */
static void python_lines(struct rctx *c)
{
    size_t nt = c->lx.ntoks, start = 0;
    c->py_first = xmalloc((nt ? nt : 1) * sizeof(size_t));
    c->py_newline = xmalloc((nt ? nt : 1) * sizeof(size_t));
    for (size_t i = 0; i <= nt; i++) {
        if (i < nt && c->lx.toks[i].kind != LEX_NEWLINE)
            continue;
        size_t first = start;
        while (first < i && c->lx.toks[first].kind == LEX_COMMENT)
            first++;
        for (size_t k = start; k < i || (k == i && i < nt); k++) {
            c->py_first[k] = first;
            c->py_newline[k] = i;
        }
        start = i + 1;
    }
    /* Where each statement's block ends: the next statement start indented
     * no deeper, by a monotonic stack from the end. */
    c->py_dedent = xmalloc((nt ? nt : 1) * sizeof(size_t));
    size_t *stack = xmalloc((nt ? nt : 1) * sizeof(size_t));
    size_t top = 0;
    for (size_t i = nt; i-- > 0;) {
        c->py_dedent[i] = nt;
        if (!lex_tok_significant(&c->lx.toks[i]) || c->py_first[i] != i)
            continue;
        while (top > 0 && c->lx.toks[stack[top - 1]].indent > c->lx.toks[i].indent)
            top--;
        c->py_dedent[i] = top > 0 ? stack[top - 1] : nt;
        stack[top++] = i;
    }
    free(stack);
}

static void ctx_close(struct rctx *c)
{
    free(c->py_first);
    free(c->py_newline);
    free(c->py_dedent);
    rnames_close(&c->bound);
    lex_close(&c->lx);
    free(c->lines);
    for (size_t i = 0; i < c->nedits; i++)
        free(c->edits[i].text);
    free(c->edits);
    sk_buf_close(&c->why);
}

/* What was seen, for the -ENOENT message: the first diagnostic, shortened. */
static void seen(const struct rdiag *d, size_t n, char *buf, size_t size)
{
    if (n == 0) {
        snprintf(buf, size, "no error or finding could be read from the error text");
        return;
    }
    int k = snprintf(buf, size, "%s%s%.160s", d[0].rule, d[0].rule[0] ? ": " : "", d[0].msg);
    if (n > 1 && k > 0 && (size_t)k < size)
        snprintf(buf + k, size - (size_t)k, " (and %zu more)", n - 1);
}

int repair_code(const struct lang *lang, const char *code, size_t len, const char *errors,
                size_t errors_len, struct repair *out, struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    const repair_rule_fn *rules = rules_of(lang);
    if (!rules)
        return sk_err_msg(err, ENOENT, "no repair rules for %s", lang->name);
    struct rdiag *diags = xcalloc(REPAIR_MAX_DIAGS, sizeof(*diags));
    size_t nd = errors ? read_diags(errors, errors_len, diags, REPAIR_MAX_DIAGS) : 0;

    struct rctx c = {.lang = lang, .src = code, .len = len, .diags = diags, .ndiags = nd};
    sk_buf_init(&c.why, WHY_MAX);
    int ret = lex_run(lang, code, len, &c.lx, err);
    if (ret < 0) {
        free(diags);
        sk_buf_close(&c.why);
        return ret;
    }
    if (lang->id == LANG_PYTHON)
        python_lines(&c);
    size_t cap = 64;
    c.lines = xmalloc(cap * sizeof(*c.lines));
    c.lines[c.nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (code[i] == '\n' && i + 1 < len) {
            if (c.nlines == cap) {
                cap *= 2;
                c.lines = xrealloc(c.lines, cap * sizeof(*c.lines));
            }
            c.lines[c.nlines++] = i + 1;
        }

    for (size_t i = 0; i < nd; i++)
        for (size_t r = 0; rules[r]; r++) {
            fix_begin(&c);
            int applied = rules[r](&c, &diags[i]);
            if (c.nedits > c.pending)
                fix_abort(&c); /* a rule that returned without committing */
            if (applied)
                break;
        }
    if (lang->id == LANG_SOLIDITY) {
        fix_begin(&c);
        repair_sol_companions(&c);
        if (c.nedits > c.pending)
            fix_abort(&c);
    }

    if (c.fixes == 0) {
        char what[320];
        seen(diags, nd, what, sizeof(what));
        ret = sk_err_msg(err, ENOENT,
                         "the offline model has no rule-based repair for this (%s); configure "
                         "a model endpoint (see README: model.provider = openai)",
                         what);
        goto out;
    }
    size_t n;
    char *fixed = apply(&c, c.nedits, &n);
    if (!fixed) {
        ret = sk_err_msg(err, E2BIG, "the repair would add more than %d bytes",
                         REPAIR_MAX_ADDED_BYTES);
        goto out;
    }
    /* A last look: no repair may leave more open than it found. */
    if (repair_imbalance(lang, fixed, n) > imbalance_of(&c.lx)) {
        free(fixed);
        ret = sk_err_msg(err, ENOENT, "the offline repair was withdrawn: it left brackets, "
                                      "strings or comments open");
        goto out;
    }
    out->code = fixed;
    out->len = n;
    out->fixes = c.fixes;
    size_t wl = c.why.len;
    while (wl > 0 && sk_buf_str(&c.why)[wl - 1] == '\n')
        wl--;
    out->explanation = xasprintf("Offline repair (rule-based), %d change%s:\n%.*s", c.fixes,
                                 c.fixes == 1 ? "" : "s", (int)wl, sk_buf_str(&c.why));
    ret = 0;
out:
    ctx_close(&c);
    free(diags);
    return ret;
}

void repair_close(struct repair *r)
{
    free(r->code);
    free(r->explanation);
    memset(r, 0, sizeof(*r));
}
