/*
 * Fuzz driver for the offline model's parsers of untrusted bytes: the code
 * of a /complete request (tokenizer, definition scanner, closer, filler) and
 * the prompt of a /generate request (the retrieval tokenizer and BM25).
 *
 * The first byte picks the language; the rest is the input. Built with
 * -fsanitize=fuzzer it is a libFuzzer target:
 *
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -DSKITTY_LIBFUZZER \
 *         -Ibuild -Isrc tests/model/fuzz-model.c build/libskitty.a -ljansson -lm
 *     ./a.out tests/model/fuzz-corpus
 *
 * Replayed over fuzz/corpus/model by `make test`, fuzzed by `make fuzz`
 * (see driver.h).
 */
#include "config.h"

#include "model/catalog.h"
#include "model/complete.h"
#include "base/util.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static struct catalog *cat;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sk_err err;
    if (!cat && catalog_load(SKITTY_DATA_DIR "/data/catalog", &cat, &err) < 0)
        abort();
    if (size < 1 || size > 256 * 1024)
        return 0;
    const struct lang *lang = lang_get((enum lang_id)(data[0] % LANG_COUNT));
    char *text = xstrndup((const char *)data + 1, size - 1);
    size_t len = strlen(text); /* requests are NUL-free strings */

    struct completion c;
    if (complete_code(cat, lang, text, len, &c, &err) == 0) {
        /* The prefix (up to trailing whitespace) survives unless a body was filled. */
        size_t kept = len;
        while (kept > 0 && strchr(" \t\r\n\f\v", text[kept - 1]))
            kept--;
        if (!c.filled && (c.len < kept || memcmp(c.code, text, kept) != 0))
            abort();
        completion_close(&c);
    }
    struct catalog_hit hit;
    (void)catalog_answer(cat, lang, text, &hit, &err);
    free(text);
    return 0;
}
