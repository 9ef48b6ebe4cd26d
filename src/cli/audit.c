/*
 * skitty audit: inspect the audit log.
 *
 *   skitty audit verify   walk the hash chain; exit 0 when intact, 2 when broken
 *   skitty audit count    print the number of records
 *   skitty audit export   blocked and repaired answers as fine-tuning JSONL
 */
#include "config.h"

#include "cli/cli.h"
#include "store/audit.h"
#include "store/export.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: skitty audit (verify | count | export) [--db PATH] [--config FILE]\n"
                 "                    [--format jsonl] [--redact REGEX]\n\n"
                 "  verify   check the hash chain of every record (tampering is detected)\n"
                 "  count    print the number of records\n"
                 "  export   write the blocked and repaired answers as fine-tuning examples,\n"
                 "           one JSON object per line in the chat format ({\"messages\": ...},\n"
                 "           with the rejected code), prompts redacted (needs\n"
                 "           server.log_prompts = true when the requests were served)\n\n"
                 "  -d, --db PATH       audit database (default: server.audit_db)\n"
                 "  -c, --config FILE   configuration file (also $SKITTY_CONFIG)\n"
                 "  -f, --format jsonl  export format (jsonl is the only one)\n"
                 "  -r, --redact REGEX  redaction rule (POSIX ERE; default: export.redact)\n\n"
                 "Exit codes: 0 ok, 2 the chain is broken, 3 cannot read the log, 64 usage.\n");
}

int cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"redact", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *config = NULL, *format = "jsonl", *redact = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "d:c:f:r:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            db = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'r':
            redact = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    const char *what = optind == argc - 1 ? argv[optind] : "";
    if (strcmp(what, "verify") && strcmp(what, "count") && strcmp(what, "export")) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(format, "jsonl") != 0) {
        fprintf(stderr, "skitty audit: --format must be jsonl\n");
        return EXIT_USAGE;
    }
    static struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_INCOMPLETE;
    struct sk_err err;
    struct audit *a;
    if (audit_open_readonly(db ? db : cfg.audit_db, &a, &err) < 0) {
        fprintf(stderr, "skitty audit: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    int rc = 0;
    if (!strcmp(what, "count")) {
        printf("%lld\n", (long long)audit_count(a));
    } else if (!strcmp(what, "export")) {
        struct export_stats st;
        if (audit_export_jsonl(a, stdout, redact ? redact : cfg.export_redact, &st, &err) < 0) {
            fprintf(stderr, "skitty audit: %s\n", err.msg);
            rc = EXIT_INCOMPLETE;
        } else {
            fprintf(stderr,
                    "skitty audit: %ld records read; %ld repaired and %ld blocked examples "
                    "written; %ld skipped (no stored prompt)\n",
                    st.records, st.repaired, st.blocked, st.skipped);
        }
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
