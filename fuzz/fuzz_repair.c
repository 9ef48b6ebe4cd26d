/*
 * Fuzz driver for the rule-based repairs (src/model/repair.c): the code and
 * the error text of a /debug request or a repair round are both untrusted.
 *
 * The first byte picks the language; the rest is the code, a NUL byte, and
 * the error text (no NUL: the code alone, with no error). Every answer must
 * be bounded and explained. Replayed over fuzz/corpus/repair by `make
 * test`, fuzzed by `make fuzz` (see driver.h).
 */
#include "config.h"

#include "model/repair.h"
#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256 * 1024)
        return 0;
    const struct lang *lang = lang_get((enum lang_id)(data[0] % LANG_COUNT));
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    const char *nul = memchr(p, '\0', n);
    char *code = xstrndup(p, nul ? (size_t)(nul - p) : n);
    char *error = nul ? xstrndup(nul + 1, n - (size_t)(nul - p) - 1) : xstrdup("");
    size_t len = strlen(code); /* requests are NUL-free strings */

    struct repair r;
    struct sk_err err;
    if (repair_code(lang, code, len, error, strlen(error), &r, &err) == 0) {
        if (r.fixes < 1 || !r.explanation || !strstr(r.explanation, "- line ") ||
            r.len > len + REPAIR_MAX_ADDED_BYTES || strlen(r.code) != r.len)
            abort();
        repair_close(&r);
    }
    free(code);
    free(error);
    return 0;
}
