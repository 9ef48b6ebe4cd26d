/*
 * The language table: one row per supported language. Everything that
 * differs between languages is named here (file extension, code-fence tags,
 * comment syntax, tree-sitter grammar, policy file, analysers, runner), so
 * adding a language is one row plus its policy file, worker adapter and
 * runner.
 */
#pragma once

#include <stddef.h>

/* tree-sitter's grammar handle (TSLanguage in tree_sitter/api.h). */
struct TSLanguage;

enum lang_id {
    LANG_PYTHON,
    LANG_JAVASCRIPT,
    LANG_TYPESCRIPT,
    LANG_SOLIDITY,
    LANG_COUNT
};

struct lang {
    enum lang_id id;
    const char *name;          /* the API's `language` value: "python" */
    const char *ext;           /* file extension with the dot: ".py" */
    const char *fences;        /* code-fence tags, space-separated: "python py python3" */
    const char *line_comment;  /* "#" or "//" */
    const char *policy;        /* AST policy file under policy/: "python.scm" */
    const struct TSLanguage *(*grammar)(void); /* tree-sitter grammar; static, not owned */
    const char *analysers[3];  /* analyser worker names, NULL-terminated */
};

/* The row for `id`. */
const struct lang *lang_get(enum lang_id id);

/* The row whose name is `name` (exactly), or NULL. */
const struct lang *lang_by_name(const char *name);

/* The row whose code-fence tags include `tag` (case-insensitive), or NULL. */
const struct lang *lang_by_fence(const char *tag, size_t len);

/* The row for a file name's extension ("app.py", "x.mjs"), by the fence tags; or NULL. */
const struct lang *lang_by_path(const char *path);

/* "python, javascript, typescript, solidity", for error messages. */
const char *lang_names(void);
