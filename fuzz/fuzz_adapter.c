/*
 * Fuzz driver for the analyser adapters: worker reply lines are untrusted
 * (the workers read attacker-chosen code), so every adapter must turn any
 * bytes into findings or a clean error, never a crash.
 *
 * Replayed over fuzz/corpus/adapter by `make test`, fuzzed by `make fuzz`
 * (see driver.h).
 */
#include "config.h"

#include "check/adapter.h"
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte picks the kind, the rest is the reply line. */
    if (size < 1)
        return 0;
    enum analyser_kind k = (enum analyser_kind)(data[0] % AK_COUNT);
    struct check_section s;
    struct sk_err err = {0};
    check_section_init(&s);
    adapter_parse_check(k, (const char *)data + 1, size - 1, &s, &err);
    check_section_close(&s);
    char version[32];
    adapter_parse_ping((const char *)data + 1, size - 1, version, sizeof(version), &err);
    return 0;
}
