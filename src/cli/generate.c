/*
 * skitty generate: not built yet (see the README's "Not built yet").
 */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>

int cmd_generate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "skitty generate: not built yet\n");
    return EXIT_INCOMPLETE;
}

int cmd_complete(int argc, char **argv)
{
    return cmd_generate(argc, argv);
}

int cmd_debug(int argc, char **argv)
{
    return cmd_generate(argc, argv);
}
