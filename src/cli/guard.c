/*
 * skitty guard: not built yet (see the README's "Not built yet").
 */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>

int cmd_guard(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "skitty guard: not built yet\n");
    return EXIT_INCOMPLETE;
}
