/*
 * How Python names resolve, for the @names rules and #resolves-to?.
 *
 * The resolver works the way an attacker's evasions do, in reverse:
 *
 *   from os import system as s; s(cmd)          s           -> os.system
 *   import subprocess as sp; sp.run(...)        sp.run      -> subprocess.run
 *   f = os.system; f(cmd)                       f           -> os.system
 *   __import__('os').system                                 -> os.system
 *   importlib.import_module('o' + 's').popen                -> os.popen
 *   getattr(__builtins__, 'ev' + 'al')                      -> eval
 *   globals()['__builtins__'].__dict__['exec']              -> exec
 *   vars(os)['system'], sys.modules['os'].system            -> os.system
 *
 * Bindings are flow-insensitive: a name stands for every value it is ever
 * given, and always for itself too (`exec = safe` does not make a later
 * `exec(x)` safe, since the rebinding may not run). That over-approximates,
 * which is the direction a gate must err in. A lookup by a key that cannot
 * be folded to a constant resolves to NAME_DYN, which the policy flags on
 * builtins and modules.
 */
#include "config.h"

#include "check/ast-internal.h"

#include "base/util.h"

#include <ctype.h>
#include <string.h>

/* Namespaces whose attributes are plain builtins. */
static bool builtins_like(const char *s)
{
    return strcmp(s, "builtins") == 0 || strcmp(s, "__builtins__") == 0 ||
           strcmp(s, "__builtin__") == 0 || strcmp(s, NAME_NS) == 0;
}

/* "builtins.exec" is exec: `from builtins import exec as e` imports it. */
static const char *strip_builtins(const char *name)
{
    static const char *const mods[] = {"builtins.", "__builtins__.", "__builtin__."};
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        size_t n = strlen(mods[i]);
        if (strncmp(name, mods[i], n) == 0 && name[n])
            return name + n;
    }
    return name;
}

/* Attributes of the builtins namespace that are not builtins themselves. */
static bool namespace_attr(const char *attr)
{
    return strcmp(attr, "__dict__") == 0 || strcmp(attr, "__getattribute__") == 0 ||
           strcmp(attr, "__getattr__") == 0 || strcmp(attr, "get") == 0 ||
           strcmp(attr, "__getitem__") == 0;
}

static TSNode field(TSNode n, TSFieldId id)
{
    return ts_node_child_by_field_id(n, id);
}

/* The i-th positional argument of an argument_list, or a null node. */
static TSNode arg_at(const struct run *r, TSNode args, uint32_t i)
{
    uint32_t k = 0;
    for (uint32_t c = 0; c < ts_node_named_child_count(args); c++) {
        TSNode a = ts_node_named_child(args, c);
        enum nk kind = node_kind(r, a);
        if (kind == NK_KWARG || strcmp(ts_node_type(a), "comment") == 0)
            continue;
        if (strcmp(ts_node_type(a), "list_splat") == 0 ||
            strcmp(ts_node_type(a), "dictionary_splat") == 0)
            return (TSNode){0};
        if (k++ == i)
            return a;
    }
    return (TSNode){0};
}

static uint32_t arg_count(const struct run *r, TSNode args)
{
    uint32_t k = 0;
    for (uint32_t c = 0; c < ts_node_named_child_count(args); c++)
        if (node_kind(r, ts_node_named_child(args, c)) != NK_KWARG)
            k++;
    return k;
}

/* ---------------------------------------------------------------------- */
/* Folding constant strings                                               */

/* Append the body of a (non-raw) Python string literal, decoding escapes. */
static int decode_py(char *buf, int n, const char *s, size_t len, bool raw)
{
    for (size_t i = 0; i < len; i++) {
        unsigned long cp = (unsigned char)s[i];
        if (s[i] == '\\' && !raw && i + 1 < len) {
            char e = s[++i];
            size_t digits = 0;
            switch (e) {
            case 'n':
                cp = '\n';
                break;
            case 't':
                cp = '\t';
                break;
            case 'r':
                cp = '\r';
                break;
            case '0':
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
            case '7':
                cp = 0;
                for (size_t k = 0; k < 3 && i < len && s[i] >= '0' && s[i] <= '7'; k++, i++)
                    cp = cp * 8 + (unsigned long)(s[i] - '0');
                i--;
                break;
            case 'x':
                digits = 2;
                break;
            case 'u':
                digits = 4;
                break;
            case 'U':
                digits = 8;
                break;
            case '\n':
                continue;
            case 'N':
                return -1; /* \N{NAME}: not worth a name table */
            default:
                cp = (unsigned char)e;
                break;
            }
            if (digits) {
                cp = 0;
                for (size_t k = 0; k < digits; k++) {
                    if (i + 1 >= len || sk_hex_digit(s[i + 1]) < 0)
                        return -1;
                    cp = cp * 16 + (unsigned long)sk_hex_digit(s[++i]);
                }
                n = fold_utf8(buf, n, cp);
                if (n < 0)
                    return -1;
                continue;
            }
        }
        if (cp >= 0x80) {
            /* Raw UTF-8 byte: copied as is. */
            if (n + 1 > AST_FOLD_MAX)
                return -1;
            buf[n++] = s[i];
            continue;
        }
        n = fold_utf8(buf, n, cp);
        if (n < 0)
            return -1;
    }
    return n;
}

static int fold_string(struct run *r, TSNode n, char *buf, int depth)
{
    int len = 0;
    bool raw = false;
    for (uint32_t c = 0; c < ts_node_child_count(n); c++) {
        TSNode ch = ts_node_child(n, c);
        const char *type = ts_node_type(ch);
        size_t tl;
        const char *t = node_text(r, ch, &tl);
        if (strcmp(type, "string_start") == 0) {
            for (size_t k = 0; k < tl && t[k] != '"' && t[k] != '\''; k++)
                if (t[k] == 'r' || t[k] == 'R')
                    raw = true;
        } else if (strcmp(type, "string_content") == 0) {
            len = decode_py(buf, len, t, tl, raw);
        } else if (strcmp(type, "interpolation") == 0) {
            if (!ts_node_is_null(ts_node_child_by_field_name(ch, "type_conversion", 15)) ||
                !ts_node_is_null(ts_node_child_by_field_name(ch, "format_specifier", 16)))
                return -1;
            char sub[AST_FOLD_MAX + 1];
            int k = py_fold(r, ts_node_child_by_field_name(ch, "expression", 10), sub, depth + 1);
            if (k < 0 || len + k > AST_FOLD_MAX)
                return -1;
            memcpy(buf + len, sub, (size_t)k);
            len += k;
        } else if (strcmp(type, "string_end") != 0) {
            return -1;
        }
        if (len < 0)
            return -1;
    }
    return len;
}

static int unhex(char *buf, int len)
{
    int out = 0;
    for (int i = 0; i < len;) {
        while (i < len && buf[i] == ' ')
            i++;
        if (i >= len)
            break;
        if (i + 1 >= len || sk_hex_digit(buf[i]) < 0 || sk_hex_digit(buf[i + 1]) < 0)
            return -1;
        buf[out++] = (char)(sk_hex_digit(buf[i]) * 16 + sk_hex_digit(buf[i + 1]));
        i += 2;
    }
    return out;
}

static void rot13(char *buf, int len)
{
    for (int i = 0; i < len; i++) {
        char c = buf[i];
        if (c >= 'a' && c <= 'z')
            buf[i] = (char)('a' + (c - 'a' + 13) % 26);
        else if (c >= 'A' && c <= 'Z')
            buf[i] = (char)('A' + (c - 'A' + 13) % 26);
    }
}

/* The attribute name of a call's callee `X.name(...)`, and X. */
static bool method_of(const struct run *r, TSNode call, TSNode *obj, char *name, size_t cap)
{
    TSNode fn = field(call, r->lp->f.function);
    if (node_kind(r, fn) != NK_ATTR)
        return false;
    *obj = field(fn, r->lp->f.object);
    return ident_name(r, field(fn, r->lp->f.attribute), name, cap) > 0;
}

static int fold_call(struct run *r, TSNode n, char *buf, int depth)
{
    TSNode args = field(n, r->lp->f.arguments);
    if (ts_node_is_null(args) || strcmp(ts_node_type(args), "argument_list") != 0)
        return -1;
    TSNode obj;
    char m[32];
    if (method_of(r, n, &obj, m, sizeof(m))) {
        if (strcmp(m, "join") == 0) {
            /* sep.join([a, b, ...]) */
            char sep[AST_FOLD_MAX + 1];
            int sl = py_fold(r, obj, sep, depth + 1);
            TSNode list = arg_at(r, args, 0);
            if (sl < 0 || node_kind(r, list) != NK_LIST || arg_count(r, args) != 1)
                return -1;
            int len = 0;
            for (uint32_t c = 0; c < ts_node_named_child_count(list); c++) {
                char part[AST_FOLD_MAX + 1];
                int pl = py_fold(r, ts_node_named_child(list, c), part, depth + 1);
                if (pl < 0 || len + pl + (c ? sl : 0) > AST_FOLD_MAX)
                    return -1;
                if (c) {
                    memcpy(buf + len, sep, (size_t)sl);
                    len += sl;
                }
                memcpy(buf + len, part, (size_t)pl);
                len += pl;
            }
            return len;
        }
        int len;
        if ((strcmp(m, "lower") == 0 || strcmp(m, "upper") == 0 || strcmp(m, "strip") == 0 ||
             strcmp(m, "decode") == 0 || strcmp(m, "encode") == 0) &&
            (len = py_fold(r, obj, buf, depth + 1)) >= 0) {
            if (m[0] == 'l' || m[0] == 'u')
                for (int i = 0; i < len; i++)
                    buf[i] = (char)(m[0] == 'l' ? tolower((unsigned char)buf[i])
                                                : toupper((unsigned char)buf[i]));
            if (m[0] == 's') {
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
    /* Calls by resolved name: chr(101), bytes.fromhex('..'),
     * base64.b64decode('..'), codecs.decode('..', 'rot13'), str(x). */
    struct cands fc;
    cands_clear(&fc);
    py_resolve(r, field(n, r->lp->f.function), &fc, depth + 1);
    TSNode a0 = arg_at(r, args, 0);
    if (ts_node_is_null(a0))
        return -1;
    for (int i = 0; i < fc.n; i++) {
        const char *f = fc.s[i];
        if (strcmp(f, "chr") == 0 && node_kind(r, a0) == NK_INTEGER) {
            size_t tl;
            const char *t = node_text(r, a0, &tl);
            char num[16];
            if (tl == 0 || tl >= sizeof(num))
                return -1;
            memcpy(num, t, tl);
            num[tl] = 0;
            char *end;
            unsigned long v = strtoul(num, &end, 0);
            if (*end)
                return -1;
            return fold_utf8(buf, 0, v);
        }
        if (strcmp(f, "str") == 0)
            return py_fold(r, a0, buf, depth + 1);
        if (strcmp(f, "bytes.fromhex") == 0) {
            int len = py_fold(r, a0, buf, depth + 1);
            return len < 0 ? -1 : unhex(buf, len);
        }
        if (strncmp(f, "base64.", 7) == 0 && strstr(f, "64decode")) {
            int len = py_fold(r, a0, buf, depth + 1);
            return len < 0 ? -1 : fold_unbase64(buf, len);
        }
        if (strcmp(f, "codecs.decode") == 0 || strcmp(f, "codecs.encode") == 0) {
            char how[32];
            TSNode a1 = arg_at(r, args, 1);
            int hl = ts_node_is_null(a1) ? -1 : py_fold(r, a1, how, depth + 1);
            int len = py_fold(r, a0, buf, depth + 1);
            if (hl < 0 || len < 0 || hl >= (int)sizeof(how))
                return -1;
            how[hl] = 0;
            if (strcmp(how, "rot13") != 0 && strcmp(how, "rot_13") != 0)
                return -1;
            rot13(buf, len);
            return len;
        }
    }
    return -1;
}

int py_fold(struct run *r, TSNode n, char *buf, int depth)
{
    if (ts_node_is_null(n) || depth > AST_RESOLVE_DEPTH || run_expired(r))
        return -1;
    switch (node_kind(r, n)) {
    case NK_STRING:
        return fold_string(r, n, buf, depth);
    case NK_CONCAT: {
        int len = 0;
        for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
            char part[AST_FOLD_MAX + 1];
            int pl = py_fold(r, ts_node_named_child(n, c), part, depth + 1);
            if (pl < 0 || len + pl > AST_FOLD_MAX)
                return -1;
            memcpy(buf + len, part, (size_t)pl);
            len += pl;
        }
        return len;
    }
    case NK_BINARY: {
        size_t ol;
        const char *op = node_text(r, field(n, r->lp->f.operator_), &ol);
        if (ol != 1 || op[0] != '+')
            return -1;
        char right[AST_FOLD_MAX + 1];
        int ll = py_fold(r, field(n, r->lp->f.left), buf, depth + 1);
        int rl = ll < 0 ? -1 : py_fold(r, field(n, r->lp->f.right), right, depth + 1);
        if (rl < 0 || ll + rl > AST_FOLD_MAX)
            return -1;
        memcpy(buf + ll, right, (size_t)rl);
        return ll + rl;
    }
    case NK_WRAP:
        return py_fold(r, ts_node_named_child(n, 0), buf, depth + 1);
    case NK_CALL:
        return fold_call(r, n, buf, depth);
    case NK_SUBSCRIPT: {
        /* s[::-1] */
        TSNode sl = field(n, r->lp->f.subscript);
        size_t tl;
        const char *t = node_text(r, sl, &tl);
        char compact[16];
        size_t k = 0;
        for (size_t i = 0; i < tl && k < sizeof(compact) - 1; i++)
            if (!isspace((unsigned char)t[i]))
                compact[k++] = t[i];
        compact[k] = 0;
        if (strcmp(compact, "::-1") != 0)
            return -1;
        int len = py_fold(r, field(n, r->lp->f.value), buf, depth + 1);
        for (int i = 0; i < len / 2; i++) {
            char c = buf[i];
            buf[i] = buf[len - 1 - i];
            buf[len - 1 - i] = c;
        }
        return len;
    }
    case NK_IDENT:
        return fold_name(r, n, buf, depth, py_fold);
    default:
        return -1;
    }
}

/* ---------------------------------------------------------------------- */
/* Resolving                                                              */

/* The names a binding's value resolves to. */
static void resolve_value(struct run *r, const struct binding *b, struct cands *out, int depth)
{
    struct cands v;
    cands_clear(&v);
    py_resolve(r, b->value, &v, depth + 1);
    for (int i = 0; i < v.n; i++)
        cands_add(out, v.s[i], strlen(v.s[i]), NULL, 0);
}

/* Add the names `key` is bound to (plus `rest`, a dotted tail). */
static void add_bound(struct run *r, const char *key, size_t klen, const char *rest, size_t rlen,
                      struct cands *out, int depth)
{
    struct cands v;
    bound_names(r, key, klen, depth, resolve_value, &v);
    for (int i = 0; i < v.n; i++)
        cands_add(out, v.s[i], strlen(v.s[i]), rest, rlen);
}

/* base + "." + attr, where attributes of builtins are plain names. */
static void add_member(struct cands *out, const char *base, const char *attr, size_t alen)
{
    if (builtins_like(base) || base[0] == 0)
        cands_add(out, attr, alen, NULL, 0);
    else
        cands_add_member(out, base, attr, alen);
}

static void resolve_attr(struct run *r, TSNode n, struct cands *out, int depth)
{
    /* Collect the chain a.b.c from the outside in, keeping the innermost
     * segments: they carry the part the patterns look at. */
    enum { MAXSEG = 32 };
    TSNode segs[MAXSEG];
    int nseg = 0, total = 0;
    TSNode cur = n;
    while (!ts_node_is_null(cur)) {
        enum nk k = node_kind(r, cur);
        if (k == NK_WRAP) {
            cur = ts_node_named_child(cur, 0);
            continue;
        }
        if (k != NK_ATTR)
            break;
        segs[total % MAXSEG] = field(cur, r->lp->f.attribute);
        total++;
        cur = field(cur, r->lp->f.object);
        if (run_expired(r))
            return;
    }
    nseg = total < MAXSEG ? total : MAXSEG;
    /* segs in inner-to-outer order: index (total-1-i) % MAXSEG for i < nseg. */
    char names[MAXSEG][64];
    size_t lens[MAXSEG];
    for (int i = 0; i < nseg; i++) {
        int l = ident_name(r, segs[(total - 1 - i) % MAXSEG], names[i], sizeof(names[i]));
        lens[i] = l < 0 ? 0 : (size_t)l;
        if (l < 0)
            names[i][0] = 0;
    }
    struct cands base;
    cands_clear(&base);
    py_resolve(r, cur, &base, depth + 1);
    for (int b = 0; b < base.n; b++) {
        char acc[AST_NAME_MAX];
        name_join(acc, sizeof(acc), base.s[b], NULL);
        for (int i = 0; i < nseg; i++) {
            char next[AST_NAME_MAX];
            if (builtins_like(acc) && !namespace_attr(names[i]))
                name_join(next, sizeof(next), names[i], NULL);
            else
                name_join(next, sizeof(next), acc, names[i]);
            memcpy(acc, next, sizeof(acc));
        }
        cands_add(out, acc, strlen(acc), NULL, 0);
    }
    /* Bindings of dotted paths: self.run = os.system; self.run(cmd). */
    if (node_kind(r, cur) == NK_IDENT) {
        char key[AST_NAME_MAX];
        int kl = ident_name(r, cur, key, sizeof(key));
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

/* Look `key` (folded, or NULL when it cannot be) up in the namespace `ns`. */
static void add_lookup(struct cands *out, const char *ns, const char *key, int klen)
{
    size_t nl = strlen(ns);
    if (strcmp(ns, "sys.modules") == 0) {
        if (key)
            cands_add(out, key, (size_t)klen, NULL, 0);
        else
            cands_add(out, NAME_DYNMOD, strlen(NAME_DYNMOD), NULL, 0);
        return;
    }
    char base[AST_NAME_MAX];
    name_join(base, sizeof(base), ns, NULL);
    if (nl > 9 && strcmp(ns + nl - 9, ".__dict__") == 0)
        base[nl - 9] = 0;
    if (key)
        add_member(out, base, key, (size_t)klen);
    else
        add_member(out, base, NAME_DYN, strlen(NAME_DYN));
}

/* Namespaces a subscript looks a name up in. */
static bool namespace_like(const char *s)
{
    size_t n = strlen(s);
    return builtins_like(s) || strcmp(s, "sys.modules") == 0 ||
           (n >= 8 && strcmp(s + n - 8, "__dict__") == 0);
}

static void resolve_subscript(struct run *r, TSNode n, struct cands *out, int depth)
{
    struct cands v;
    cands_clear(&v);
    py_resolve(r, field(n, r->lp->f.value), &v, depth + 1);
    bool any = false;
    for (int i = 0; i < v.n; i++)
        any |= namespace_like(v.s[i]);
    if (!any) {
        cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
        return;
    }
    char key[AST_FOLD_MAX + 1];
    int kl = py_fold(r, field(n, r->lp->f.subscript), key, depth + 1);
    for (int i = 0; i < v.n; i++) {
        if (namespace_like(v.s[i]))
            add_lookup(out, v.s[i], kl >= 0 ? key : NULL, kl);
        else
            cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
    }
}

/* The length of a ".__getattribute__" or ".__getattr__" ending of f, or 0. */
static size_t getattr_suffix(const char *f, size_t fl)
{
    if (fl > 17 && strcmp(f + fl - 17, ".__getattribute__") == 0)
        return 17;
    if (fl > 12 && strcmp(f + fl - 12, ".__getattr__") == 0)
        return 12;
    return 0;
}

static void resolve_call(struct run *r, TSNode n, struct cands *out, int depth)
{
    TSNode args = field(n, r->lp->f.arguments);
    struct cands fc;
    cands_clear(&fc);
    py_resolve(r, field(n, r->lp->f.function), &fc, depth + 1);
    bool named = false;
    TSNode a0 = ts_node_is_null(args) ? args : arg_at(r, args, 0);
    for (int i = 0; i < fc.n; i++) {
        const char *f = fc.s[i];
        size_t fl = strlen(f);
        if ((strcmp(f, "object.__getattribute__") == 0 ||
             strcmp(f, "type.__getattribute__") == 0) &&
            !ts_node_is_null(a0)) {
            /* object.__getattribute__(obj, 'name') is getattr(obj, 'name'). */
            struct cands o;
            cands_clear(&o);
            py_resolve(r, a0, &o, depth + 1);
            char key[AST_FOLD_MAX + 1];
            TSNode a1 = arg_at(r, args, 1);
            int kl = ts_node_is_null(a1) ? -1 : py_fold(r, a1, key, depth + 1);
            for (int k = 0; k < o.n; k++)
                add_member(out, o.s[k], kl >= 0 ? key : NAME_DYN,
                           kl >= 0 ? (size_t)kl : strlen(NAME_DYN));
            named = true;
        } else if (getattr_suffix(f, fl) && !ts_node_is_null(a0)) {
            /* __builtins__.__getattribute__('eval') */
            char base[AST_NAME_MAX];
            snprintf(base, sizeof(base), "%.*s", (int)(fl - getattr_suffix(f, fl)), f);
            char key[AST_FOLD_MAX + 1];
            int kl = py_fold(r, a0, key, depth + 1);
            add_member(out, base, kl >= 0 ? key : NAME_DYN,
                       kl >= 0 ? (size_t)kl : strlen(NAME_DYN));
            named = true;
        } else if (strcmp(f, "getattr") == 0 && !ts_node_is_null(a0)) {
            struct cands o;
            cands_clear(&o);
            py_resolve(r, a0, &o, depth + 1);
            char key[AST_FOLD_MAX + 1];
            TSNode a1 = arg_at(r, args, 1);
            int kl = ts_node_is_null(a1) ? -1 : py_fold(r, a1, key, depth + 1);
            for (int k = 0; k < o.n; k++) {
                if (kl >= 0)
                    add_member(out, o.s[k], key, (size_t)kl);
                else
                    add_member(out, o.s[k], NAME_DYN, strlen(NAME_DYN));
            }
            named = true;
        } else if ((strcmp(f, "__import__") == 0 || strcmp(f, "importlib.import_module") == 0 ||
                    strcmp(f, "importlib.__import__") == 0) &&
                   !ts_node_is_null(a0)) {
            char mod[AST_FOLD_MAX + 1];
            int ml = py_fold(r, a0, mod, depth + 1);
            if (ml > 0 && ml < AST_NAME_MAX)
                cands_add(out, mod, (size_t)ml, NULL, 0);
            else
                cands_add(out, NAME_DYNMOD, strlen(NAME_DYNMOD), NULL, 0);
            named = true;
        } else if ((strcmp(f, "globals") == 0 || strcmp(f, "locals") == 0 ||
                    strcmp(f, "vars") == 0) &&
                   ts_node_is_null(a0)) {
            cands_add(out, NAME_NS, strlen(NAME_NS), NULL, 0);
            named = true;
        } else if (strcmp(f, "vars") == 0) {
            struct cands o;
            cands_clear(&o);
            py_resolve(r, a0, &o, depth + 1);
            for (int k = 0; k < o.n; k++)
                cands_add(out, o.s[k], strlen(o.s[k]), ".__dict__", 9);
            named = true;
        } else if (fl > 4 &&
                   (strcmp(f + fl - 4, ".get") == 0 ||
                    (fl > 12 && strcmp(f + fl - 12, ".__getitem__") == 0)) &&
                   !ts_node_is_null(a0)) {
            /* globals().get('eval'), __builtins__.__dict__.__getitem__(k) */
            char ns[AST_NAME_MAX];
            snprintf(ns, sizeof(ns), "%.*s", (int)(fl - (f[fl - 1] == 't' ? 4 : 12)), f);
            if (namespace_like(ns)) {
                char key[AST_FOLD_MAX + 1];
                int kl = py_fold(r, a0, key, depth + 1);
                add_lookup(out, ns, kl >= 0 ? key : NULL, kl);
                named = true;
            }
        }
    }
    if (!named)
        cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
}

void py_resolve(struct run *r, TSNode n, struct cands *out, int depth)
{
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
    case NK_WRAP:
        py_resolve(r, ts_node_named_child(n, 0), out, depth + 1);
        return;
    case NK_ASSIGN: { /* a = b = os.system, (s := os.system) */
        TSNode v = field(n, r->lp->f.right);
        py_resolve(r, ts_node_is_null(v) ? field(n, r->lp->f.value) : v, out, depth + 1);
        return;
    }
    case NK_IDENT: {
        char name[AST_NAME_MAX];
        int nl = ident_name(r, n, name, sizeof(name));
        if (nl <= 0) {
            cands_add(out, NAME_UNKNOWN, strlen(NAME_UNKNOWN), NULL, 0);
            return;
        }
        cands_add(out, name, (size_t)nl, NULL, 0);
        add_bound(r, name, (size_t)nl, NULL, 0, out, depth);
        return;
    }
    case NK_ATTR:
        resolve_attr(r, n, out, depth);
        return;
    case NK_SUBSCRIPT:
        resolve_subscript(r, n, out, depth);
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

/* The dotted text of an identifier/attribute chain, or -1 for anything else. */
static int dotted_key(const struct run *r, TSNode n, char *buf, size_t cap)
{
    enum nk k = node_kind(r, n);
    if (k == NK_IDENT)
        return ident_name(r, n, buf, cap);
    if (k != NK_ATTR)
        return -1;
    int l = dotted_key(r, field(n, r->lp->f.object), buf, cap);
    if (l < 0)
        return -1;
    char a[64];
    int al = ident_name(r, field(n, r->lp->f.attribute), a, sizeof(a));
    if (al < 0 || (size_t)l + 1 + (size_t)al >= cap)
        return -1;
    buf[l++] = '.';
    memcpy(buf + l, a, (size_t)al);
    l += al;
    buf[l] = 0;
    return l;
}

static void bind_target(struct run *r, TSNode left, TSNode right)
{
    enum nk lk = node_kind(r, left);
    if (lk == NK_PATTERN || (lk == NK_LIST && strcmp(ts_node_type(left), "expression_list") != 0)) {
        /* a, b = x, y: pairwise when both sides have the same length. */
        enum nk rk = node_kind(r, right);
        if (rk != NK_LIST)
            return;
        uint32_t nl = ts_node_named_child_count(left), nr = ts_node_named_child_count(right);
        if (nl != nr)
            return;
        for (uint32_t i = 0; i < nl; i++)
            bind_target(r, ts_node_named_child(left, i), ts_node_named_child(right, i));
        return;
    }
    char key[AST_NAME_MAX];
    int kl = dotted_key(r, left, key, sizeof(key));
    if (kl > 0)
        bind_node(r, key, (size_t)kl, right, NULL, 0);
}

/* The dotted text of a dotted_name (identifiers joined by '.'). */
static int dotted_name(const struct run *r, TSNode n, char *buf, size_t cap)
{
    size_t l = 0;
    if (strcmp(ts_node_type(n), "relative_import") == 0) {
        /* from .mod import x: the package is unknown; keep the module. */
        for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
            TSNode ch = ts_node_named_child(n, c);
            if (strcmp(ts_node_type(ch), "dotted_name") == 0)
                return dotted_name(r, ch, buf, cap);
        }
        return -1;
    }
    for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
        char part[64];
        int pl = ident_name(r, ts_node_named_child(n, c), part, sizeof(part));
        if (pl < 0 || l + (size_t)pl + 2 >= cap)
            return -1;
        if (l)
            buf[l++] = '.';
        memcpy(buf + l, part, (size_t)pl);
        l += (size_t)pl;
    }
    buf[l] = 0;
    return (int)l;
}

/*
 * Visit the names an import statement brings in: `fn(r, target, alias)`
 * with target the full dotted name ("os.system") and alias the name bound
 * (NULL when nothing new is bound, as in `import os.path`).
 */
static void each_import(struct run *r, TSNode n, bool from,
                        void (*fn)(struct run *, TSNode, const char *, const char *, void *),
                        void *ud)
{
    char mod[AST_NAME_MAX] = "";
    TSNode mn = field(n, r->lp->f.module_name);
    if (from && (ts_node_is_null(mn) || dotted_name(r, mn, mod, sizeof(mod)) < 0)) {
        if (strcmp(ts_node_type(n), "future_import_statement") != 0)
            return;
        snprintf(mod, sizeof(mod), "__future__");
    }
    for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
        TSNode ch = ts_node_named_child(n, c);
        if (ts_node_eq(ch, mn))
            continue;
        const char *type = ts_node_type(ch);
        char name[AST_NAME_MAX], alias[64], full[AST_NAME_MAX];
        const char *bound = NULL;
        if (strcmp(type, "dotted_name") == 0) {
            if (dotted_name(r, ch, name, sizeof(name)) < 0)
                continue;
            if (from)
                bound = name;
        } else if (strcmp(type, "aliased_import") == 0) {
            if (dotted_name(r, field(ch, r->lp->f.name), name, sizeof(name)) < 0 ||
                ident_name(r, field(ch, r->lp->f.alias), alias, sizeof(alias)) < 0)
                continue;
            bound = alias;
        } else if (strcmp(type, "wildcard_import") == 0) {
            fn(r, ch, mod, NULL, ud);
            continue;
        } else {
            continue;
        }
        name_join(full, sizeof(full), from ? mod : name, from ? name : NULL);
        fn(r, ch, strip_builtins(full), bound, ud);
    }
}

static void bind_import(struct run *r, TSNode at, const char *target, const char *alias, void *ud)
{
    (void)at;
    (void)ud;
    if (alias)
        bind_str(r, alias, strlen(alias), target, strlen(target));
}

/* One node of the binding walk. */
void py_bind_node(struct run *r, TSNode n)
{
    switch (node_kind(r, n)) {
    case NK_ASSIGN: {
        TSNode left = field(n, r->lp->f.left), right = field(n, r->lp->f.right);
        if (ts_node_is_null(left)) { /* named_expression */
            left = field(n, r->lp->f.name);
            right = field(n, r->lp->f.value);
        }
        if (!ts_node_is_null(left) && !ts_node_is_null(right))
            bind_target(r, left, right);
        break;
    }
    case NK_AUGASSIGN: {
        /* sql += " WHERE id = " + x: the name is also given that value. */
        char key[AST_NAME_MAX];
        int kl = dotted_key(r, field(n, r->lp->f.left), key, sizeof(key));
        if (kl > 0)
            bind_node(r, key, (size_t)kl, n, NULL, 0);
        break;
    }
    case NK_IMPORT:
        each_import(r, n, false, bind_import, NULL);
        break;
    case NK_IMPORT_FROM:
        each_import(r, n, true, bind_import, NULL);
        break;
    case NK_PARAMS: {
        /* global x / nonlocal x: later assignments bind outside. */
        const char *t = ts_node_type(n);
        int how = strcmp(t, "global_statement") == 0     ? DECL_GLOBAL
                  : strcmp(t, "nonlocal_statement") == 0 ? DECL_NONLOCAL
                                                         : -1;
        for (uint32_t i = 0; how >= 0 && i < ts_node_named_child_count(n); i++) {
            char name[AST_NAME_MAX];
            int nl = ident_name(r, ts_node_named_child(n, i), name, sizeof(name));
            if (nl > 0)
                scope_declare(r, name, (size_t)nl, how);
        }
        break;
    }
    default:
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Reference roots                                                        */

struct import_refs {
    struct cands *out;
};

static void import_ref(struct run *r, TSNode at, const char *target, const char *alias, void *ud)
{
    (void)r;
    (void)at;
    (void)alias;
    struct import_refs *ir = ud;
    cands_add(ir->out, target, strlen(target), NULL, 0);
}

bool py_reference(struct run *r, TSNode n, TSNode parent, TSFieldId fid, struct cands *out)
{
    const struct fields *f = &r->lp->f;
    enum nk k = node_kind(r, n), pk = node_kind(r, parent);
    switch (k) {
    case NK_IMPORT:
    case NK_IMPORT_FROM: {
        struct import_refs ir = {out};
        cands_clear(out);
        each_import(r, n, k == NK_IMPORT_FROM, import_ref, &ir);
        return out->n > 0;
    }
    case NK_IDENT:
        if (pk == NK_ATTR && fid == f->attribute)
            return false;
        if ((pk == NK_KWARG || pk == NK_DEF) && fid == f->name)
            return false;
        if (pk == NK_PARAMS || pk == NK_PATTERN)
            return false;
        if ((pk == NK_ASSIGN && (fid == f->left || fid == f->name)))
            return false;
        if (!ts_node_is_null(parent)) {
            const char *pt = ts_node_type(parent);
            if (strcmp(pt, "dotted_name") == 0 || strcmp(pt, "aliased_import") == 0 ||
                ((strcmp(pt, "default_parameter") == 0 ||
                  strcmp(pt, "typed_default_parameter") == 0) &&
                 fid == f->name) ||
                strcmp(pt, "typed_parameter") == 0 || strcmp(pt, "list_splat_pattern") == 0 ||
                strcmp(pt, "dictionary_splat_pattern") == 0)
                return false;
        }
        /* fall through */
    case NK_ATTR:
    case NK_SUBSCRIPT:
    case NK_CALL:
        /* Only the outermost expression of a chain: os.system, not os. */
        if ((pk == NK_ATTR && fid == f->object) || (pk == NK_SUBSCRIPT && fid == f->value))
            return false;
        if (k == NK_CALL) {
            /* Only calls that name something: getattr, __import__, ... */
            names_resolve(r, n, out);
            return !(out->n == 1 && strcmp(out->s[0], NAME_UNKNOWN) == 0);
        }
        names_resolve(r, n, out);
        return true;
    default:
        return false;
    }
}

/* ---------------------------------------------------------------------- */
/* Strings built at run time                                              */

static bool py_const(struct run *r, TSNode n, int depth)
{
    char buf[AST_FOLD_MAX + 1];
    const char *t = ts_node_type(n);
    return node_kind(r, n) == NK_INTEGER || strcmp(t, "float") == 0 || strcmp(t, "true") == 0 ||
           strcmp(t, "false") == 0 || strcmp(t, "none") == 0 || py_fold(r, n, buf, depth + 1) >= 0;
}

static bool py_stringish(struct run *r, TSNode n)
{
    enum nk k = node_kind(r, n);
    return k == NK_STRING || k == NK_CONCAT;
}

/* The text of `n`, or of what a name is bound to, matches `re`. */
static bool py_text_matches(struct run *r, TSNode n, const regex_t *re, int depth)
{
    size_t len;
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
        if (!b->is_str) {
            uint32_t saved = r->scope;
            r->scope = b->scope;
            m = py_text_matches(r, b->value, re, depth + 1);
            r->scope = saved;
        }
    resolving_pop(r);
    return m;
}

static bool dynamic(struct run *r, TSNode n, int depth)
{
    if (ts_node_is_null(n) || depth > AST_RESOLVE_DEPTH || run_expired(r))
        return false;
    switch (node_kind(r, n)) {
    case NK_WRAP:
        return dynamic(r, ts_node_named_child(n, 0), depth + 1);
    case NK_STRING:
        for (uint32_t c = 0; c < ts_node_named_child_count(n); c++) {
            TSNode ch = ts_node_named_child(n, c);
            if (strcmp(ts_node_type(ch), "interpolation") == 0 &&
                !py_const(r, ts_node_child_by_field_name(ch, "expression", 10), depth))
                return true;
        }
        return false;
    case NK_CONCAT:
        for (uint32_t c = 0; c < ts_node_named_child_count(n); c++)
            if (dynamic(r, ts_node_named_child(n, c), depth + 1))
                return true;
        return false;
    case NK_BINARY: {
        size_t ol;
        const char *op = node_text(r, field(n, r->lp->f.operator_), &ol);
        TSNode left = field(n, r->lp->f.left), right = field(n, r->lp->f.right);
        if (ol == 1 && op[0] == '%')
            return (py_stringish(r, left) || dynamic(r, left, depth + 1)) &&
                   !py_const(r, right, depth);
        if (ol == 1 && op[0] == '+') {
            bool ls = py_stringish(r, left) || dynamic(r, left, depth + 1);
            bool rs = py_stringish(r, right) || dynamic(r, right, depth + 1);
            return (ls || rs) && !(py_const(r, left, depth) && py_const(r, right, depth));
        }
        return false;
    }
    case NK_CALL: {
        TSNode obj;
        char m[16];
        if (!method_of(r, n, &obj, m, sizeof(m)))
            return false;
        TSNode args = field(n, r->lp->f.arguments);
        if (strcmp(m, "format") == 0 || strcmp(m, "format_map") == 0)
            return (py_stringish(r, obj) || dynamic(r, obj, depth + 1)) &&
                   ts_node_named_child_count(args) > 0 && !py_const(r, n, depth);
        if (strcmp(m, "join") == 0)
            return py_stringish(r, obj) && !py_const(r, n, depth);
        return false;
    }
    case NK_AUGASSIGN:
        return !py_const(r, field(n, r->lp->f.right), depth);
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

bool py_dynamic(struct run *r, TSNode n, const regex_t *re, int depth)
{
    if (!dynamic(r, n, depth))
        return false;
    return !re || py_text_matches(r, n, re, depth);
}
