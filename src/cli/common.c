/*
 * Helpers shared by the subcommands: configuration loading and input
 * reading (see cli.h).
 */
#include "config.h"

#include "cli/cli.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int cli_load_config(struct sk_config *cfg, const char *path)
{
    struct sk_err err;
    sk_config_defaults(cfg);
    if (!path)
        path = getenv("SKITTY_CONFIG");
    if (path && *path && sk_config_load_file(cfg, path, &err) < 0) {
        fprintf(stderr, "skitty: %s\n", err.msg);
        return -1;
    }
    if (sk_config_load_env(cfg, environ, &err) < 0) {
        fprintf(stderr, "skitty: %s\n", err.msg);
        return -1;
    }
    int level = sk_log_level_parse(cfg->log_level);
    if (level >= 0)
        sk_log_set_level((enum sk_log_level)level);
    return 0;
}

int cli_read_input(const char *name, size_t max, char **out, size_t *len)
{
    int ret = strcmp(name, "-") == 0 ? sk_read_fd(0, max, out, len)
                                     : sk_read_file(name, max, out, len);
    if (ret == -EFBIG) {
        fprintf(stderr, "skitty: %s: input larger than %zu bytes\n", name, max);
        return -1;
    }
    if (ret < 0) {
        fprintf(stderr, "skitty: %s: %s\n", name, strerror(-ret));
        return -1;
    }
    return 0;
}
