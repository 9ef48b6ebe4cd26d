/*
 * skitty: the command-line entry point. Dispatches to one subcommand per
 * file in this folder; see cli.h for the exit codes.
 */
#include "config.h"

#include "cli/cli.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_command commands[] = {
    {"serve", "run the HTTP API daemon", cmd_serve},
    {"generate", "prompt -> checked (and run) code, as POST /generate", cmd_generate},
    {"complete", "code -> checked completion, as POST /complete", cmd_complete},
    {"debug", "code + error -> checked fix, as POST /debug", cmd_debug},
    {"scan", "check code: AST policy and static analysers", cmd_scan},
    {"policy", "list the AST policy's rules, check a file against it", cmd_policy},
    {"run", "run code in the sandbox", cmd_run},
    {"guard", "score a prompt for injection", cmd_guard},
    {"audit", "inspect the audit log", cmd_audit},
    {"catalog", "look into the offline model's snippet catalogue", cmd_catalog},
    {"version", "print the version", cmd_version},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: skitty COMMAND [OPTIONS]\n\n"
                 "Sheikh-Kitty: a secure gateway between people and a coding model.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'skitty COMMAND --help' for a command's options.\n"
                 "Exit codes: 0 ok; scan: 1 warn, 2 block; 3 could not complete; 64 usage.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(1, argv + 1);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].main(argc - 1, argv + 1);
    fprintf(stderr, "skitty: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
