/*
 * The command-line front end: one binary, one file per subcommand, all of
 * them thin layers over the core library.
 *
 * Exit codes (documented in the README and in each --help):
 *   0  ok
 *   1  scan: the verdict is warn
 *   2  scan: the verdict is block
 *   3  could not complete (a check, the sandbox or the model failed)
 *   64 usage error (bad flags or arguments)
 */
#pragma once

#include "base/conf.h"

#define EXIT_WARN 1
#define EXIT_BLOCK 2
#define EXIT_INCOMPLETE 3
#define EXIT_USAGE 64

struct cli_command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv);
};

int cmd_serve(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_complete(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_guard(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_version(int argc, char **argv);

/*
 * Load the configuration the way every subcommand does: defaults, then the
 * file (`path`, or $SKITTY_CONFIG, or none), then SKITTY_* variables.
 * Prints the error and returns -1 on failure.
 */
int cli_load_config(struct sk_config *cfg, const char *path);

/*
 * Read a whole input named on the command line: a file path, or "-" for
 * standard input, capped at `max` bytes. Prints the error and returns -1 on
 * failure; the caller frees *out.
 */
int cli_read_input(const char *name, size_t max, char **out, size_t *len);

/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);
