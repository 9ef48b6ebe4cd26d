/*
 * Fuzz code extraction from model replies: arbitrary reply text for every
 * language. The result, when any, must be a substring of the reply.
 */
#include "config.h"

#include "driver.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int l = 0; l < LANG_COUNT; l++) {
        char *code = model_extract_code((const char *)data, size, lang_get((enum lang_id)l));
        if (code) {
            size_t n = strlen(code);
            if (n > size || (n > 0 && !memmem(data, size, code, n)))
                abort();
            free(code);
        }
    }
    return 0;
}
