/*
 * Name resolution shared by the languages: sets of resolved names, the
 * name patterns of @names and #resolves-to?, and the table of bindings
 * (which name stands for which expression) that the per-language resolvers
 * fill and read.
 *
 * A resolved name is a dotted path as the language would see it once
 * aliases are followed: `from os import system as s; s(x)` makes `s` stand
 * for "os.system". Patterns match a name or any of its dotted prefixes, so
 * "eval" also matches "eval.call" and "subprocess" matches
 * "subprocess.Popen": whatever hangs off a dangerous object is as dangerous.
 */
#include "config.h"

#include "check/ast-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* ---------------------------------------------------------------------- */
/* Candidate sets                                                         */

void cands_clear(struct cands *c)
{
    c->n = 0;
}

void cands_add(struct cands *c, const char *a, size_t alen, const char *b, size_t blen)
{
    char tmp[AST_NAME_MAX];
    size_t n = 0;
    /* A name too long to hold keeps its head: the head is what the
     * patterns' prefix match looks at (os.system.__call__.__call__...). */
    if (a) {
        size_t k = alen < sizeof(tmp) - 1 ? alen : sizeof(tmp) - 1;
        memcpy(tmp, a, k);
        n = k;
    }
    if (b) {
        size_t k = blen < sizeof(tmp) - 1 - n ? blen : sizeof(tmp) - 1 - n;
        memcpy(tmp + n, b, k);
        n += k;
    }
    tmp[n] = 0;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->s[i], tmp) == 0)
            return;
    if (c->n == AST_CANDS) {
        /* More meanings than the set holds: the last slot says so, and the
         * policy treats NAME_DEEP as a finding (fail closed). */
        snprintf(c->s[AST_CANDS - 1], AST_NAME_MAX, "%s", NAME_DEEP);
        return;
    }
    memcpy(c->s[c->n++], tmp, n + 1);
}

void name_join(char *dst, size_t cap, const char *a, const char *b)
{
    char tmp[AST_NAME_MAX];
    size_t n = 0;
    for (const char *p = a; *p && n + 1 < sizeof(tmp); p++)
        tmp[n++] = *p;
    if (b) {
        if (n + 1 < sizeof(tmp))
            tmp[n++] = '.';
        for (const char *p = b; *p && n + 1 < sizeof(tmp); p++)
            tmp[n++] = *p;
    }
    tmp[n] = 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, tmp, n);
    dst[n] = 0;
}

void cands_add_member(struct cands *c, const char *a, const char *b, size_t blen)
{
    char tmp[AST_NAME_MAX];
    size_t n = 0;
    for (const char *p = a; *p && n + 2 < sizeof(tmp); p++)
        tmp[n++] = *p;
    tmp[n++] = '.';
    cands_add(c, tmp, n, b, blen);
}

/* ---------------------------------------------------------------------- */
/* Name patterns                                                          */

int name_pat_parse(const char *s, struct name_pat *out)
{
    size_t len = strlen(s);
    const char *star = strchr(s, '*');
    memset(out, 0, sizeof(*out));
    if (len == 0 || len >= AST_NAME_MAX)
        return -EINVAL;
    if (!star) {
        out->form = NAME_EXACT;
        out->text = xstrdup(s);
    } else if (star == s + len - 1 && len > 1 && !strchr(s, '*')[1]) {
        out->form = NAME_PREFIX;
        out->text = xstrndup(s, len - 1);
    } else if (star == s && len > 2 && s[1] == '.' && !strchr(s + 1, '*')) {
        out->form = NAME_SUFFIX;
        out->text = xstrdup(s + 1);
    } else {
        return -EINVAL;
    }
    out->len = strlen(out->text);
    return 0;
}

static bool pat_match(const struct name_pat *p, const char *name, size_t len)
{
    switch (p->form) {
    case NAME_EXACT:
        return len >= p->len && memcmp(name, p->text, p->len) == 0 &&
               (len == p->len || name[p->len] == '.');
    case NAME_PREFIX:
        return len >= p->len && memcmp(name, p->text, p->len) == 0;
    default:
        /* The suffix must end the name or one of its dotted prefixes. */
        for (const char *q = name; (q = memmem(q, len - (size_t)(q - name), p->text, p->len));
             q++) {
            const char *end = q + p->len;
            if (end == name + len || *end == '.')
                return true;
        }
        return false;
    }
}

bool names_match(const struct name_pat *pats, size_t npats, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < npats; i++)
        if (pat_match(&pats[i], name, len))
            return true;
    return false;
}

/* ---------------------------------------------------------------------- */
/* The name index                                                         */

struct nent {
    const char *text; /* not owned: the rule's pattern */
    size_t len;
    uint8_t form; /* NAME_EXACT or NAME_SUFFIX */
    int rule;
    struct nent *next;
};

struct name_index {
    struct nent **tab; /* owned */
    size_t size;       /* a power of two */
    struct nent *ents; /* owned */
    size_t nents;
    const struct name_pat **prefix; /* NAME_PREFIX patterns; pointers not owned */
    int *prefix_rule;
    size_t nprefix;
};

static uint32_t hash(const char *s, size_t n);

struct name_index *name_index_new(const struct ast_rule *rules, size_t nrules)
{
    struct name_index *ix = xcalloc(1, sizeof(*ix));
    size_t total = 0;
    for (size_t i = 0; i < nrules; i++)
        total += rules[i].nnames;
    ix->size = 64;
    while (ix->size < total * 2)
        ix->size *= 2;
    ix->tab = xcalloc(ix->size, sizeof(*ix->tab));
    ix->ents = xcalloc(total ? total : 1, sizeof(*ix->ents));
    ix->prefix = xcalloc(total ? total : 1, sizeof(*ix->prefix));
    ix->prefix_rule = xcalloc(total ? total : 1, sizeof(*ix->prefix_rule));
    for (size_t i = 0; i < nrules; i++) {
        for (size_t k = 0; k < rules[i].nnames; k++) {
            const struct name_pat *p = &rules[i].names[k];
            if (p->form == NAME_PREFIX) {
                ix->prefix[ix->nprefix] = p;
                ix->prefix_rule[ix->nprefix++] = (int)i;
                continue;
            }
            struct nent *e = &ix->ents[ix->nents++];
            e->text = p->text;
            e->len = p->len;
            e->form = p->form;
            e->rule = (int)i;
            size_t h = hash(p->text, p->len) & (ix->size - 1);
            e->next = ix->tab[h];
            ix->tab[h] = e;
        }
    }
    return ix;
}

void name_index_free(struct name_index *ix)
{
    if (!ix)
        return;
    free(ix->tab);
    free(ix->ents);
    free(ix->prefix);
    free(ix->prefix_rule);
    free(ix);
}

static void lookup(const struct name_index *ix, const char *s, size_t n, uint8_t form, bool *hit)
{
    for (const struct nent *e = ix->tab[hash(s, n) & (ix->size - 1)]; e; e = e->next)
        if (e->form == form && e->len == n && memcmp(e->text, s, n) == 0)
            hit[e->rule] = true;
}

void name_index_match(const struct name_index *ix, const char *name, bool *hit)
{
    size_t len = strlen(name);
    /* Exact patterns match the name or one of its dotted prefixes. */
    for (size_t i = 0; i <= len; i++)
        if (i == len || name[i] == '.')
            lookup(ix, name, i, NAME_EXACT, hit);
    /* "*.x.y" matches ".x.y" starting at a dot and ending at a dot or the end. */
    for (size_t i = 0; i < len; i++) {
        if (name[i] != '.')
            continue;
        for (size_t j = i + 1; j <= len; j++)
            if (j == len || name[j] == '.')
                lookup(ix, name + i, j - i, NAME_SUFFIX, hit);
    }
    for (size_t i = 0; i < ix->nprefix; i++)
        if (len >= ix->prefix[i]->len && memcmp(name, ix->prefix[i]->text, ix->prefix[i]->len) == 0)
            hit[ix->prefix_rule[i]] = true;
}

/* ---------------------------------------------------------------------- */
/* The arena and the binding table                                        */

#define ARENA_CHUNK 16384

struct chunk {
    struct chunk *next;
    size_t used;
    char data[ARENA_CHUNK];
};

static void *arena_alloc(struct run *r, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct chunk *c = r->chunks;
    if (n > ARENA_CHUNK / 4) {
        /* Large pieces get a chunk of their own behind the current one,
         * marked full: its allocation is only n bytes long. */
        struct chunk *big = xmalloc(sizeof(*big) - ARENA_CHUNK + n);
        big->used = ARENA_CHUNK;
        if (c) {
            big->next = c->next;
            c->next = big;
        } else {
            big->next = NULL;
            r->chunks = big;
        }
        return big->data;
    }
    if (!c || c->used + n > ARENA_CHUNK) {
        c = xmalloc(sizeof(*c));
        c->next = r->chunks;
        c->used = 0;
        r->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

char *arena_dup(struct run *r, const char *s, size_t n)
{
    char *p = arena_alloc(r, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---------------------------------------------------------------------- */
/* Scopes                                                                 */

void scopes_init(struct run *r)
{
    if (r->scopes)
        return;
    r->capscopes = 64;
    r->scopes = xcalloc(r->capscopes, sizeof(*r->scopes));
    r->scopes[0] = (struct scope){0, 0, 0, UINT32_MAX};
    r->nscopes = 1;
    r->scope = 0;
}

void scope_enter(struct run *r, uint32_t start, uint32_t end)
{
    scopes_init(r);
    if (r->nscopes == r->capscopes) {
        r->capscopes *= 2;
        r->scopes = xrealloc(r->scopes, r->capscopes * sizeof(*r->scopes));
    }
    r->scopes[r->nscopes] = (struct scope){r->scope, r->scopes[r->scope].depth + 1, start, end};
    r->scope = r->nscopes++;
}

void scope_leave(struct run *r)
{
    if (r->scopes)
        r->scope = r->scopes[r->scope].parent;
}

#define DECL_BUCKETS 1024

static size_t decl_hash(uint32_t scope, const char *name, size_t len)
{
    return (hash(name, len) ^ (scope * 2654435761u)) & (DECL_BUCKETS - 1);
}

void scope_declare(struct run *r, const char *name, size_t len, int how)
{
    scopes_init(r);
    if (!r->decl_tab) {
        r->decl_tab = arena_alloc(r, DECL_BUCKETS * sizeof(*r->decl_tab));
        memset(r->decl_tab, 0, DECL_BUCKETS * sizeof(*r->decl_tab));
    }
    struct decl *d = arena_alloc(r, sizeof(*d));
    *d = (struct decl){r->scope, how, arena_dup(r, name, len), len, NULL};
    size_t h = decl_hash(r->scope, name, len);
    d->next = r->decl_tab[h];
    r->decl_tab[h] = d;
}

/* How `name` is declared in scope `s` (-1: not at all; the latest wins). */
static int declared(const struct run *r, uint32_t s, const char *name, size_t len)
{
    if (!r->decl_tab)
        return -1;
    for (const struct decl *d = r->decl_tab[decl_hash(s, name, len)]; d; d = d->next)
        if (d->scope == s && d->len == len && memcmp(d->name, name, len) == 0)
            return d->how;
    return -1;
}

uint32_t scope_at(const struct run *r, uint32_t start, uint32_t end)
{
    /* Scopes are made in pre-order, so their starts ascend: the last one
     * starting at or before `start` is the innermost candidate, and if it
     * ends too early, one of its enclosing scopes holds the node. */
    if (r->nscopes <= 1)
        return 0;
    uint32_t lo = 1, hi = r->nscopes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->scopes[mid].start <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t s = lo - 1;
    for (int guard = 0; s != 0 && guard < 100000; guard++) {
        if (r->scopes[s].start <= start && end <= r->scopes[s].end)
            return s;
        s = r->scopes[s].parent;
    }
    return 0;
}

/* Is scope `a` the scope `s` or one that encloses it? */
static bool encloses(const struct run *r, uint32_t a, uint32_t s)
{
    if (a == 0 || a == s)
        return true;
    for (int guard = 0; s != 0 && guard < 100000; guard++) {
        s = r->scopes[s].parent;
        if (s == a)
            return true;
    }
    return false;
}

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static struct binding *bind_new(struct run *r, const char *key, size_t klen, uint32_t scope)
{
    if (r->nbindings >= AST_MAX_BINDINGS) {
        r->bindings_capped = true;
        return NULL;
    }
    if (!r->btab) {
        r->btab_size = 256;
        r->btab = xcalloc(r->btab_size, sizeof(*r->btab));
    } else if (r->nbindings >= r->btab_size * 2) {
        size_t nsize = r->btab_size * 4;
        struct binding **nt = xcalloc(nsize, sizeof(*nt));
        for (size_t i = 0; i < r->btab_size; i++) {
            for (struct binding *b = r->btab[i], *next; b; b = next) {
                next = b->next;
                size_t h = hash(b->key, b->klen) & (nsize - 1);
                b->next = nt[h];
                nt[h] = b;
            }
        }
        free(r->btab);
        r->btab = nt;
        r->btab_size = nsize;
    }
    struct binding *b = arena_alloc(r, sizeof(*b));
    memset(b, 0, sizeof(*b));
    b->key = arena_dup(r, key, klen);
    b->klen = klen;
    b->scope = scope;
    /* Appended at the end of its chain so bindings keep source order. */
    struct binding **slot = &r->btab[hash(key, klen) & (r->btab_size - 1)];
    while (*slot)
        slot = &(*slot)->next;
    *slot = b;
    r->nbindings++;
    return b;
}

/* The scope a binding of `key` made now goes to. */
static uint32_t bind_scope(struct run *r, const char *key, size_t klen)
{
    scopes_init(r);
    if (memchr(key, '.', klen) || r->scope == 0)
        return 0;
    switch (declared(r, r->scope, key, klen)) {
    case DECL_GLOBAL:
        return 0;
    case DECL_NONLOCAL:
        return r->scopes[r->scope].parent;
    default:
        return r->scope;
    }
}

void bind_node(struct run *r, const char *key, size_t klen, TSNode value, const char *member,
               size_t mlen)
{
    struct binding *b = bind_new(r, key, klen, bind_scope(r, key, klen));
    if (!b)
        return;
    b->value = value;
    if (member) {
        b->str = arena_dup(r, member, mlen);
        b->slen = mlen;
    }
}

void bind_str(struct run *r, const char *key, size_t klen, const char *str, size_t slen)
{
    struct binding *b = bind_new(r, key, klen, bind_scope(r, key, klen));
    if (!b)
        return;
    b->is_str = true;
    b->str = arena_dup(r, str, slen);
    b->slen = slen;
}

void bind_assign(struct run *r, const char *key, size_t klen, TSNode value)
{
    bind_node(r, key, klen, value, NULL, 0);
    if (bind_scope(r, key, klen) != 0 && declared(r, r->scope, key, klen) != DECL_LOCAL) {
        struct binding *b = bind_new(r, key, klen, 0);
        if (b)
            b->value = value;
    }
}

const struct binding *bind_next(const struct run *r, const char *key, size_t klen,
                                const struct binding *it)
{
    if (!r->btab)
        return NULL;
    const struct binding *b = it ? it->next : r->btab[hash(key, klen) & (r->btab_size - 1)];
    for (; b; b = b->next)
        if (b->klen == klen && memcmp(b->key, key, klen) == 0 &&
            (!r->scopes || encloses(r, b->scope, r->scope)))
            return b;
    return NULL;
}

void run_names_close(struct run *r)
{
    for (struct chunk *c = r->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    r->chunks = NULL;
    r->bcache = NULL;
    free(r->scopes);
    r->scopes = NULL;
    r->nscopes = r->capscopes = 0;
    r->decl_tab = NULL;
    free(r->btab);
    r->btab = NULL;
    r->btab_size = r->nbindings = 0;
}

/* ---------------------------------------------------------------------- */
/* Cycle guard                                                            */

bool resolving_push(struct run *r, const char *name, size_t len)
{
    for (int i = 0; i < r->nresolving; i++)
        if (r->resolving_len[i] == len && memcmp(r->resolving[i], name, len) == 0) {
            r->incomplete++;
            return false;
        }
    if (r->nresolving == AST_RESOLVE_DEPTH) {
        r->incomplete++;
        return false;
    }
    r->resolving[r->nresolving] = name;
    r->resolving_len[r->nresolving] = len;
    r->nresolving++;
    return true;
}

void resolving_pop(struct run *r)
{
    if (r->nresolving > 0)
        r->nresolving--;
}

#define BCACHE_SIZE 256

struct bcache {
    const char *key; /* arena */
    size_t klen;
    uint32_t scope; /* the scope it was looked up from */
    int n;
    const char **names; /* arena */
    struct bcache *next;
};

void bound_names(struct run *r, const char *key, size_t klen, int depth,
                 void (*value)(struct run *, const struct binding *, struct cands *, int),
                 struct cands *out)
{
    cands_clear(out);
    /* A key bound only in the module scope (attributes, module names)
     * resolves the same from every scope: one cache entry serves all. */
    bool module_only = true;
    for (const struct binding *b = r->btab ? r->btab[hash(key, klen) & (r->btab_size - 1)] : NULL;
         b && module_only; b = b->next)
        if (b->klen == klen && memcmp(b->key, key, klen) == 0 && b->scope != 0)
            module_only = false;
    uint32_t cscope = module_only ? UINT32_MAX : r->scope;
    size_t h = hash(key, klen) & (BCACHE_SIZE - 1);
    if (r->bcache)
        for (const struct bcache *c = r->bcache[h]; c; c = c->next)
            if (c->klen == klen && c->scope == cscope && memcmp(c->key, key, klen) == 0) {
                for (int i = 0; i < c->n; i++)
                    cands_add(out, c->names[i], strlen(c->names[i]), NULL, 0);
                return;
            }
    if (!bind_next(r, key, klen, NULL) || !resolving_push(r, key, klen))
        return;
    unsigned before = r->incomplete;
    for (const struct binding *b = bind_next(r, key, klen, NULL); b && !run_expired(r);
         b = bind_next(r, key, klen, b)) {
        if (b->is_str) {
            cands_add(out, b->str, b->slen, NULL, 0);
            continue;
        }
        uint32_t saved = r->scope;
        r->scope = b->scope;
        value(r, b, out, depth);
        r->scope = saved;
    }
    resolving_pop(r);
    if (r->incomplete != before || r->timed_out)
        return;
    if (!r->bcache) {
        r->bcache = arena_alloc(r, BCACHE_SIZE * sizeof(*r->bcache));
        memset(r->bcache, 0, BCACHE_SIZE * sizeof(*r->bcache));
    }
    struct bcache *c = arena_alloc(r, sizeof(*c));
    c->key = arena_dup(r, key, klen);
    c->klen = klen;
    c->scope = cscope;
    c->n = out->n;
    c->names = arena_alloc(r, (size_t)(out->n ? out->n : 1) * sizeof(*c->names));
    for (int i = 0; i < out->n; i++)
        c->names[i] = arena_dup(r, out->s[i], strlen(out->s[i]));
    c->next = r->bcache[h];
    r->bcache[h] = c;
}

int fold_name(struct run *r, TSNode n, char *buf, int depth,
              int (*fold)(struct run *, TSNode, char *, int))
{
    char name[AST_NAME_MAX];
    int nl = ident_name(r, n, name, sizeof(name));
    if (nl <= 0 || !resolving_push(r, name, (size_t)nl))
        return -1;
    int len = -1;
    for (const struct binding *b = bind_next(r, name, (size_t)nl, NULL); b;
         b = bind_next(r, name, (size_t)nl, b)) {
        char v[AST_FOLD_MAX + 1];
        uint32_t saved = r->scope;
        r->scope = b->scope;
        int vl = b->is_str || b->str ? -1 : fold(r, b->value, v, depth + 1);
        r->scope = saved;
        if (vl < 0 || (len >= 0 && (vl != len || memcmp(v, buf, (size_t)vl) != 0))) {
            len = -1;
            break;
        }
        memcpy(buf, v, (size_t)vl);
        len = vl;
    }
    resolving_pop(r);
    return len;
}

void names_resolve(struct run *r, TSNode n, struct cands *out)
{
    cands_clear(out);
    if (r->lp->family == FAM_PYTHON)
        py_resolve(r, n, out, 0);
    else if (r->lp->family == FAM_ECMA)
        ecma_resolve(r, n, out, 0);
}

/* ---------------------------------------------------------------------- */
/* Folding helpers                                                        */

int fold_utf8(char *buf, int n, unsigned long cp)
{
    char tmp[4];
    int k;
    if (cp < 0x80) {
        tmp[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        tmp[0] = (char)(0xc0 | (cp >> 6));
        tmp[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xe0 | (cp >> 12));
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else if (cp < 0x110000) {
        tmp[0] = (char)(0xf0 | (cp >> 18));
        tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        tmp[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    } else {
        return -1;
    }
    if (n < 0 || n + k > AST_FOLD_MAX)
        return -1;
    memcpy(buf + n, tmp, (size_t)k);
    return n + k;
}

int fold_unbase64(char *buf, int len)
{
    int out = 0, bits = 0;
    unsigned acc = 0;
    for (int i = 0; i < len; i++) {
        if (buf[i] == '=')
            break;
        if (buf[i] == '\n' || buf[i] == ' ')
            continue;
        int v = sk_base64_digit((unsigned char)buf[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[out++] = (char)((acc >> bits) & 0xff);
        }
    }
    return out;
}
