/*
 * skitty serve: run the HTTP API daemon until SIGTERM or SIGINT.
 *
 * Signals are blocked in every thread and taken synchronously by the main
 * thread with sigwait(), so no handler runs in an arbitrary thread.
 */
#include "config.h"

#include "cli/cli.h"
#include "api/api.h"
#include "base/log.h"
#include "pipeline/pipeline.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: skitty serve [--listen ADDR:PORT] [--config FILE]\n\n"
                 "Serve the HTTP API (POST /generate, /complete, /debug; GET /healthz,\n"
                 "/openapi.json). Default listen address: 127.0.0.1:8080. Listening beyond\n"
                 "loopback requires API keys in the configuration.\n\n"
                 "  -l, --listen ADDR:PORT   address to listen on (port 0: any free port)\n"
                 "  -c, --config FILE        configuration file (also $SKITTY_CONFIG)\n"
                 "  -h, --help               this help\n\n"
                 "SIGTERM/SIGINT drain (stop accepting, finish requests in flight within\n"
                 "server.drain_s), SIGHUP reloads the API keys and limits.\n\n"
                 "Exit codes: 0 after a clean shutdown, 3 when it cannot start, 64 usage.\n");
}

/*
 * SIGHUP: read the configuration again and swap in its keys and limits.
 * Everything else (listen address, sandbox, model) needs a restart. A bad
 * file leaves the running configuration in place.
 */
static void reload(struct api_server *server, const char *config, const char *listen)
{
    static struct sk_config fresh;
    struct sk_err err;
    if (cli_load_config(&fresh, config) < 0)
        return;
    if (listen && sk_config_set(&fresh, "server", "listen", listen, &err) < 0)
        return;
    if (sk_config_validate(&fresh, &err) < 0) {
        log_error("SIGHUP: configuration refused, keeping the old one: %s", err.msg);
        return;
    }
    api_server_reload(server, &fresh);
    log_info("SIGHUP: reloaded %zu API keys and the limits", fresh.nkeys);
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen = NULL, *config = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "l:c:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            listen = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "skitty serve: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }

    static struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_INCOMPLETE;
    struct sk_err err;
    char addr[64];
    int port;
    if (listen && (sk_config_set(&cfg, "server", "listen", listen, &err) < 0 ||
                   sk_config_parse_listen(listen, addr, sizeof(addr), &port, &err) < 0)) {
        fprintf(stderr, "skitty serve: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (sk_config_validate(&cfg, &err) < 0) {
        fprintf(stderr, "skitty serve: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }

    /* Block the signals we wait for before any thread exists. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct pipeline *pipeline;
    if (pipeline_new(&cfg, &pipeline, &err) < 0) {
        fprintf(stderr, "skitty serve: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    struct api_server *server;
    if (api_server_start(&cfg, pipeline, &server, &err) < 0) {
        fprintf(stderr, "skitty serve: %s\n", err.msg);
        pipeline_free(pipeline);
        return EXIT_INCOMPLETE;
    }
    sk_config_parse_listen(cfg.listen, addr, sizeof(addr), &port, &err);
    log_info("listening on %s%s%s:%d (model: %s)", strchr(addr, ':') ? "[" : "", addr,
             strchr(addr, ':') ? "]" : "", api_server_port(server), cfg.model_provider);

    for (;;) {
        int sig;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(server, config, listen);
            continue;
        }
        log_info("signal %d: draining (up to %d s)", sig, cfg.drain_s);
        break;
    }
    int left = api_server_drain(server, cfg.drain_s);
    if (left > 0)
        log_warn("%d requests still running at the drain deadline; ending them", left);
    pipeline_free(pipeline);
    log_info("stopped");
    return 0;
}
