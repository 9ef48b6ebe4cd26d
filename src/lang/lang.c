/*
 * The language table (see lang.h).
 */
#include "config.h"

#include "lang/lang.h"

#include <string.h>
#include <strings.h>

/*
 * The grammars, compiled from the C sources of the tree-sitter-<lang> npm
 * packages (see src/check/meson.build). Each returns a static object.
 */
const struct TSLanguage *tree_sitter_python(void);
const struct TSLanguage *tree_sitter_javascript(void);
const struct TSLanguage *tree_sitter_typescript(void);
const struct TSLanguage *tree_sitter_solidity(void);

static const struct lang table[LANG_COUNT] = {
    [LANG_PYTHON] = {
        .id = LANG_PYTHON,
        .name = "python",
        .ext = ".py",
        .fences = "python py python3 py3",
        .line_comment = "#",
        .policy = "python.scm",
        .grammar = tree_sitter_python,
        .analysers = {"bandit", NULL},
    },
    [LANG_JAVASCRIPT] = {
        .id = LANG_JAVASCRIPT,
        .name = "javascript",
        .ext = ".js",
        .fences = "javascript js node nodejs mjs cjs",
        .line_comment = "//",
        .policy = "javascript.scm",
        .grammar = tree_sitter_javascript,
        .analysers = {"eslint-js", NULL},
    },
    [LANG_TYPESCRIPT] = {
        .id = LANG_TYPESCRIPT,
        .name = "typescript",
        .ext = ".ts",
        .fences = "typescript ts",
        .line_comment = "//",
        .policy = "typescript.scm",
        .grammar = tree_sitter_typescript,
        .analysers = {"eslint-ts", "tsc", NULL},
    },
    [LANG_SOLIDITY] = {
        .id = LANG_SOLIDITY,
        .name = "solidity",
        .ext = ".sol",
        .fences = "solidity sol",
        .line_comment = "//",
        .policy = "solidity.scm",
        .grammar = tree_sitter_solidity,
        .analysers = {"solhint", "solc", NULL},
    },
};

const struct lang *lang_get(enum lang_id id)
{
    return (unsigned)id < LANG_COUNT ? &table[id] : NULL;
}

const struct lang *lang_by_name(const char *name)
{
    for (int i = 0; i < LANG_COUNT; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const struct lang *lang_by_fence(const char *tag, size_t len)
{
    if (len == 0)
        return NULL;
    for (int i = 0; i < LANG_COUNT; i++) {
        const char *p = table[i].fences;
        while (*p) {
            size_t n = strcspn(p, " ");
            if (n == len && strncasecmp(p, tag, len) == 0)
                return &table[i];
            p += n;
            while (*p == ' ')
                p++;
        }
    }
    return NULL;
}

const struct lang *lang_by_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    return dot && dot[1] ? lang_by_fence(dot + 1, strlen(dot + 1)) : NULL;
}

const char *lang_names(void)
{
    return "python, javascript, typescript, solidity";
}
