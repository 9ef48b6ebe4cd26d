/*
 * skitty version: print the version and the libraries it was built with.
 */
#include "config.h"

#include "cli/cli.h"

#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <seccomp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <utf8proc.h>

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && cli_is_help(argv[1])) {
        printf("usage: skitty version\n\nPrint the version of skitty and of its libraries.\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "skitty version: takes no arguments\n");
        return EXIT_USAGE;
    }
    const struct scmp_version *sv = seccomp_version();
    printf("skitty %s\n", SKITTY_VERSION);
    printf("libmicrohttpd %s, libcurl %s, jansson %s, libseccomp %u.%u.%u, sqlite %s, utf8proc %s\n",
           MHD_get_version(), curl_version_info(CURLVERSION_NOW)->version, JANSSON_VERSION,
           sv->major, sv->minor, sv->micro, sqlite3_libversion(), utf8proc_version());
    return 0;
}
