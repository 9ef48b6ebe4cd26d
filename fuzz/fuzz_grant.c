/*
 * Fuzz the grant rules (src/net/grant.c): every line of the input is an
 * entry. Checks, beyond "no crash": a parsed entry's normalised text
 * parses again to the same text (what reports show is what was granted),
 * every entry covers itself, and covering is transitive over the lines,
 * so a chain of narrowings can never end wider than it started.
 */
#include "config.h"

#include "driver.h"
#include "net/net.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LINES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[2048];
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';

    struct net_rule r[MAX_LINES];
    int n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && n < MAX_LINES;
         line = strtok_r(NULL, "\n", &save)) {
        struct sk_err err;
        if (net_rule_parse(line, &r[n], &err) < 0)
            continue;
        struct net_rule again;
        if (net_rule_parse(r[n].text, &again, &err) < 0 || strcmp(again.text, r[n].text) != 0)
            abort();
        if (!net_rule_covers(&r[n], &r[n]))
            abort();
        n++;
    }
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            for (int c = 0; c < n; c++)
                if (net_rule_covers(&r[a], &r[b]) && net_rule_covers(&r[b], &r[c]) &&
                    !net_rule_covers(&r[a], &r[c]))
                    abort();
    return 0;
}
