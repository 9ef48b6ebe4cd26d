/*
 * How JavaScript and TypeScript names resolve, for the @names rules and
 * #resolves-to?. The same ideas as ast-python.c, for ECMAScript's ways of
 * reaching a dangerous function:
 *
 *   const cp = require('child_process'); cp.exec(x)     -> child_process.exec
 *   const {exec: run} = require('node:child_process')     run -> child_process.exec
 *   import * as cp from 'child_process'; import {spawn}   -> child_process.spawn
 *   import fs = require('fs')   (TypeScript)              -> fs
 *   require('child' + '_process'), await import(`fs`)     -> child_process, fs
 *   globalThis['ev' + 'al'], window.eval, self['Function'] -> eval, Function
 *   const r = require; r('child_process')                 -> child_process
 *   require(name), import(name)                           -> NAME_DYNMOD
 *   globalThis[name]                                      -> NAME_DYN
 *
 * Module names drop the "node:" scheme and write '/' as '.', so
 * "fs/promises" is "fs.promises" and the pattern "fs" covers it. The
 * global object under any of its names (globalThis, window, self, global,
 * frames, top, parent) is NAME_NS, whose members are plain globals.
 */
#include "config.h"

#include "check/ast-internal.h"

#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static TSNode field(TSNode n, TSFieldId id)
{
    return ts_node_child_by_field_id(n, id);
}

static bool global_alias(const char *s)
{
    static const char *const names[] = {"globalThis", "window", "self",   "global",
                                        "frames",     "top",    "parent", "document.defaultView"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0)
            return true;
    return false;
}

/* The value inside a wrapper: (x), await x, x as T, x!, <T>x, x satisfies T. */
static TSNode unwrap(const struct run *r, TSNode n)
{
    for (int guard = 0; guard < 64 && !ts_node_is_null(n); guard++) {
        enum nk k = node_kind(r, n);
        if (k == NK_WRAP) {
            const char *t = ts_node_type(n);
            uint32_t nc = ts_node_named_child_count(n);
            if (nc == 0)
                return n;
            n = strcmp(t, "type_assertion") == 0 ? ts_node_named_child(n, nc - 1)
                                                 : ts_node_named_child(n, 0);
        } else if (k == NK_SEQUENCE) {
            uint32_t nc = ts_node_named_child_count(n);
            if (nc == 0)
                return n;
            n = ts_node_named_child(n, nc - 1);
        } else {
            return n;
        }
    }
    return n;
}

/* The i-th argument of a call (skipping comments), or a null node. */
static TSNode arg_at(TSNode args, uint32_t i)
{
    uint32_t k = 0;
    for (uint32_t c = 0; c < ts_node_named_child_count(args); c++) {
        TSNode a = ts_node_named_child(args, c);
        if (strcmp(ts_node_type(a), "comment") == 0)
            continue;
        if (strcmp(ts_node_type(a), "spread_element") == 0)
            return (TSNode){0};
        if (k++ == i)
            return a;
    }
    return (TSNode){0};
}

/* A module specifier as a name: "node:fs/promises" -> "fs.promises". */
static void module_name(const char *s, int len, char *out, size_t cap)
{
    if (len >= 5 && memcmp(s, "node:", 5) == 0) {
        s += 5;
        len -= 5;
    }
    size_t k = 0;
    for (int i = 0; i < len && k + 1 < cap; i++)
        out[k++] = s[i] == '/' ? '.' : s[i];
    out[k] = 0;
}

/* ---------------------------------------------------------------------- */
/* Folding constant strings                                               */

/* Decode one escape sequence (its full text, starting with '\\'). */
static int decode_escape(char *buf, int n, const char *t, size_t tl)
{
    if (tl < 2)
        return -1;
    unsigned long cp = 0;
    switch (t[1]) {
    case 'n':
        cp = '\n';
        break;
    case 't':
        cp = '\t';
        break;
    case 'r':
        cp = '\r';
        break;
    case 'b':
        cp = '\b';
        break;
    case 'f':
        cp = '\f';
        break;
    case 'v':
        cp = '\v';
        break;
    case '0':
        cp = 0;
        break;
    case '\n':
        return n;
    case 'x':
    case 'u': {
        size_t i = 2, end = tl;
        if (t[1] == 'u' && tl > 2 && t[2] == '{') {
            i = 3;
            end = tl - 1;
        }
        for (; i < end; i++) {
            int v = sk_hex_digit((unsigned char)t[i]);
            if (v < 0 || cp > 0x10ffff)
                return -1;
            cp = cp * 16 + (unsigned long)v;
        }
        break;
    }
    default:
        cp = (unsigned char)t[1];
        if (cp >= 0x80) {
            if (n + (int)tl - 1 > AST_FOLD_MAX)
                return -1;
            memcpy(buf + n, t + 1, tl - 1);
            return n + (int)tl - 1;
        }
    }
    return fold_utf8(buf, n, cp);
}

static int fold_parts(struct run *r, TSNode n, char *buf, int depth)
{
    int len = 0;
    for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
        TSNode ch = ts_node_named_child(n, c);
        const char *type = ts_node_type(ch);
        size_t tl;
        const char *t = node_text(r, ch, &tl);
        if (strcmp(type, "string_fragment") == 0) {
            if (len + (int)tl > AST_FOLD_MAX)
                return -1;
            memcpy(buf + len, t, tl);
            len += (int)tl;
        } else if (strcmp(type, "escape_sequence") == 0) {
            len = decode_escape(buf, len, t, tl);
        } else if (strcmp(type, "template_substitution") == 0) {
            char sub[AST_FOLD_MAX + 1];
            int k = ecma_fold(r, ts_node_named_child(ch, 0), sub, depth + 1);
            if (k < 0 || len + k > AST_FOLD_MAX)
                return -1;
            memcpy(buf + len, sub, (size_t)k);
            len += k;
        } else if (strcmp(type, "comment") != 0) {
            return -1;
        }
        if (len < 0)
            return -1;
    }
    return len;
}

/* An array of folded strings (at most 64). */
struct strs {
    int n;
    int len[64];
    char s[64][AST_FOLD_MAX + 1];
};

static bool fold_array(struct run *r, TSNode n, struct strs *out, int depth);

static bool method_call(const struct run *r, TSNode n, TSNode *obj, char *m, size_t cap)
{
    n = unwrap(r, n);
    if (node_kind(r, n) != NK_CALL)
        return false;
    TSNode fn = unwrap(r, field(n, r->lp->f.function));
    if (node_kind(r, fn) != NK_ATTR)
        return false;
    *obj = field(fn, r->lp->f.object);
    size_t tl;
    const char *t = node_text(r, field(fn, r->lp->f.property), &tl);
    if (tl >= cap)
        return false;
    memcpy(m, t, tl);
    m[tl] = 0;
    return true;
}

/* ['e','v'], 'a,b'.split(','), arr.reverse() */
static bool fold_array(struct run *r, TSNode n, struct strs *out, int depth)
{
    if (depth > AST_RESOLVE_DEPTH)
        return false;
    n = unwrap(r, n);
    if (node_kind(r, n) == NK_LIST) {
        out->n = 0;
        for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
            TSNode e = ts_node_named_child(n, c);
            if (strcmp(ts_node_type(e), "comment") == 0)
                continue;
            if (out->n == 64)
                return false;
            int l = ecma_fold(r, e, out->s[out->n], depth + 1);
            if (l < 0)
                return false;
            out->len[out->n++] = l;
        }
        return true;
    }
    TSNode obj;
    char m[16];
    if (!method_call(r, n, &obj, m, sizeof(m)))
        return false;
    if (strcmp(m, "reverse") == 0) {
        if (!fold_array(r, obj, out, depth + 1))
            return false;
        for (int i = 0; i < out->n / 2; i++) {
            char tmp[AST_FOLD_MAX + 1];
            int tl = out->len[i];
            memcpy(tmp, out->s[i], (size_t)tl);
            memcpy(out->s[i], out->s[out->n - 1 - i], (size_t)out->len[out->n - 1 - i]);
            out->len[i] = out->len[out->n - 1 - i];
            memcpy(out->s[out->n - 1 - i], tmp, (size_t)tl);
            out->len[out->n - 1 - i] = tl;
        }
        return true;
    }
    if (strcmp(m, "split") == 0) {
        char str[AST_FOLD_MAX + 1], sep[AST_FOLD_MAX + 1];
        TSNode args = field(unwrap(r, n), r->lp->f.arguments);
        int sl = ecma_fold(r, obj, str, depth + 1);
        int pl = ecma_fold(r, arg_at(args, 0), sep, depth + 1);
        if (sl < 0 || pl < 0)
            return false;
        out->n = 0;
        int start = 0;
        for (int i = 0; i <= sl; i++) {
            /* An empty separator splits into single characters (bytes). */
            bool cut = pl == 0 ? i > start
                               : i == sl || (i + pl <= sl && memcmp(str + i, sep, (size_t)pl) == 0);
            if (!cut)
                continue;
            if (out->n == 64)
                return false;
            memcpy(out->s[out->n], str + start, (size_t)(i - start));
            out->len[out->n++] = i - start;
            start = pl == 0 ? i : i + pl;
            if (pl == 0 && i == sl)
                break;
            if (pl)
                i += pl - 1;
        }
        if (pl == 0 && start < sl) {
            if (out->n == 64)
                return false;
            memcpy(out->s[out->n], str + start, (size_t)(sl - start));
            out->len[out->n++] = sl - start;
        }
        return true;
    }
    return false;
}

static int fold_call(struct run *r, TSNode n, char *buf, int depth)
{
    TSNode args = field(n, r->lp->f.arguments);
    if (ts_node_is_null(args) || strcmp(ts_node_type(args), "arguments") != 0)
        return -1;
    TSNode obj;
    char m[32];
    if (method_call(r, n, &obj, m, sizeof(m))) {
        if (strcmp(m, "join") == 0) {
            struct strs *a = xmalloc(sizeof(*a));
            char sep[AST_FOLD_MAX + 1] = ",";
            int sl = 1, len = 0;
            TSNode s0 = arg_at(args, 0);
            if (!ts_node_is_null(s0))
                sl = ecma_fold(r, s0, sep, depth + 1);
            if (sl < 0 || !fold_array(r, obj, a, depth + 1)) {
                free(a);
                return -1;
            }
            for (int i = 0; i < a->n; i++) {
                if (len + a->len[i] + (i ? sl : 0) > AST_FOLD_MAX) {
                    free(a);
                    return -1;
                }
                if (i) {
                    memcpy(buf + len, sep, (size_t)sl);
                    len += sl;
                }
                memcpy(buf + len, a->s[i], (size_t)a->len[i]);
                len += a->len[i];
            }
            free(a);
            return len;
        }
        if (strcmp(m, "toLowerCase") == 0 || strcmp(m, "toUpperCase") == 0 ||
            strcmp(m, "toString") == 0 || strcmp(m, "trim") == 0) {
            int len = ecma_fold(r, obj, buf, depth + 1);
            for (int i = 0; i < len && m[2] != 'S' && m[0] == 't' && m[1] == 'o'; i++)
                buf[i] = (char)(m[2] == 'L' ? tolower((unsigned char)buf[i])
                                            : toupper((unsigned char)buf[i]));
            if (len >= 0 && strcmp(m, "trim") == 0) {
                int a = 0;
                while (a < len && isspace((unsigned char)buf[a]))
                    a++;
                while (len > a && isspace((unsigned char)buf[len - 1]))
                    len--;
                memmove(buf, buf + a, (size_t)(len - a));
                len -= a;
            }
            return len;
        }
    }
    struct cands fc;
    cands_clear(&fc);
    ecma_resolve(r, field(n, r->lp->f.function), &fc, depth + 1);
    for (int i = 0; i < fc.n; i++) {
        const char *f = fc.s[i];
        if (strcmp(f, "String.fromCharCode") == 0 || strcmp(f, "String.fromCodePoint") == 0) {
            int len = 0;
            for (uint32_t k = 0;; k++) {
                TSNode a = arg_at(args, k);
                if (ts_node_is_null(a))
                    break;
                if (node_kind(r, a) != NK_INTEGER)
                    return -1;
                size_t tl;
                const char *t = node_text(r, a, &tl);
                char num[24];
                if (tl == 0 || tl >= sizeof(num))
                    return -1;
                memcpy(num, t, tl);
                num[tl] = 0;
                char *end;
                unsigned long v = strtoul(num, &end, 0);
                if (*end)
                    return -1;
                len = fold_utf8(buf, len, v);
                if (len < 0)
                    return -1;
            }
            return len;
        }
        if (strcmp(f, "atob") == 0) {
            int len = ecma_fold(r, arg_at(args, 0), buf, depth + 1);
            return len < 0 ? -1 : fold_unbase64(buf, len);
        }
        if (strcmp(f, "String") == 0)
            return ecma_fold(r, arg_at(args, 0), buf, depth + 1);
        if (strcmp(f, "decodeURIComponent") == 0 || strcmp(f, "decodeURI") == 0 ||
            strcmp(f, "unescape") == 0) {
            int len = ecma_fold(r, arg_at(args, 0), buf, depth + 1), out = 0;
            for (int k = 0; k < len; k++) {
                if (buf[k] == '%' && k + 2 < len && sk_hex_digit((unsigned char)buf[k + 1]) >= 0 &&
                    sk_hex_digit((unsigned char)buf[k + 2]) >= 0) {
                    buf[out++] = (char)(sk_hex_digit((unsigned char)buf[k + 1]) * 16 +
                                        sk_hex_digit((unsigned char)buf[k + 2]));
                    k += 2;
                } else {
                    buf[out++] = buf[k];
                }
            }
            return len < 0 ? -1 : out;
        }
    }
    return -1;
}

int ecma_fold(struct run *r, TSNode n, char *buf, int depth)
{
    if (ts_node_is_null(n) || depth > AST_RESOLVE_DEPTH || run_expired(r))
        return -1;
    n = unwrap(r, n);
    switch (node_kind(r, n)) {
    case NK_STRING:
    case NK_TEMPLATE:
        return fold_parts(r, n, buf, depth);
    case NK_BINARY: {
        size_t ol;
        const char *op = node_text(r, field(n, r->lp->f.operator_), &ol);
        if (ol != 1 || op[0] != '+')
            return -1;
        char right[AST_FOLD_MAX + 1];
        int ll = ecma_fold(r, field(n, r->lp->f.left), buf, depth + 1);
        int rl = ll < 0 ? -1 : ecma_fold(r, field(n, r->lp->f.right), right, depth + 1);
        if (rl < 0 || ll + rl > AST_FOLD_MAX)
            return -1;
        memcpy(buf + ll, right, (size_t)rl);
        return ll + rl;
    }
    case NK_CALL:
        return fold_call(r, n, buf, depth);
    case NK_IDENT:
        return fold_name(r, n, buf, depth, ecma_fold);
    default:
        return -1;
    }
}

/* ---------------------------------------------------------------------- */
/* Resolving                                                              */

static void resolve_value(struct run *r, const struct binding *b, struct cands *out, int depth)
{
    struct cands base;
    cands_clear(&base);
    ecma_resolve(r, b->value, &base, depth + 1);
    for (int i = 0; i < base.n; i++) {
        if (!b->str)
            cands_add(out, base.s[i], strlen(base.s[i]), NULL, 0);
        else if (strcmp(base.s[i], NAME_NS) == 0)
            cands_add(out, b->str, b->slen, NULL, 0);
        else
            cands_add_member(out, base.s[i], b->str, b->slen);
    }
}

static void add_bound(struct run *r, const char *key, size_t klen, const char *rest, size_t rlen,
                      struct cands *out, int depth)
{
    struct cands v;
    bound_names(r, key, klen, depth, resolve_value, &v);
    for (int i = 0; i < v.n; i++)
        cands_add(out, v.s[i], strlen(v.s[i]), rest, rlen);
}

/* base + "." + member, folding the global object's names into NAME_NS. */
static void member(char *acc, size_t cap, const char *m)
{
    char next[AST_NAME_MAX];
    if (strcmp(acc, NAME_NS) == 0)
        name_join(next, sizeof(next), m, NULL);
    else
        name_join(next, sizeof(next), acc, m);
    if (global_alias(next))
        name_join(next, sizeof(next), NAME_NS, NULL);
    name_join(acc, cap, next, NULL);
}

/* One step of a member chain: its name, folded when it is computed. */
static int member_name(struct run *r, TSNode step, char *buf, size_t cap, int depth)
{
    if (node_kind(r, step) == NK_ATTR) {
        size_t tl;
        const char *t = node_text(r, field(step, r->lp->f.property), &tl);
        if (tl == 0 || tl >= cap)
            return -1;
        if (memchr(t, '\\', tl)) {
            /* a.\u0065val: decode as an identifier would be. */
            return ident_name(r, field(step, r->lp->f.property), buf, cap);
        }
        memcpy(buf, t, tl);
        buf[tl] = 0;
        return (int)tl;
    }
    char key[AST_FOLD_MAX + 1];
    int kl = ecma_fold(r, field(step, r->lp->f.index), key, depth + 1);
    if (kl < 0 || (size_t)kl >= cap || memchr(key, 0, (size_t)kl)) {
        snprintf(buf, cap, "%s", NAME_DYN);
        return (int)strlen(buf);
    }
    memcpy(buf, key, (size_t)kl);
    buf[kl] = 0;
    return kl;
}

static void resolve_chain(struct run *r, TSNode n, struct cands *out, int depth)
{
    enum { MAXSEG = 32 };
    TSNode steps[MAXSEG];
    int total = 0;
    TSNode cur = n;
    for (;;) {
        cur = unwrap(r, cur);
        enum nk k = node_kind(r, cur);
        if (ts_node_is_null(cur) || (k != NK_ATTR && k != NK_SUBSCRIPT))
            break;
        steps[total % MAXSEG] = cur;
        total++;
        cur = field(cur, r->lp->f.object);
        if (run_expired(r))
            return;
    }
    int nseg = total < MAXSEG ? total : MAXSEG;
    char names[MAXSEG][64];
    size_t lens[MAXSEG];
    for (int i = 0; i < nseg; i++) {
        int l = member_name(r, steps[(total - 1 - i) % MAXSEG], names[i], sizeof(names[i]), depth);
        if (l < 0)
            snprintf(names[i], sizeof(names[i]), "%s", NAME_DYN);
        lens[i] = strlen(names[i]);
    }
    struct cands base;
    cands_clear(&base);
    ecma_resolve(r, cur, &base, depth + 1);
    for (int b = 0; b < base.n; b++) {
        char acc[AST_NAME_MAX];
        name_join(acc, sizeof(acc), base.s[b], NULL);
        for (int i = 0; i < nseg; i++)
            member(acc, sizeof(acc), names[i]);
        cands_add(out, acc, strlen(acc), NULL, 0);
    }
    /* Bindings of dotted paths: this.run = cp.exec; this.run(x). */
    enum nk bk = node_kind(r, cur);
    if (bk == NK_IDENT || bk == NK_THIS) {
        char key[AST_NAME_MAX];
        int kl = bk == NK_THIS ? snprintf(key, sizeof(key), "this")
                               : ident_name(r, cur, key, sizeof(key));
        for (int i = 0; kl > 0 && i < nseg; i++) {
            if ((size_t)kl + 1 + lens[i] >= sizeof(key))
                break;
            key[kl++] = '.';
            memcpy(key + kl, names[i], lens[i]);
            kl += (int)lens[i];
            char rest[AST_NAME_MAX];
            size_t rl = 0;
            for (int j = i + 1; j < nseg && rl + lens[j] + 2 < sizeof(rest); j++) {
                rest[rl++] = '.';
                memcpy(rest + rl, names[j], lens[j]);
                rl += lens[j];
            }
            add_bound(r, key, (size_t)kl, rest, rl, out, depth);
        }
    }
}

static bool is_require(const char *f)
{
    return strcmp(f, "require") == 0 || strcmp(f, "module.require") == 0 ||
           strcmp(f, "process.mainModule.require") == 0 || strcmp(f, "require.main.require") == 0 ||
           strcmp(f, "module.constructor._load") == 0 ||
           strcmp(f, "module.constructor.require") == 0;
}

static void add_module(struct run *r, TSNode spec, struct cands *out, int depth)
{
    char mod[AST_FOLD_MAX + 1];
    int ml = ts_node_is_null(spec) ? -1 : ecma_fold(r, spec, mod, depth + 1);
    if (ml > 0 && ml < AST_NAME_MAX && !memchr(mod, 0, (size_t)ml)) {
        char name[AST_NAME_MAX];
        module_name(mod, ml, name, sizeof(name));
        cands_add(out, name, strlen(name), NULL, 0);
    } else {
        cands_add(out, NAME_DYNMOD, strlen(NAME_DYNMOD), NULL, 0);
    }
}

static void resolve_call(struct run *r, TSNode n, struct cands *out, int depth)
{
    TSNode fn = unwrap(r, field(n, r->lp->f.function));
    TSNode args = field(n, r->lp->f.arguments);
    if (ts_node_is_null(args) || strcmp(ts_node_type(args), "arguments") != 0) {
        /* A tagged template: require`child_process` */
        if (!ts_node_is_null(args) && node_kind(r, args) == NK_TEMPLATE) {
            struct cands fc;
            cands_clear(&fc);
            ecma_resolve(r, fn, &fc, depth + 1);
            for (int i = 0; i < fc.n; i++)
                if (is_require(fc.s[i])) {
                    add_module(r, args, out, depth);
                    return;
                }
        }
        cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
        return;
    }
    if (node_kind(r, fn) == NK_IMPORT_KW) {
        add_module(r, arg_at(args, 0), out, depth);
        return;
    }
    struct cands fc;
    cands_clear(&fc);
    ecma_resolve(r, fn, &fc, depth + 1);
    bool named = false;
    for (int i = 0; i < fc.n; i++) {
        const char *f = fc.s[i];
        if (is_require(f)) {
            add_module(r, arg_at(args, 0), out, depth);
            named = true;
        } else if (strcmp(f, "Reflect.get") == 0 ||
                   strcmp(f, "Object.getOwnPropertyDescriptor") == 0) {
            struct cands o;
            cands_clear(&o);
            ecma_resolve(r, arg_at(args, 0), &o, depth + 1);
            char key[AST_FOLD_MAX + 1];
            int kl = ecma_fold(r, arg_at(args, 1), key, depth + 1);
            if (kl < 0 || kl >= 64 || memchr(key, 0, (size_t)kl))
                snprintf(key, sizeof(key), "%s", NAME_DYN);
            else
                key[kl] = 0;
            for (int k = 0; k < o.n; k++) {
                char acc[AST_NAME_MAX];
                name_join(acc, sizeof(acc), o.s[k], NULL);
                member(acc, sizeof(acc), key);
                cands_add(out, acc, strlen(acc), NULL, 0);
            }
            named = true;
        }
    }
    if (!named)
        cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
}

void ecma_resolve(struct run *r, TSNode n, struct cands *out, int depth)
{
    n = unwrap(r, n);
    if (ts_node_is_null(n)) {
        cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
        return;
    }
    if (depth > AST_RESOLVE_DEPTH || run_expired(r)) {
        r->incomplete++;
        cands_add(out, NAME_DEEP, strlen(NAME_DEEP), NULL, 0);
        return;
    }
    switch (node_kind(r, n)) {
    case NK_IDENT:
    case NK_SHORTHAND: {
        char name[AST_NAME_MAX];
        int nl = ident_name(r, n, name, sizeof(name));
        if (nl <= 0) {
            cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
            return;
        }
        if (global_alias(name))
            cands_add(out, NAME_NS, strlen(NAME_NS), NULL, 0);
        else
            cands_add(out, name, (size_t)nl, NULL, 0);
        add_bound(r, name, (size_t)nl, NULL, 0, out, depth);
        return;
    }
    case NK_THIS:
        cands_add(out, "this", 4, NULL, 0);
        return;
    case NK_ASSIGN:
        ecma_resolve(r, field(n, r->lp->f.right), out, depth + 1);
        return;
    case NK_ATTR:
    case NK_SUBSCRIPT:
        resolve_chain(r, n, out, depth);
        return;
    case NK_CALL:
        resolve_call(r, n, out, depth);
        return;
    default:
        cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
        return;
    }
}

/* ---------------------------------------------------------------------- */
/* Bindings                                                               */

static int dotted_key(const struct run *r, TSNode n, char *buf, size_t cap)
{
    n = unwrap(r, n);
    enum nk k = node_kind(r, n);
    if (k == NK_IDENT)
        return ident_name(r, n, buf, cap);
    if (k == NK_THIS)
        return snprintf(buf, cap, "this");
    if (k != NK_ATTR)
        return -1;
    int l = dotted_key(r, field(n, r->lp->f.object), buf, cap);
    if (l < 0)
        return -1;
    size_t tl;
    const char *t = node_text(r, field(n, r->lp->f.property), &tl);
    if ((size_t)l + 1 + tl >= cap)
        return -1;
    buf[l++] = '.';
    memcpy(buf + l, t, tl);
    l += (int)tl;
    buf[l] = 0;
    return l;
}

/* const {exec, spawn: s} = value; ({exec} = value) */
static void bind_object_pattern(struct run *r, TSNode pat, TSNode value)
{
    for (uint32_t c = 0; c < ts_node_named_child_count(pat); c++) {
        TSNode p = ts_node_named_child(pat, c);
        const char *t = ts_node_type(p);
        char name[AST_NAME_MAX], key[AST_NAME_MAX];
        int nl = -1, kl = -1;
        if (strcmp(t, "shorthand_property_identifier_pattern") == 0 ||
            strcmp(t, "shorthand_property_identifier") == 0) {
            nl = ident_name(r, p, name, sizeof(name));
            memcpy(key, name, (size_t)(nl > 0 ? nl + 1 : 1));
            kl = nl;
        } else if (strcmp(t, "object_assignment_pattern") == 0) {
            TSNode l = field(p, r->lp->f.left);
            nl = ident_name(r, l, name, sizeof(name));
            memcpy(key, name, (size_t)(nl > 0 ? nl + 1 : 1));
            kl = nl;
        } else if (strcmp(t, "pair_pattern") == 0) {
            TSNode k = field(p, r->lp->f.key), v = field(p, r->lp->f.value);
            if (strcmp(ts_node_type(v), "assignment_pattern") == 0)
                v = field(v, r->lp->f.left);
            if (node_kind(r, v) != NK_IDENT)
                continue;
            nl = ident_name(r, v, name, sizeof(name));
            if (strcmp(ts_node_type(k), "property_identifier") == 0) {
                size_t tl;
                const char *tx = node_text(r, k, &tl);
                if (tl < sizeof(key)) {
                    memcpy(key, tx, tl);
                    key[tl] = 0;
                    kl = (int)tl;
                }
            } else {
                TSNode kk = strcmp(ts_node_type(k), "computed_property_name") == 0
                                ? ts_node_named_child(k, 0)
                                : k;
                char folded[AST_FOLD_MAX + 1];
                int fl = ecma_fold(r, kk, folded, 0);
                if (fl >= 0 && fl < (int)sizeof(key)) {
                    memcpy(key, folded, (size_t)fl);
                    key[fl] = 0;
                    kl = fl;
                } else {
                    kl = snprintf(key, sizeof(key), "%s", NAME_DYN);
                }
            }
        }
        if (nl > 0 && kl > 0)
            bind_node(r, name, (size_t)nl, value, key, (size_t)kl);
    }
}

static void bind_target(struct run *r, TSNode left, TSNode value)
{
    if (ts_node_is_null(left) || ts_node_is_null(value))
        return;
    if (strcmp(ts_node_type(left), "object_pattern") == 0) {
        bind_object_pattern(r, left, value);
        return;
    }
    char key[AST_NAME_MAX];
    int kl = dotted_key(r, left, key, sizeof(key));
    if (kl > 0)
        bind_node(r, key, (size_t)kl, value, NULL, 0);
}

/*
 * Visit what an import or re-export brings in: fn(r, node, target, alias)
 * for the module itself (alias NULL) and for each imported name.
 */
static void each_import(struct run *r, TSNode n,
                        void (*fn)(struct run *, TSNode, const char *, const char *, void *),
                        void *ud)
{
    TSNode src = field(n, r->lp->f.source);
    TSNode req = {0};
    for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
        TSNode ch = ts_node_named_child(n, c);
        if (strcmp(ts_node_type(ch), "import_require_clause") == 0) {
            req = ch;
            src = field(ch, r->lp->f.source);
        }
    }
    if (ts_node_is_null(src))
        return;
    char mod[AST_FOLD_MAX + 1], name[AST_NAME_MAX];
    int ml = ecma_fold(r, src, mod, 0);
    if (ml <= 0 || memchr(mod, 0, (size_t)ml))
        return;
    module_name(mod, ml, name, sizeof(name));
    fn(r, src, name, NULL, ud);
    if (!ts_node_is_null(req)) {
        char alias[AST_NAME_MAX];
        if (ident_name(r, ts_node_named_child(req, 0), alias, sizeof(alias)) > 0)
            fn(r, req, name, alias, ud);
        return;
    }
    /* Walk the clause: default, namespace and named imports, export specifiers. */
    TSTreeCursor c = ts_tree_cursor_new(n);
    int depth = 0;
    if (ts_tree_cursor_goto_first_child(&c)) {
        depth = 1;
        for (;;) {
            TSNode ch = ts_tree_cursor_current_node(&c);
            const char *t = ts_node_type(ch);
            char alias[AST_NAME_MAX], full[AST_NAME_MAX];
            bool descend = false;
            if (strcmp(t, "import_clause") == 0 || strcmp(t, "named_imports") == 0 ||
                strcmp(t, "export_clause") == 0) {
                descend = true;
            } else if (strcmp(t, "identifier") == 0 && depth == 2) {
                /* import x from 'm': the default export, for CommonJS the module. */
                if (ident_name(r, ch, alias, sizeof(alias)) > 0)
                    fn(r, ch, name, alias, ud);
            } else if (strcmp(t, "namespace_import") == 0) {
                if (ident_name(r, ts_node_named_child(ch, 0), alias, sizeof(alias)) > 0)
                    fn(r, ch, name, alias, ud);
            } else if (strcmp(t, "import_specifier") == 0 || strcmp(t, "export_specifier") == 0) {
                TSNode nm = field(ch, r->lp->f.name), al = field(ch, r->lp->f.alias);
                char imported[AST_FOLD_MAX + 1];
                int il = node_kind(r, nm) == NK_STRING
                             ? ecma_fold(r, nm, imported, 0)
                             : ident_name(r, nm, imported, sizeof(imported));
                if (il > 0 && il < 64) {
                    imported[il] = 0;
                    name_join(full, sizeof(full), name, imported);
                    bool is_export = strcmp(t, "export_specifier") == 0;
                    int al_len = ts_node_is_null(al) ? -1 : ident_name(r, al, alias, sizeof(alias));
                    fn(r, ch, full, is_export ? NULL : (al_len > 0 ? alias : imported), ud);
                }
            }
            if (descend && ts_tree_cursor_goto_first_child(&c)) {
                depth++;
                continue;
            }
            while (!ts_tree_cursor_goto_next_sibling(&c)) {
                if (!ts_tree_cursor_goto_parent(&c) || --depth == 0)
                    goto done;
            }
        }
    }
done:
    ts_tree_cursor_delete(&c);
}

static void bind_import(struct run *r, TSNode at, const char *target, const char *alias, void *ud)
{
    (void)at;
    (void)ud;
    if (alias)
        bind_str(r, alias, strlen(alias), target, strlen(target));
}

/* Declare the names a declaration or a parameter list introduces. */
static void declare_names(struct run *r, TSNode n, int depth)
{
    if (ts_node_is_null(n) || depth > 8)
        return;
    const char *t = ts_node_type(n);
    enum nk k = node_kind(r, n);
    if (k == NK_IDENT || strcmp(t, "shorthand_property_identifier_pattern") == 0) {
        char name[AST_NAME_MAX];
        int nl = ident_name(r, n, name, sizeof(name));
        if (nl > 0)
            scope_declare(r, name, (size_t)nl, DECL_LOCAL);
        return;
    }
    if (strcmp(t, "pair_pattern") == 0) {
        declare_names(r, field(n, r->lp->f.value), depth + 1);
        return;
    }
    if (strcmp(t, "assignment_pattern") == 0 || strcmp(t, "object_assignment_pattern") == 0) {
        declare_names(r, field(n, r->lp->f.left), depth + 1);
        return;
    }
    if (strcmp(t, "required_parameter") == 0 || strcmp(t, "optional_parameter") == 0) {
        declare_names(r, ts_node_child_by_field_name(n, "pattern", 7), depth + 1);
        return;
    }
    if (k == NK_PARAMS || strcmp(t, "object_pattern") == 0 || strcmp(t, "array_pattern") == 0 ||
        strcmp(t, "rest_pattern") == 0)
        for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
            declare_names(r, ts_node_named_child(n, i), depth + 1);
}

void ecma_bind_node(struct run *r, TSNode n)
{
    switch (node_kind(r, n)) {
    case NK_VARDECL:
        declare_names(r, field(n, r->lp->f.name), 0);
        bind_target(r, field(n, r->lp->f.name), field(n, r->lp->f.value));
        break;
    case NK_PARAMS:
        declare_names(r, n, 0);
        break;
    case NK_ASSIGN: {
        /* x = v without a declaration may assign an outer variable. */
        TSNode left = field(n, r->lp->f.left), right = field(n, r->lp->f.right);
        char key[AST_NAME_MAX];
        int kl;
        if (node_kind(r, unwrap(r, left)) == NK_IDENT && !ts_node_is_null(right) &&
            (kl = ident_name(r, unwrap(r, left), key, sizeof(key))) > 0)
            bind_assign(r, key, (size_t)kl, right);
        else
            bind_target(r, left, right);
        break;
    }
    case NK_AUGASSIGN: {
        char key[AST_NAME_MAX];
        int kl = dotted_key(r, field(n, r->lp->f.left), key, sizeof(key));
        if (kl > 0)
            bind_node(r, key, (size_t)kl, n, NULL, 0);
        break;
    }
    case NK_IMPORT:
        each_import(r, n, bind_import, NULL);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Reference roots                                                        */

static void import_ref(struct run *r, TSNode at, const char *target, const char *alias, void *ud)
{
    (void)r;
    (void)at;
    (void)alias;
    cands_add(ud, target, strlen(target), NULL, 0);
}

bool ecma_reference(struct run *r, TSNode n, TSNode parent, TSFieldId fid, struct cands *out)
{
    const struct fields *f = &r->lp->f;
    enum nk k = node_kind(r, n), pk = node_kind(r, parent);
    switch (k) {
    case NK_IMPORT:
    case NK_EXPORT:
        cands_clear(out);
        each_import(r, n, import_ref, out);
        return out->n > 0;
    case NK_IDENT: {
        if ((pk == NK_VARDECL || pk == NK_DEF || pk == NK_JSX_NAME) && fid == f->name)
            return false;
        if (pk == NK_PARAMS || (pk == NK_ASSIGN && fid == f->left))
            return false;
        const char *pt = ts_node_is_null(parent) ? "" : ts_node_type(parent);
        if (strcmp(pt, "import_specifier") == 0 || strcmp(pt, "import_clause") == 0 ||
            strcmp(pt, "namespace_import") == 0 || strcmp(pt, "import_require_clause") == 0 ||
            strcmp(pt, "export_specifier") == 0 || strcmp(pt, "pair_pattern") == 0 ||
            strcmp(pt, "catch_clause") == 0 || strcmp(pt, "array_pattern") == 0 ||
            strcmp(pt, "rest_pattern") == 0 || strcmp(pt, "object_assignment_pattern") == 0 ||
            ((strcmp(pt, "required_parameter") == 0 || strcmp(pt, "optional_parameter") == 0) &&
             fid != f->value) ||
            (strcmp(pt, "assignment_pattern") == 0 && fid == f->left))
            return false;
        if (pk == NK_BINARY && fid == f->right) {
            size_t ol;
            const char *op = node_text(r, field(parent, f->operator_), &ol);
            if (ol == 10 && memcmp(op, "instanceof", 10) == 0)
                return false;
        }
        if (pk == NK_UNARY) {
            size_t ol;
            const char *op = node_text(r, field(parent, f->operator_), &ol);
            if (ol == 6 && memcmp(op, "typeof", 6) == 0)
                return false;
        }
    }
        /* fall through */
    case NK_SHORTHAND:
    case NK_ATTR:
    case NK_SUBSCRIPT:
    case NK_CALL:
        if ((pk == NK_ATTR || pk == NK_SUBSCRIPT) && fid == f->object)
            return false;
        names_resolve(r, n, out);
        if (k == NK_CALL)
            return !(out->n == 1 && strcmp(out->s[0], NAME_UNKNOWN) == 0);
        return true;
    default:
        return false;
    }
}

/* ---------------------------------------------------------------------- */
/* Strings built at run time                                              */

static bool ecma_const(struct run *r, TSNode n, int depth)
{
    char buf[AST_FOLD_MAX + 1];
    n = unwrap(r, n);
    const char *t = ts_node_type(n);
    return node_kind(r, n) == NK_INTEGER || strcmp(t, "true") == 0 || strcmp(t, "false") == 0 ||
           strcmp(t, "null") == 0 || strcmp(t, "undefined") == 0 ||
           ecma_fold(r, n, buf, depth + 1) >= 0;
}

static bool ecma_stringish(struct run *r, TSNode n)
{
    enum nk k = node_kind(r, unwrap(r, n));
    return k == NK_STRING || k == NK_TEMPLATE;
}

static bool ecma_text_matches(struct run *r, TSNode n, const regex_t *re, int depth)
{
    size_t len;
    n = unwrap(r, n);
    const char *t = node_text(r, n, &len);
    if (regex_text(re, t, len))
        return true;
    if (node_kind(r, n) != NK_IDENT || depth > AST_RESOLVE_DEPTH)
        return false;
    char name[AST_NAME_MAX];
    int nl = ident_name(r, n, name, sizeof(name));
    if (nl <= 0 || !resolving_push(r, name, (size_t)nl))
        return false;
    bool m = false;
    for (const struct binding *b = bind_next(r, name, (size_t)nl, NULL); b && !m;
         b = bind_next(r, name, (size_t)nl, b))
        if (!b->is_str && !b->str) {
            uint32_t saved = r->scope;
            r->scope = b->scope;
            m = ecma_text_matches(r, b->value, re, depth + 1);
            r->scope = saved;
        }
    resolving_pop(r);
    return m;
}

static bool dynamic(struct run *r, TSNode n, int depth)
{
    if (ts_node_is_null(n) || depth > AST_RESOLVE_DEPTH || run_expired(r))
        return false;
    n = unwrap(r, n);
    switch (node_kind(r, n)) {
    case NK_TEMPLATE:
        for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
            TSNode ch = ts_node_named_child(n, c);
            if (strcmp(ts_node_type(ch), "template_substitution") == 0 &&
                !ecma_const(r, ts_node_named_child(ch, 0), depth))
                return true;
        }
        return false;
    case NK_BINARY: {
        size_t ol;
        const char *op = node_text(r, field(n, r->lp->f.operator_), &ol);
        if (ol != 1 || op[0] != '+')
            return false;
        TSNode left = field(n, r->lp->f.left), right = field(n, r->lp->f.right);
        bool ls = ecma_stringish(r, left) || dynamic(r, left, depth + 1);
        bool rs = ecma_stringish(r, right) || dynamic(r, right, depth + 1);
        return (ls || rs) && !(ecma_const(r, left, depth) && ecma_const(r, right, depth));
    }
    case NK_CALL: {
        TSNode obj;
        char m[16];
        if (!method_call(r, n, &obj, m, sizeof(m)))
            return false;
        if (strcmp(m, "concat") == 0 || strcmp(m, "replace") == 0)
            return (ecma_stringish(r, obj) || dynamic(r, obj, depth + 1)) &&
                   !ecma_const(r, n, depth);
        return false;
    }
    case NK_AUGASSIGN:
        return !ecma_const(r, field(n, r->lp->f.right), depth);
    case NK_IDENT: {
        char name[AST_NAME_MAX];
        int nl = ident_name(r, n, name, sizeof(name));
        if (nl <= 0 || !resolving_push(r, name, (size_t)nl))
            return false;
        bool d = false;
        for (const struct binding *b = bind_next(r, name, (size_t)nl, NULL); b && !d;
             b = bind_next(r, name, (size_t)nl, b))
            if (!b->is_str && !b->str) {
                uint32_t saved = r->scope;
                r->scope = b->scope;
                d = dynamic(r, b->value, depth + 1);
                r->scope = saved;
            }
        resolving_pop(r);
        return d;
    }
    default:
        return false;
    }
}

bool ecma_dynamic(struct run *r, TSNode n, const regex_t *re, int depth)
{
    if (!dynamic(r, n, depth))
        return false;
    return !re || ecma_text_matches(r, n, re, depth);
}
