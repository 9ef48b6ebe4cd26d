/*
 * skitty audit: inspect the audit log.
 *
 *   skitty audit verify   walk the hash chain; exit 0 when intact, 2 when broken
 *   skitty audit count    print the number of records
 */
#include "config.h"

#include "cli/cli.h"
#include "store/audit.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: skitty audit (verify | count) [--db PATH] [--config FILE]\n\n"
                 "  verify   check the hash chain of every record (tampering is detected)\n"
                 "  count    print the number of records\n\n"
                 "  -d, --db PATH       audit database (default: server.audit_db)\n"
                 "  -c, --config FILE   configuration file (also $SKITTY_CONFIG)\n\n"
                 "Exit codes: 0 ok, 2 the chain is broken, 3 cannot read the log, 64 usage.\n");
}

int cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *config = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "d:c:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            db = optarg;
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
    if (optind != argc - 1 || (strcmp(argv[optind], "verify") && strcmp(argv[optind], "count"))) {
        usage(stderr);
        return EXIT_USAGE;
    }
    static struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_INCOMPLETE;
    struct sk_err err;
    struct audit *a;
    if (audit_open(db ? db : cfg.audit_db, &a, &err) < 0) {
        fprintf(stderr, "skitty audit: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    int rc = 0;
    if (!strcmp(argv[optind], "count")) {
        printf("%lld\n", (long long)audit_count(a));
    } else {
        int64_t checked;
        if (audit_verify(a, &checked, &err) < 0) {
            fprintf(stderr, "skitty audit: %s (%lld records before it are intact)\n", err.msg,
                    (long long)checked);
            rc = EXIT_BLOCK;
        } else {
            printf("audit log intact: %lld records verified\n", (long long)checked);
        }
    }
    audit_close(a);
    return rc;
}
