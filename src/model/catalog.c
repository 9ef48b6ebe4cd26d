/*
 * The offline catalogue: loading task files, and BM25 retrieval (see
 * catalog.h).
 */
#include "config.h"

#include "model/catalog.h"
#include "model/lex.h"
#include "model/sig.h"
#include "base/buf.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* BM25 parameters: the usual ones. */
#define BM25_K1 1.2
#define BM25_B 0.75

struct lang_index {
    struct catalog_task *tasks;      /* owned; sorted by id */
    size_t ntasks;                   /* entries */
    char (*vocab)[CATALOG_TERM_MAX]; /* every term of every task, sorted; owned */
    unsigned *df;                    /* tasks holding each vocab term; owned */
    size_t nvocab;                   /* entries in vocab and df */
    double avgdl;                    /* mean task length in words */
};

struct catalog {
    struct lang_index langs[LANG_COUNT]; /* one index per language */
};

/* ------------------------------------------------------------------------ */
/* Terms                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Words that say nothing about which task is meant: English function words,
 * the verbs and nouns of asking for code ("write a function that ..."), and
 * the language names (the language is a separate field of the request, and
 * only its tasks are searched). Sorted, for bsearch.
 */
// clang-format off
static const char *const stop_words[] = {
    "a", "able", "about", "above", "accept", "accepts", "after", "again", "algorithm", "all",
    "also", "am", "an", "and", "another", "any", "anything", "app", "application", "are",
    "around", "as", "at", "avoid", "basic", "be", "been", "before", "being", "best", "between",
    "build", "but", "by", "calculate", "calculates", "calculating", "can", "code", "coding",
    "compute", "computes", "computing", "could", "create", "creates", "creating", "custom",
    "define", "demo", "demonstrate", "determine", "did", "do", "does", "doing", "don", "done",
    "each", "easy", "etc", "example", "examples", "for", "from", "func", "function",
    "functions", "generate", "get", "gets", "gimme", "give", "given", "go", "good", "had",
    "has", "have", "having", "he", "help", "helper", "her", "here", "him", "his", "how", "i",
    "if", "implement", "implementation", "implementing", "implements", "in", "inside", "into",
    "is", "it", "its", "javascript", "js", "just", "kindly", "let", "lets", "like", "make",
    "makes", "making", "may", "me", "method", "might", "mine", "module", "must", "my", "need",
    "needs", "new", "node", "nodejs", "of", "on", "one", "or", "our", "out", "please", "pls",
    "plz", "prevent", "problem", "program", "programme", "programming", "programs", "py",
    "python", "python3", "quickly", "return", "returning", "returns", "routine", "script",
    "shall", "she", "short", "should", "show", "simple", "small", "smart", "snippet", "so",
    "sol", "solidity", "some", "someone", "something", "such", "sure", "take", "takes", "tell",
    "than", "thank", "thanks", "that", "the", "their", "them", "then", "there", "these", "they",
    "thing", "things", "this", "those", "to", "ts", "turn", "turns", "typescript", "until",
    "up", "us", "use", "used", "uses", "using", "utility", "very", "via", "wanna", "want",
    "was", "way", "we", "were", "what", "when", "where", "whether", "which", "while", "who",
    "whose", "why", "will", "with", "without", "would", "write", "writes", "writing", "you",
    "your",
};
// clang-format on

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_stop_word(const char *w)
{
    return bsearch(&w, stop_words, ARRAY_SIZE(stop_words), sizeof(stop_words[0]), cmp_str) != NULL;
}

static bool ends(const char *w, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(w + n - m, suffix, m) == 0;
}

static bool vowel(char c)
{
    return strchr("aeiouy", c) != NULL;
}

/*
 * Light stemming, the same for tasks and prompts so that only consistency
 * matters: plurals, then -ing/-ed, then a final e ("reverse", "reverses",
 * "reversed", "reversing" all become "revers"; "sorting" and "sorted"
 * become "sort").
 */
static void stem(char *w)
{
    /* Agent nouns that name the task's verb: "anagram checker". */
    static const char *const agents[][2] = {
        {"checker", "check"}, {"converter", "convert"}, {"counter", "count"},
        {"finder", "find"},   {"parser", "pars"},       {"reverser", "revers"},
        {"sorter", "sort"},   {"validator", "validat"}, {"generator", "generat"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(agents); i++)
        if (!strcmp(w, agents[i][0]) || (!strncmp(w, agents[i][0], strlen(agents[i][0])) &&
                                         !strcmp(w + strlen(agents[i][0]), "s"))) {
            strcpy(w, agents[i][1]);
            return;
        }
    size_t n = strlen(w);
    if (n <= 3)
        return;
    /* Adverbs: "securely" is "secure", "deeply" is "deep". */
    if (ends(w, n, "ly") && n - 2 >= 4)
        w[n - 2] = '\0', n -= 2;
    if (ends(w, n, "ies") && n > 4)
        strcpy(w + n - 3, "y"), n -= 2;
    else if (ends(w, n, "sses"))
        w[n - 2] = '\0', n -= 2;
    else if (ends(w, n, "s") && !ends(w, n, "ss") && !ends(w, n, "us") && !ends(w, n, "is"))
        w[--n] = '\0';
    bool cut = false;
    if (ends(w, n, "ing") && n - 3 >= 3)
        w[n - 3] = '\0', n -= 3, cut = true;
    else if (ends(w, n, "ed") && n - 2 >= 3)
        w[n - 2] = '\0', n -= 2, cut = true;
    /* "swapping" -> "swapp" -> "swap"; but "call" and "pass" keep theirs. */
    if (cut && n >= 3 && w[n - 1] == w[n - 2] && !vowel(w[n - 1]) && !strchr("lsz", w[n - 1]))
        w[--n] = '\0';
    if (n > 3 && w[n - 1] == 'e')
        w[--n] = '\0';
}

static bool word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Emit one matching term for the word in w (lower case), unless it is a stop word. */
static void emit(char *w, size_t n, void (*fn)(const char *term, void *arg), void *arg)
{
    w[n] = '\0';
    bool digits = true;
    for (size_t i = 0; i < n; i++)
        if (w[i] < '0' || w[i] > '9')
            digits = false;
    if (digits || n < 2 || is_stop_word(w))
        return;
    stem(w);
    fn(w, arg);
}

void catalog_terms(const char *text, void (*fn)(const char *term, void *arg), void *arg)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        while (*p && !word_char(*p))
            p++;
        if (!*p)
            break;
        /* The whole word first (lower case, at most 64 bytes kept), with
         * `mark` noting where camelCase humps start. */
        char whole[64];
        bool hump[64];
        size_t n = 0;
        while (*p && word_char(*p)) {
            if (n + 1 < sizeof(whole)) {
                hump[n] = n > 0 && *p >= 'A' && *p <= 'Z' && p[-1] >= 'a' && p[-1] <= 'z';
                whole[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
            }
            p++;
            /* Names like ERC-20, SHA-256 and UTF-8 are one word (erc20), and
             * so are "non-fungible" and "non fungible": the opposite of
             * "fungible" must not match it. */
            bool letters = n > 0 && !(whole[n - 1] >= '0' && whole[n - 1] <= '9');
            if (*p == '-' && p[1] >= '0' && p[1] <= '9' && letters)
                p++;
            else if ((*p == '-' || *p == ' ') && n == 3 && !memcmp(whole, "non", 3) &&
                     word_char(p[1]))
                p++;
        }
        whole[n] = '\0';
        /* JavaScript is one (stop) word; reverseString is two. */
        if (is_stop_word(whole))
            continue;
        size_t start = 0;
        for (size_t i = 1; i <= n; i++) {
            if (i < n && !hump[i])
                continue;
            char w[CATALOG_TERM_MAX];
            /* Longer words are cut: they still count, as an unknown word. */
            size_t len = i - start < sizeof(w) - 1 ? i - start : sizeof(w) - 1;
            memcpy(w, whole + start, len);
            emit(w, len, fn, arg);
            start = i;
        }
    }
}

/* A growable list of terms. */
struct term_list {
    char (*t)[CATALOG_TERM_MAX]; /* owned */
    size_t n, cap;               /* used, allocated */
};

static void term_list_add(const char *term, void *arg)
{
    struct term_list *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->t = xrealloc(l->t, l->cap * sizeof(*l->t));
    }
    snprintf(l->t[l->n++], CATALOG_TERM_MAX, "%s", term);
}

static int cmp_term(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void term_list_sort(struct term_list *l)
{
    if (l->n)
        qsort(l->t, l->n, sizeof(*l->t), cmp_term);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */
/* ------------------------------------------------------------------------ */

/* Fill `err` with a message naming the task file. */
__attribute__((format(printf, 5, 6))) static int task_err(struct sk_err *err, int errnum,
                                                          const struct lang *lang,
                                                          const char *fname, const char *fmt, ...)
{
    char what[SK_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    char id[CATALOG_MAX_ID + 1];
    size_t n = strcspn(fname, ".");
    snprintf(id, sizeof(id), "%.*s", (int)(n < CATALOG_MAX_ID ? n : CATALOG_MAX_ID), fname);
    return sk_err_msg(err, errnum, "catalogue file %s/%s (task %s): %s", lang->name, fname, id,
                      what);
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

static char *trimmed_dup(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return xstrndup(p, n);
}

/*
 * Read the header of `data` into `t` and point t->code at what follows.
 * Returns 0 or -EINVAL/-EFBIG with a message naming the file.
 */
static int parse_task(const struct lang *lang, const char *fname, const char *data, size_t len,
                      struct catalog_task *t, struct sk_err *err)
{
    const char *comment = lang->line_comment;
    size_t clen = strlen(comment);
    const char *p = data, *end = data + len;
    unsigned lineno = 0;
    bool closed = false;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        lineno++;
        if (blank(p, n)) {
            p = nl ? nl + 1 : end;
            closed = true;
            break;
        }
        if (n < clen || memcmp(p, comment, clen) != 0)
            return task_err(err, EINVAL, lang, fname,
                            "line %u: expected '%s key: value' or the blank line that ends the "
                            "header",
                            lineno, comment);
        const char *k = p + clen;
        while (k < le && *k == ' ')
            k++;
        const char *ke = k;
        while (ke < le && *ke >= 'a' && *ke <= 'z')
            ke++;
        if (ke == k || ke >= le || *ke != ':')
            return task_err(err, EINVAL, lang, fname, "line %u: expected '%s key: value'", lineno,
                            comment);
        size_t klen = (size_t)(ke - k);
        char **slot = NULL;
        size_t cap = 0;
        if (klen == 5 && !memcmp(k, "title", 5))
            slot = &t->title, cap = CATALOG_MAX_TITLE;
        else if (klen == 11 && !memcmp(k, "description", 11))
            slot = &t->description, cap = CATALOG_MAX_DESCRIPTION;
        else if (klen == 8 && !memcmp(k, "keywords", 8))
            slot = &t->keywords, cap = CATALOG_MAX_KEYWORDS;
        else
            return task_err(err, EINVAL, lang, fname,
                            "line %u: unknown header key '%.*s' (title, description, keywords)",
                            lineno, (int)(klen > 32 ? 32 : klen), k);
        if (*slot)
            return task_err(err, EINVAL, lang, fname, "line %u: '%.*s' given twice", lineno,
                            (int)klen, k);
        char *value = trimmed_dup(ke + 1, (size_t)(le - ke - 1));
        if (!*value || strlen(value) > cap) {
            free(value);
            return task_err(err, EINVAL, lang, fname,
                            "line %u: '%.*s' is empty or longer than %zu bytes", lineno, (int)klen,
                            k, cap);
        }
        *slot = value;
        p = nl ? nl + 1 : end;
    }
    if (!t->title || !t->description || !t->keywords)
        return task_err(err, EINVAL, lang, fname, "the header has no '%s'",
                        !t->title         ? "title"
                        : !t->description ? "description"
                                          : "keywords");
    /* Every keyword non-empty: "a,,b" is a typo. */
    for (const char *q = t->keywords;;) {
        size_t n = strcspn(q, ",");
        if (blank(q, n))
            return task_err(err, EINVAL, lang, fname, "the keywords have an empty entry");
        if (!q[n])
            break;
        q += n + 1;
    }
    /* The code: after the blank line, leading blank lines skipped. */
    while (closed && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (!blank(p, n))
            break;
        p = nl ? nl + 1 : end;
    }
    if (!closed || p >= end)
        return task_err(err, EINVAL, lang, fname, "no code after the header");
    if ((size_t)(end - p) > CATALOG_MAX_CODE_BYTES)
        return task_err(err, EFBIG, lang, fname, "code larger than %d bytes",
                        CATALOG_MAX_CODE_BYTES);
    t->code_len = (size_t)(end - p);
    t->code = xstrndup(p, t->code_len);
    return 0;
}

static const struct sig_name *find_name(const struct sig_file *f, const char *s, size_t n,
                                        int owner, bool any_owner)
{
    for (size_t i = 0; i < f->nnames; i++)
        if (strlen(f->names[i].name) == n && !memcmp(f->names[i].name, s, n) &&
            (any_owner || f->names[i].owner == owner))
            return &f->names[i];
    return NULL;
}

/*
 * Decide whether definition `di` of a task can fill a body on its own and,
 * if so, record its body. It can when every name its body uses is its own
 * (itself, a parameter, a local, a member of itself) or, in Python, an
 * import (which the fill then repeats inside the body). A body that uses
 * another definition of the snippet, or holds a multi-line string (which
 * re-indentation would change), or sits on its header's line, is left out.
 */
static void build_def(const char *code, size_t code_len, const struct lex *lx,
                      const struct sig_file *f, size_t di, struct catalog_task *t)
{
    const struct sig_def *d = &f->defs[di];
    if (d->inline_body || d->body_empty || d->nparams < 0)
        return;
    if (!(d->top_level || d->pure))
        return;
    struct sk_buf imports;
    sk_buf_init(&imports, CATALOG_MAX_CODE_BYTES);
    bool ok = true;
    for (size_t i = d->tok_body; i < d->tok_end && ok; i++) {
        const struct lex_tok *tk = &lx->toks[i];
        /* A docstring may span lines (re-indenting it is harmless); other
         * multi-line strings would change. */
        if (tk->kind == LEX_STRING && memchr(code + tk->start, '\n', tk->len) &&
            !(d->has_docstring && tk->start < d->doc_end))
            ok = false;
        if (tk->kind != LEX_IDENT)
            continue;
        size_t p = i;
        while (p > 0 && !lex_tok_significant(&lx->toks[p - 1]))
            p--;
        if (p > 0 &&
            (lex_tok_is(&lx->toks[p - 1], code, ".") || lex_tok_is(&lx->toks[p - 1], code, "?.")))
            continue;
        const char *s = code + tk->start;
        if (tk->len == strlen(d->name) && !memcmp(s, d->name, tk->len))
            continue;
        bool param = false;
        for (int k = 0; k < d->nparams; k++)
            if (strlen(d->params[k].name) == tk->len && !memcmp(d->params[k].name, s, tk->len))
                param = true;
        if (param || find_name(f, s, tk->len, (int)di, false))
            continue;
        const struct sig_name *other = find_name(f, s, tk->len, 0, true);
        if (!other)
            continue;
        if (other->import_len == 0) {
            ok = false;
            break;
        }
        /* Repeat each needed import once. */
        char *line = xstrndup(code + other->import_start, other->import_len);
        if (!strstr(sk_buf_str(&imports), line))
            ok = sk_buf_printf(&imports, "%s\n", line) == 0;
        free(line);
    }
    if (!ok) {
        sk_buf_close(&imports);
        return;
    }

    /* The body's text, as whole lines. */
    size_t a = d->body_start, b = d->body_end;
    if (t->lang->id != LANG_PYTHON) {
        /* Braces: from the line after '{' to the line before '}'. */
        const char *nl = memchr(code + a, '\n', b - a);
        if (!nl || !blank(code + a, (size_t)(nl - (code + a)))) {
            sk_buf_close(&imports);
            return;
        }
        a = (size_t)(nl - code) + 1;
        size_t e = b;
        while (e > a && (code[e - 1] == ' ' || code[e - 1] == '\t'))
            e--;
        if (e <= a || code[e - 1] != '\n') {
            sk_buf_close(&imports);
            return;
        }
        b = e;
    }
    if (b <= a || b > code_len) {
        sk_buf_close(&imports);
        return;
    }
    t->defs = xrealloc(t->defs, (t->ndefs + 1) * sizeof(*t->defs));
    struct catalog_def *cd = &t->defs[t->ndefs++];
    memset(cd, 0, sizeof(*cd));
    cd->sig = *d;
    cd->body = xstrndup(code + a, b - a);
    cd->doc_len = d->has_docstring && d->doc_end > a ? d->doc_end - a : 0;
    cd->imports = imports.len ? sk_buf_steal(&imports) : NULL;
    sk_buf_close(&imports);
    unsigned min = ~0u;
    for (const char *line = cd->body; *line;) {
        size_t n = strcspn(line, "\n");
        unsigned col = 0;
        size_t k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t'))
            col = line[k++] == '\t' ? (col / 8 + 1) * 8 : col + 1;
        if (k < n && col < min)
            min = col;
        line += n + (line[n] == '\n');
    }
    cd->body_indent = min == ~0u ? 0 : min;
}

static int analyse_task(struct catalog_task *t, const char *fname, struct sk_err *err)
{
    struct lex lx;
    if (lex_run(t->lang, t->code, t->code_len, &lx, err) < 0)
        return task_err(err, EINVAL, t->lang, fname, "%s", err->msg);
    if (lx.nopen || lx.eof != LEX_EOF_CLEAN || lx.unmatched) {
        lex_close(&lx);
        /* The snippets are vetted programs: an unbalanced one is a broken file. */
        return task_err(err, EINVAL, t->lang, fname,
                        "the code has unbalanced brackets or an unterminated string or comment");
    }
    struct sig_file f;
    sig_scan(t->lang, t->code, t->code_len, &lx, &f);
    for (size_t i = 0; i < f.ndefs; i++)
        build_def(t->code, t->code_len, &lx, &f, i, t);
    sig_file_close(&f);
    lex_close(&lx);
    return 0;
}

static void task_free(struct catalog_task *t)
{
    free(t->title);
    free(t->description);
    free(t->keywords);
    free(t->code);
    for (size_t i = 0; i < t->ndefs; i++) {
        free(t->defs[i].body);
        free(t->defs[i].imports);
    }
    free(t->defs);
    free(t->term_ids);
    free(t->term_tf);
    free(t->term_named);
}

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n > CATALOG_MAX_ID)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The task files of one language folder, sorted. */
static int list_dir(const char *path, const struct lang *lang, char ***out, size_t *nout,
                    struct sk_err *err)
{
    DIR *d = opendir(path);
    if (!d)
        return sk_err_make(err, errno, "offline catalogue: cannot open %s", path);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    int ret = 0;
    size_t extlen = strlen(lang->ext);
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        if (nm[0] == '.')
            continue;
        size_t len = strlen(nm);
        if (len <= extlen || strcmp(nm + len - extlen, lang->ext) != 0 ||
            !valid_id(nm, len - extlen)) {
            ret = sk_err_msg(err, EINVAL,
                             "catalogue file %s/%s: not a task file (expected <id>%s, the id "
                             "made of a-z, 0-9 and '-', at most %d bytes)",
                             lang->name, nm, lang->ext, CATALOG_MAX_ID);
            break;
        }
        if (n >= CATALOG_MAX_TASKS) {
            ret = sk_err_msg(err, E2BIG, "offline catalogue: more than %d %s tasks",
                             CATALOG_MAX_TASKS, lang->name);
            break;
        }
        names = xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = xstrdup(nm);
    }
    closedir(d);
    if (ret < 0) {
        free_names(names, n);
        return ret;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_name);
    *out = names;
    *nout = n;
    return 0;
}

static int load_task(const char *dir, const struct lang *lang, const char *fname,
                     struct catalog_task *t, struct sk_err *err)
{
    cleanup_free char *path = xasprintf("%s/%s/%s", dir, lang->name, fname);
    struct stat st;
    if (stat(path, &st) < 0)
        return task_err(err, errno, lang, fname, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return task_err(err, EINVAL, lang, fname, "not a regular file");
    cleanup_free char *data = NULL;
    size_t len = 0;
    int ret = sk_read_file(path, CATALOG_MAX_FILE_BYTES, &data, &len);
    if (ret == -EFBIG)
        return task_err(err, EFBIG, lang, fname, "file larger than %d bytes",
                        CATALOG_MAX_FILE_BYTES);
    if (ret < 0)
        return task_err(err, -ret, lang, fname, "%s", strerror(-ret));
    if (strlen(data) != len || !sk_utf8_valid(data, len))
        return task_err(err, EINVAL, lang, fname, "not valid UTF-8 text");
    memset(t, 0, sizeof(*t));
    snprintf(t->id, sizeof(t->id), "%.*s", (int)(strlen(fname) - strlen(lang->ext)), fname);
    t->lang = lang;
    ret = parse_task(lang, fname, data, len, t, err);
    if (ret == 0)
        ret = analyse_task(t, fname, err);
    if (ret < 0)
        task_free(t);
    return ret;
}

/* Build the vocabulary and each task's term counts for BM25. */
static void index_lang(struct lang_index *ix)
{
    struct term_list all = {0};
    struct term_list *per = xcalloc(ix->ntasks ? ix->ntasks : 1, sizeof(*per));
    struct term_list *named = xcalloc(ix->ntasks ? ix->ntasks : 1, sizeof(*named));
    for (size_t i = 0; i < ix->ntasks; i++) {
        struct catalog_task *t = &ix->tasks[i];
        /* The title counts twice: it is the task's name. */
        catalog_terms(t->title, term_list_add, &per[i]);
        catalog_terms(t->title, term_list_add, &per[i]);
        catalog_terms(t->description, term_list_add, &per[i]);
        catalog_terms(t->keywords, term_list_add, &per[i]);
        catalog_terms(t->title, term_list_add, &named[i]);
        catalog_terms(t->keywords, term_list_add, &named[i]);
        term_list_sort(&named[i]);
        t->length = (unsigned)per[i].n;
        term_list_sort(&per[i]);
        for (size_t k = 0; k < per[i].n; k++)
            if (k == 0 || strcmp(per[i].t[k], per[i].t[k - 1]))
                term_list_add(per[i].t[k], &all);
    }
    term_list_sort(&all);
    size_t nv = 0;
    for (size_t k = 0; k < all.n; k++)
        if (nv == 0 || strcmp(all.t[k], all.t[nv - 1]))
            memcpy(all.t[nv++], all.t[k], CATALOG_TERM_MAX);
    ix->vocab = all.t;
    ix->nvocab = nv;
    ix->df = xcalloc(nv ? nv : 1, sizeof(*ix->df));
    double total = 0;
    for (size_t i = 0; i < ix->ntasks; i++) {
        struct catalog_task *t = &ix->tasks[i];
        struct term_list *l = &per[i];
        t->term_ids = xcalloc(l->n ? l->n : 1, sizeof(*t->term_ids));
        t->term_tf = xcalloc(l->n ? l->n : 1, sizeof(*t->term_tf));
        t->term_named = xcalloc(l->n ? l->n : 1, sizeof(*t->term_named));
        for (size_t k = 0; k < l->n; k++) {
            if (k > 0 && !strcmp(l->t[k], l->t[k - 1])) {
                t->term_tf[t->nterms - 1]++;
                continue;
            }
            char(*hit)[CATALOG_TERM_MAX] =
                bsearch(l->t[k], ix->vocab, nv, CATALOG_TERM_MAX, cmp_term);
            unsigned id = (unsigned)(hit - ix->vocab);
            t->term_ids[t->nterms] = id;
            t->term_tf[t->nterms] = 1;
            t->term_named[t->nterms] =
                bsearch(l->t[k], named[i].t, named[i].n, CATALOG_TERM_MAX, cmp_term) != NULL;
            t->nterms++;
            ix->df[id]++;
        }
        total += t->length;
        free(l->t);
        free(named[i].t);
    }
    free(per);
    free(named);
    ix->avgdl = ix->ntasks ? total / (double)ix->ntasks : 1;
    if (ix->avgdl <= 0)
        ix->avgdl = 1;
}

int catalog_load(const char *dir, struct catalog **out, struct sk_err *err)
{
    struct catalog *c = xcalloc(1, sizeof(*c));
    for (int li = 0; li < LANG_COUNT; li++) {
        const struct lang *lang = lang_get((enum lang_id)li);
        struct lang_index *ix = &c->langs[li];
        cleanup_free char *path = xasprintf("%s/%s", dir, lang->name);
        char **names = NULL;
        size_t n = 0;
        int ret = list_dir(path, lang, &names, &n, err);
        if (ret < 0) {
            catalog_free(c);
            return ret;
        }
        ix->tasks = xcalloc(n ? n : 1, sizeof(*ix->tasks));
        for (size_t i = 0; i < n; i++) {
            ret = load_task(dir, lang, names[i], &ix->tasks[ix->ntasks], err);
            if (ret < 0) {
                free_names(names, n);
                catalog_free(c);
                return ret;
            }
            ix->ntasks++;
        }
        free_names(names, n);
        index_lang(ix);
    }
    *out = c;
    return 0;
}

void catalog_free(struct catalog *c)
{
    if (!c)
        return;
    for (int li = 0; li < LANG_COUNT; li++) {
        struct lang_index *ix = &c->langs[li];
        for (size_t i = 0; i < ix->ntasks; i++)
            task_free(&ix->tasks[i]);
        free(ix->tasks);
        free(ix->vocab);
        free(ix->df);
    }
    free(c);
}

/* ------------------------------------------------------------------------ */
/* Lookup and search                                                        */
/* ------------------------------------------------------------------------ */

size_t catalog_count(const struct catalog *c, const struct lang *lang)
{
    return lang ? c->langs[lang->id].ntasks : 0;
}

const struct catalog_task *catalog_task_at(const struct catalog *c, const struct lang *lang,
                                           size_t i)
{
    return lang && i < c->langs[lang->id].ntasks ? &c->langs[lang->id].tasks[i] : NULL;
}

const struct catalog_task *catalog_find(const struct catalog *c, const struct lang *lang,
                                        const char *id)
{
    for (size_t i = 0; lang && i < c->langs[lang->id].ntasks; i++)
        if (!strcmp(c->langs[lang->id].tasks[i].id, id))
            return &c->langs[lang->id].tasks[i];
    return NULL;
}

struct query {
    char terms[CATALOG_MAX_QUERY_TERMS][CATALOG_TERM_MAX]; /* distinct terms */
    size_t n;                                              /* entries */
    bool overflow;                                         /* more distinct terms than fit */
};

static void query_add(const char *term, void *arg)
{
    struct query *q = arg;
    for (size_t i = 0; i < q->n; i++)
        if (!strcmp(q->terms[i], term))
            return;
    if (q->n >= CATALOG_MAX_QUERY_TERMS) {
        q->overflow = true;
        return;
    }
    snprintf(q->terms[q->n++], CATALOG_TERM_MAX, "%s", term);
}

/* How often term `id` occurs in task t (0 if not), and whether its title or
 * keywords hold it. */
static unsigned task_tf(const struct catalog_task *t, unsigned id, bool *named)
{
    size_t lo = 0, hi = t->nterms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->term_ids[mid] == id) {
            *named = t->term_named[mid];
            return t->term_tf[mid];
        }
        if (t->term_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int cmp_hit(const void *a, const void *b)
{
    const struct catalog_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->task->id, y->task->id);
}

size_t catalog_search(const struct catalog *c, const struct lang *lang, const char *query,
                      struct catalog_hit *hits, size_t max)
{
    if (!lang || !query)
        return 0;
    const struct lang_index *ix = &c->langs[lang->id];
    struct query *q = xcalloc(1, sizeof(*q));
    catalog_terms(query, query_add, q);
    if (q->n == 0 || q->overflow || ix->ntasks == 0) {
        free(q);
        return 0;
    }
    double N = (double)ix->ntasks;
    long ids[CATALOG_MAX_QUERY_TERMS];
    double idf[CATALOG_MAX_QUERY_TERMS], total = 0;
    for (size_t k = 0; k < q->n; k++) {
        char(*hit)[CATALOG_TERM_MAX] =
            bsearch(q->terms[k], ix->vocab, ix->nvocab, CATALOG_TERM_MAX, cmp_term);
        ids[k] = hit ? (long)(hit - ix->vocab) : -1;
        double df = hit ? ix->df[ids[k]] : 0;
        /* A word no task knows weighs as much as the rarest: it is what the
         * prompt is about, and the catalogue does not have it. */
        idf[k] = log(1.0 + (N - df + 0.5) / (df + 0.5));
        total += idf[k];
    }
    struct catalog_hit *all = xcalloc(ix->ntasks, sizeof(*all));
    size_t nall = 0;
    for (size_t i = 0; i < ix->ntasks; i++) {
        const struct catalog_task *t = &ix->tasks[i];
        double score = 0, matched = 0;
        bool named = false;
        double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * (double)t->length / ix->avgdl);
        for (size_t k = 0; k < q->n; k++) {
            if (ids[k] < 0)
                continue;
            bool in_name = false;
            unsigned tf = task_tf(t, (unsigned)ids[k], &in_name);
            if (!tf)
                continue;
            named |= in_name;
            score += idf[k] * (double)tf * (BM25_K1 + 1.0) / ((double)tf + norm);
            matched += idf[k];
        }
        if (score <= 0)
            continue;
        all[nall].task = t;
        all[nall].score = score;
        all[nall].coverage = total > 0 ? matched / total : 0;
        all[nall].named = named;
        nall++;
    }
    free(q);
    if (nall)
        qsort(all, nall, sizeof(*all), cmp_hit);
    for (size_t i = 0; i < nall && i < max; i++)
        hits[i] = all[i];
    free(all);
    return nall;
}

bool catalog_hit_accepted(const struct catalog_hit *hit)
{
    /* A word found only in a description ("greets a name") is incidental:
     * at least one must name the task (its title or keywords). */
    return hit->task && hit->named && hit->score >= CATALOG_MIN_SCORE &&
           hit->coverage >= CATALOG_MIN_COVERAGE;
}

int catalog_answer(const struct catalog *c, const struct lang *lang, const char *query,
                   struct catalog_hit *best, struct sk_err *err)
{
    struct catalog_hit hit = {0};
    if (catalog_search(c, lang, query, &hit, 1) == 0 || !catalog_hit_accepted(&hit))
        return sk_err_msg(err, ENOENT, "%s", CATALOG_NO_ANSWER);
    *best = hit;
    return 0;
}
