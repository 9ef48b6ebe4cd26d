/*
 * The AST policy's insides, shared by its files (not part of the public
 * interface, which is check/ast.h):
 *
 *   ast-load.c      reads policy/<lang>.scm into rules and one compiled
 *                   tree-sitter query per language
 *   ast.c           runs a check: parse with limits, syntax errors, the
 *                   name walk, the query, the structural checks, findings
 *   ast-names.c     name resolution shared by the languages: candidate
 *                   sets, the binding table, name patterns
 *   ast-python.c    how Python names resolve (imports, aliases, getattr,
 *                   globals()[...], __import__, string folding)
 *   ast-ecma.c      the same for JavaScript and TypeScript (require,
 *                   import, destructuring, globalThis[...], folding)
 *   ast-checks.c    structural checks written in C that queries cannot
 *                   express (Solidity reentrancy, unused call results and
 *                   constructor names; Trojan Source characters)
 *
 * A rule is data: an id, a category, a severity, a CWE and a message, and
 * one or more of three ways to find it: tree-sitter query patterns, a list
 * of resolved names (@names) that the name walk matches every reference
 * against, or a structural check in C named by @check.
 */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "check/ast.h"

/* Limits that keep one check bounded whatever the input. */
#define AST_DEFAULT_MAX_BYTES (1024 * 1024) /* input cap */
#define AST_DEFAULT_TIMEOUT_MS 2000         /* parse + queries + walks */
#define AST_MAX_DEPTH 4096                  /* tree depth the walks follow */
#define AST_MAX_FINDINGS 256                /* findings kept per check */
#define AST_MAX_SYNTAX 16                   /* syntax findings kept per check */
#define AST_MAX_BINDINGS 32768              /* names bound per check */
#define AST_RESOLVE_DEPTH 24                /* nested resolution steps */
#define AST_NAME_MAX 128                    /* bytes of one resolved name */
#define AST_CANDS 12                        /* resolved names per expression */
#define AST_FOLD_MAX 256                    /* bytes of one folded string */

/* Markers inside resolved names. They cannot occur in real identifiers. */
#define NAME_UNKNOWN "<?>"     /* a value the resolver cannot name (a call's result, a literal) */
#define NAME_DYN "<dyn>"       /* a member looked up by a computed, non-constant key */
#define NAME_DYNMOD "<dynmod>" /* a module imported by a computed name */
#define NAME_DEEP "<deep>"     /* resolution gave up: nested too deeply or too many bindings */
#define NAME_NS "<ns>"         /* the global namespace: globals(), window, globalThis */

/* ---------------------------------------------------------------------- */
/* Rules and the compiled policy                                          */

enum rule_check {
    CHECK_NONE,
    CHECK_TROJAN_SOURCE,    /* bidi controls and invisible characters */
    CHECK_REENTRANCY,       /* Solidity: state written after an external call */
    CHECK_UNUSED_RESULT,    /* Solidity: a low-level call's success flag never read */
    CHECK_CONSTRUCTOR_NAME, /* Solidity: a function named almost like its contract */
};

struct name_pat {
    char *text; /* the pattern without its '*'; owned */
    size_t len;
    uint8_t form; /* NAME_EXACT, NAME_PREFIX ("os.exec*"), NAME_SUFFIX ("*.__globals__") */
};
enum { NAME_EXACT, NAME_PREFIX, NAME_SUFFIX };

struct ast_rule {
    char *id;       /* "py.eval"; owned */
    char *category; /* owned */
    enum severity severity;
    char *cwe;              /* "CWE-95" or NULL; owned */
    char *message;          /* may hold "{}", replaced by what matched; owned */
    char *file;             /* policy file it came from; owned */
    int line;               /* line of its @rule */
    struct name_pat *names; /* @names patterns; owned array */
    size_t nnames;
    enum rule_check check; /* @check, or CHECK_NONE */
    size_t qstart, qend;   /* its query text inside the language's query source */
    int npatterns;         /* query patterns it owns */
};

/* One compiled predicate of a query pattern. */
enum pred_op {
    PRED_EQ,       /* #eq? @a "text" | #eq? @a @b */
    PRED_MATCH,    /* #match? @a "regex" */
    PRED_ANY_OF,   /* #any-of? @a "x" "y" ... */
    PRED_RESOLVES, /* #resolves-to? @a "os.system" "subprocess" "*.__globals__" ... */
    PRED_DYNAMIC,  /* #dynamic-string? @a ["regex"]: a string built at run time */
    PRED_SCOPE,    /* #scope-match? @a "regex": the enclosing function's text */
    PRED_FILE,     /* #file-match? @a "regex": the whole file's text */
};

struct pred {
    enum pred_op op;
    bool negate;         /* the not- form */
    uint32_t capture;    /* capture id of the first argument */
    bool rhs_is_capture; /* #eq? @a @b */
    uint32_t rhs_capture;
    char **strs; /* literal arguments; owned */
    size_t nstrs;
    struct name_pat *pats; /* #resolves-to? patterns; owned */
    size_t npats;
    regex_t re; /* #match? */
    bool has_re;
};

struct pattern_info {
    int rule;           /* index into rules */
    uint32_t hit;       /* capture id of @hit */
    struct pred *preds; /* owned */
    size_t npreds;
};

/* Node kinds the resolver and the checks care about (per-grammar mapping). */
enum nk {
    NK_OTHER = 0,
    NK_IDENT,     /* identifier */
    NK_ATTR,      /* a.b: Python attribute, ECMAScript member_expression */
    NK_SUBSCRIPT, /* a[k] */
    NK_CALL,      /* f(...) */
    NK_NEW,       /* new F(...) */
    NK_WRAP,      /* (x), await x, x as T, x!, x satisfies T: the value of x */
    NK_SEQUENCE,  /* (a, b): the value of the last */
    NK_STRING,
    NK_TEMPLATE, /* ECMAScript `...` */
    NK_CONCAT,   /* Python "a" "b" */
    NK_BINARY,
    NK_ASSIGN,
    NK_VARDECL,     /* ECMAScript variable_declarator */
    NK_IMPORT,      /* import statements of every form */
    NK_IMPORT_FROM, /* Python from-import */
    NK_EXPORT,      /* ECMAScript export ... from */
    NK_SHORTHAND,   /* ECMAScript {eval}: a reference inside an object literal */
    NK_KWARG,       /* Python keyword_argument */
    NK_LIST,        /* list, tuple, array literal */
    NK_INTEGER,     /* integer / number literal */
    NK_THIS,
    NK_IMPORT_KW, /* ECMAScript import(...) callee */
    NK_DEF,       /* a definition whose name field is not a reference */
    NK_PARAMS,    /* parameter lists: every identifier inside is a definition */
    NK_UNARY,     /* ECMAScript typeof x */
    NK_JSX_NAME,  /* ECMAScript <div>: element names are not references */
    NK_PATTERN,   /* Python pattern_list / tuple_pattern (a, b = ...) */
    NK_AUGASSIGN, /* x += y */
    NK_FUNCTION,  /* a function body's owner, the scope of #scope-match? */
    NK_COUNT
};

enum lang_family { FAM_PYTHON, FAM_ECMA, FAM_SOLIDITY };

/* Field ids a language's resolver reads (0 when the grammar lacks one). */
struct fields {
    TSFieldId object, attribute, property, value, subscript, index, function, arguments,
        constructor, left, right, name, alias, module_name, source, key, operator_, argument, body,
        condition, type;
};

struct lang_policy {
    const struct lang *lang; /* not owned */
    const TSLanguage *ts;    /* not owned (static grammar) */
    enum lang_family family;
    struct ast_rule *rules; /* owned */
    size_t nrules;
    char *qsrc; /* the query source of every query rule; owned */
    size_t qlen;
    TSQuery *query;                /* NULL when no rule has a query; owned */
    struct pattern_info *patterns; /* one per query pattern; owned */
    uint32_t npatterns;
    uint8_t *kinds; /* grammar symbol -> enum nk; owned */
    uint32_t nsymbols;
    struct fields f;
    bool needs_names;         /* some rule has @names or #resolves-to? */
    size_t nname_rules;       /* rules with @names */
    struct name_index *index; /* every rule's @names, hashed; owned */
};

struct ast_policy {
    struct lang_policy langs[LANG_COUNT];
    char *allow; /* deployment's allowed categories, normalised; owned */
    size_t max_bytes;
    unsigned timeout_ms;
};

/* ---------------------------------------------------------------------- */
/* One check in progress                                                  */

struct hit {
    int rule;
    uint32_t line, column; /* 1-based; column counts code points */
    uint32_t byte;         /* start byte, for ordering */
    char what[64];         /* what matched, for the message's {} */
};

/* A set of resolved names for one expression. */
struct cands {
    int n;
    char s[AST_CANDS][AST_NAME_MAX];
};

struct binding;
struct bcache;

struct scope {
    uint32_t parent;     /* enclosing scope */
    uint32_t depth;      /* 0 for the module */
    uint32_t start, end; /* bytes of the function */
};

struct decl {
    uint32_t scope;
    int how;          /* DECL_LOCAL, DECL_GLOBAL, DECL_NONLOCAL */
    const char *name; /* arena */
    size_t len;
    struct decl *next; /* hash chain; arena */
};

struct run {
    const struct ast_policy *p;   /* not owned */
    const struct lang_policy *lp; /* not owned */
    const char *code;             /* not owned */
    size_t len;
    TSTree *tree;    /* owned by ast_policy_check */
    bool *rule_on;   /* per rule: not allowed away; owned */
    double deadline; /* sk_now_ms() past which the check stops */
    unsigned ticks;  /* run_expired() reads the clock every 64 calls */
    bool timed_out;
    bool too_deep;
    struct hit *hits; /* owned */
    size_t nhits, caphits;
    bool hits_capped;
    /* Name resolution. */
    struct binding **btab; /* hash table of bindings; owned */
    size_t btab_size;
    size_t nbindings;
    bool bindings_capped;
    char *arena; /* bump allocator for binding keys; owned chunks */
    void *chunks;
    const void *memo_id[64];  /* #resolves-to? results by node, direct-mapped */
    struct cands *memo[64];   /* owned */
    const void *file_pred[8]; /* #file-match? results, computed once per check */
    bool file_res[8];
    int nfile;
    unsigned incomplete;  /* resolutions cut short by a cycle or the depth cap */
    uint32_t scope;       /* the scope names are looked up from */
    struct scope *scopes; /* scopes[0] is the module; owned */
    uint32_t nscopes, capscopes;
    struct decl **decl_tab;                   /* declarations by scope and name; arena */
    struct bcache **bcache;                   /* bound_names() results by key; arena */
    const char *resolving[AST_RESOLVE_DEPTH]; /* names being resolved (cycle guard) */
    size_t resolving_len[AST_RESOLVE_DEPTH];
    int nresolving;
};

/* ---------------------------------------------------------------------- */
/* ast.c                                                                  */

/* Record a finding of rule `rule` at `node`; `what` (may be NULL) fills {}. */
void run_hit(struct run *r, int rule, TSNode node, const char *what, size_t whatlen);
/* The same at a byte offset and point of the code (for checks that scan bytes). */
void run_hit_at(struct run *r, int rule, uint32_t byte, TSPoint pt, const char *what,
                size_t whatlen);
/* True once the check's deadline has passed (sets r->timed_out). */
bool run_expired(struct run *r);
enum nk node_kind(const struct run *r, TSNode n);
/* The source text of `n` (not NUL-terminated). */
const char *node_text(const struct run *r, TSNode n, size_t *len);

/* ---------------------------------------------------------------------- */
/* ast-names.c                                                            */

void cands_clear(struct cands *c);
/* Add a name built from `a` + `b` (either may be NULL); drops duplicates. */
void cands_add(struct cands *c, const char *a, size_t alen, const char *b, size_t blen);
/* Add the name `a` "." `b` (b has blen bytes). */
void cands_add_member(struct cands *c, const char *a, const char *b, size_t blen);
/* dst = a "." b (just a when b is NULL), truncated to cap keeping the head:
 * the head is what the patterns' prefix match reads. dst may alias a. */
void name_join(char *dst, size_t cap, const char *a, const char *b);
/* True if `name` (or one of its dotted prefixes) matches one of `pats`. */
bool names_match(const struct name_pat *pats, size_t npats, const char *name);
/* Parse a pattern ("a.b", "a.b*", "*.c"); -EINVAL on any other form. */
int name_pat_parse(const char *s, struct name_pat *out);

/*
 * The @names patterns of all of a language's rules, hashed, so that one
 * resolved name is held against every rule in a few lookups (one per
 * dotted prefix, a few per dotted suffix) rather than pattern by pattern.
 */
struct name_index;
struct name_index *name_index_new(const struct ast_rule *rules, size_t nrules);
void name_index_free(struct name_index *ix);
/* Set hit[i] for every rule i one of whose patterns matches `name`. */
void name_index_match(const struct name_index *ix, const char *name, bool *hit);

/*
 * Scopes. Names are bound per function scope (scope 0 is the module), so
 * that `node` in one function and `node` in another are not one name; a
 * lookup sees the bindings of the current scope and of every enclosing
 * one. Dotted keys (self.run, this.run) always bind in the module scope:
 * attributes outlive the function that sets them.
 */
enum { DECL_LOCAL, DECL_GLOBAL, DECL_NONLOCAL };
/* Start with the module scope alone (scope 0), current. */
void scopes_init(struct run *r);
/* Enter a function spanning [start, end) bytes; it becomes the current scope. */
void scope_enter(struct run *r, uint32_t start, uint32_t end);
/* Back to the enclosing scope. */
void scope_leave(struct run *r);
/* Declare `name` in the current scope: local (JavaScript var/let/const and
 * parameters), or Python's global / nonlocal. */
void scope_declare(struct run *r, const char *name, size_t len, int how);
/* The innermost scope that holds the bytes [start, end). */
uint32_t scope_at(const struct run *r, uint32_t start, uint32_t end);

/* Bindings: `key` (a name or a dotted path) is bound to `value`, optionally
 * followed by `.member`, or to the fixed name `str`, in the current scope
 * (or where a global/nonlocal declaration sends it). */
void bind_node(struct run *r, const char *key, size_t klen, TSNode value, const char *member,
               size_t mlen);
void bind_str(struct run *r, const char *key, size_t klen, const char *str, size_t slen);
/* A JavaScript assignment without a declaration: it binds in the current
 * scope, and in the module scope too unless the current function declares
 * the name (it may be assigning an outer variable). */
void bind_assign(struct run *r, const char *key, size_t klen, TSNode value);
/* Each binding of `key` visible from the current scope, through the
 * iterator *it (NULL to start). */
const struct binding *bind_next(const struct run *r, const char *key, size_t klen,
                                const struct binding *it);
struct binding {
    const char *key; /* arena */
    size_t klen;
    uint32_t scope; /* the function scope it binds in (0: the module) */
    bool is_str;
    TSNode value;    /* when !is_str */
    const char *str; /* fixed name (is_str) or member suffix (may be NULL); arena */
    size_t slen;
    struct binding *next; /* hash chain; arena */
};
void run_names_close(struct run *r);
char *arena_dup(struct run *r, const char *s, size_t n);

/* Folding helpers (digit values come from sk_hex_digit and
 * sk_base64_digit in base/util.h): append code point `cp` as UTF-8 at
 * buf[n] (returns the new length, or -1 past AST_FOLD_MAX); decode base64
 * (either alphabet) in place (new length, or -1). */
int fold_utf8(char *buf, int n, unsigned long cp);
int fold_unbase64(char *buf, int len);

/* Cycle guard: push the name being resolved; false if it already is. */
bool resolving_push(struct run *r, const char *name, size_t len);
void resolving_pop(struct run *r);

/*
 * The names `key` is bound to, all its bindings together: a string
 * binding is its string; any other is turned into names by `value` (the
 * family's resolver), called with r->scope set to the scope the binding
 * was made in. Flow-insensitive, so the answer is the same wherever the key
 * is used: it is computed once per check and cached, unless a cycle or the
 * depth cap cut it short (then it is only right for this use). `out` is
 * cleared first.
 */
void bound_names(struct run *r, const char *key, size_t klen, int depth,
                 void (*value)(struct run *, const struct binding *, struct cands *, int),
                 struct cands *out);

/*
 * Fold identifier `n` to a constant string: it folds when every value it
 * is bound to folds (by the family's `fold`, in the binding's scope) to the
 * same string. Returns the length written to buf, or -1.
 */
int fold_name(struct run *r, TSNode n, char *buf, int depth,
              int (*fold)(struct run *, TSNode, char *, int));

/* ---------------------------------------------------------------------- */
/* Per-family resolvers (ast-python.c, ast-ecma.c)                        */

/* Record the bindings `n` makes (assignments, imports), if any. */
void py_bind_node(struct run *r, TSNode n);
void ecma_bind_node(struct run *r, TSNode n);
/* The names `n` may stand for. */
void py_resolve(struct run *r, TSNode n, struct cands *out, int depth);
void ecma_resolve(struct run *r, TSNode n, struct cands *out, int depth);
/*
 * The reference roots of the name walk: given a node and its parent, fill
 * `out` and return true if the node is the outermost expression of a
 * reference (or an import) whose names the @names rules are held against.
 */
bool py_reference(struct run *r, TSNode n, TSNode parent, TSFieldId field, struct cands *out);
bool ecma_reference(struct run *r, TSNode n, TSNode parent, TSFieldId field, struct cands *out);
/*
 * The constant string `n` evaluates to, if it is one the folder can work
 * out ("ev" + "al", "".join([...]), chr(101), atob("..."), ...). Returns
 * the length written to buf (at most AST_FOLD_MAX), or -1.
 */
int py_fold(struct run *r, TSNode n, char *buf, int depth);
int ecma_fold(struct run *r, TSNode n, char *buf, int depth);

/*
 * Is `n` a string assembled at run time from a part that is not constant
 * (formatting, concatenation, f-strings / template literals), directly or
 * through a name bound to one? When `re` is given, the text of the string
 * expression that decided it must also match `re` (e.g. look like SQL).
 */
bool py_dynamic(struct run *r, TSNode n, const regex_t *re, int depth);
bool ecma_dynamic(struct run *r, TSNode n, const regex_t *re, int depth);
/* regexec over a piece of the code (not NUL-terminated). */
bool regex_text(const regex_t *re, const char *t, size_t len);

/* The identifier's name as the language sees it: NFKC for Python,
 * \u escapes decoded for ECMAScript. Returns its length in buf, or -1. */
int ident_name(const struct run *r, TSNode n, char *buf, size_t cap);

/* Dispatch on the language family. */
void names_resolve(struct run *r, TSNode n, struct cands *out);

/* ---------------------------------------------------------------------- */
/* ast-checks.c                                                           */

/* The check named `name`, or CHECK_NONE; `families` gets where it runs. */
enum rule_check check_by_name(const char *name, unsigned *families);
/* Run the structural checks of every rule that has one (and is not allowed away). */
void checks_run(struct run *r);

/* ---------------------------------------------------------------------- */
/* ast-load.c                                                             */

/* The category names a rule may carry ("solidity_*" stands for any). */
bool category_valid(const char *cat);
