/*
 * Fuzz driver for the prompt guard: every function that reads untrusted
 * text (guard_check and its JSON report, the secret scanner, the leak
 * check, the fence builder). The first byte picks the function; the rest
 * is the input.
 *
 * Built two ways (fuzz/meson.build): with -Dfuzzing=true as a libFuzzer
 * binary (`make fuzz`), and always as a replay program that runs every
 * file named on its command line (or in a directory named there) once,
 * which is how the corpus runs in `make test`.
 */
#include "config.h"

#include "base/conf.h"
#include "base/json.h"
#include "base/util.h"
#include "guard/guard.h"
#include "lang/lang.h"
#include "driver.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static struct guard *guard_once(void)
{
    static struct guard *g;
    if (!g) {
        struct sk_config cfg;
        struct sk_err err;
        sk_config_defaults(&cfg);
        cfg.max_prompt_bytes = 64 * 1024;
        if (guard_new(&cfg, &g, &err) < 0) {
            fprintf(stderr, "fuzz_guard: %s\n", err.msg);
            abort();
        }
    }
    return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned mode = data[0] % 4;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct sk_err err;

    switch (mode) {
    case 0: {
        struct guard_report r;
        if (guard_check(guard_once(), text, len, &r, &err) == 0) {
            json_t *j = guard_report_to_json(&r, GUARD_JSON_EVIDENCE | GUARD_JSON_TEXT);
            char *s = json_dumps(j, JSON_COMPACT);
            /* The report must always be valid JSON text. */
            if (!s)
                abort();
            free(s);
            json_decref(j);
            guard_report_close(&r);
        }
        break;
    }
    case 1: {
        struct check_section sec;
        check_section_init(&sec);
        guard_scan_secrets(lang_get((enum lang_id)(len % LANG_COUNT)), text, len, &sec);
        check_section_close(&sec);
        break;
    }
    case 2: {
        static const char canary[] = "skc-0123456789abcdef01234567";
        (void)guard_reply_leaks(NULL, text, len, canary);
        break;
    }
    case 3: {
        /* Two NUL-terminated fields: split the input at its middle. */
        char *a = xstrndup(text, len / 2);
        char *b = xstrndup(text + len / 2, len - len / 2);
        for (int task = GUARD_TASK_GENERATE; task <= GUARD_TASK_REPAIR; task++) {
            struct guard_fence_input in = {
                .task = (enum guard_task)task,
                .lang = lang_get(LANG_PYTHON),
                .prompt = a,
                .code = a,
                .error = b,
                .canary = "skc-0123456789abcdef01234567",
                .datamark = len & 1,
            };
            struct guard_fence f;
            if (guard_fence_build(&in, &f, &err) == 0)
                guard_fence_close(&f);
        }
        free(a);
        free(b);
        break;
    }
    }
    return 0;
}
