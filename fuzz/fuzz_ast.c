/*
 * Fuzz the AST policy: arbitrary bytes as code in every language, through
 * tree-sitter, the name resolver, the queries and the structural checks.
 * The first byte picks the language. Whatever comes in, the check must end
 * (ok or error, never anything else), and every finding must be whole.
 *
 * Corpus: fuzz/corpus/ast/ (one language byte, then code).
 */
#include "config.h"

#include "driver.h"
#include "check/ast.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ast_policy *policy;
    if (!policy) {
        struct sk_err err;
        if (ast_policy_new(SKITTY_DATA_DIR "/policy", NULL, &policy, &err) < 0)
            abort();
    }
    if (size == 0)
        return 0;
    const struct lang *lang = lang_get((enum lang_id)(data[0] % LANG_COUNT));
    struct check_section s;
    check_section_init(&s);
    ast_policy_check(policy, lang, (const char *)data + 1, size - 1, NULL, &s);
    if (s.status != CHECK_OK && s.status != CHECK_ERROR)
        abort();
    if (s.status == CHECK_ERROR && !s.error)
        abort();
    for (size_t i = 0; i < s.nfindings; i++) {
        const struct finding *f = &s.findings[i];
        if (!f->tool || !f->rule || !f->category || !f->message || f->line < 0 || f->column < 0 ||
            (unsigned)f->severity > SEV_CRITICAL)
            abort();
    }
    json_t *j = check_section_to_json(&s);
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        abort();
    free(text);
    json_decref(j);
    check_section_close(&s);
    return 0;
}
