/*
 * Unit tests for the audit log: schema, WAL, concurrent appends (nothing
 * lost), the hash chain and tamper detection, and refusal of a newer schema.
 */
#include "config.h"

#include "store/audit.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 8
#define PER_THREAD 50

static struct audit *shared;

static void *writer(void *arg)
{
    long t = (long)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char id[40];
        snprintf(id, sizeof(id), "t%ld-%d", t, i);
        struct audit_record r = {.id = id, .ts_ms = 1, .endpoint = "generate",
                                 .language = "python", .status = 200, .verdict = "pass",
                                 .timings_json = "{\"total\":1}", .response_json = "{}"};
        struct sk_err err;
        if (audit_append(shared, &r, &err) < 0)
            return (void *)1;
    }
    return NULL;
}

static void sql(const char *db, const char *stmt)
{
    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_exec(h, stmt, NULL, NULL, NULL);
    sqlite3_close(h);
}

int main(void)
{
    char dir[] = "/tmp/skitty-audit-XXXXXX";
    if (!mkdtemp(dir))
        tap_skip_all("cannot make a temporary directory");
    char db[128];
    snprintf(db, sizeof(db), "%s/sub/audit.db", dir);
    struct sk_err err;

    is_int(audit_open(db, &shared, &err), 0, "open creates the database and its directory");
    is_int(audit_count(shared), 0, "empty at first");

    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, writer, (void *)i);
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        void *rv;
        pthread_join(th[i], &rv);
        failures += rv != NULL;
    }
    is_int(failures, 0, "no append failed under %d concurrent writers", THREADS);
    is_int(audit_count(shared), THREADS * PER_THREAD, "every record is there");

    int64_t checked;
    is_int(audit_verify(shared, &checked, &err), 0, "the chain verifies");
    is_int(checked, THREADS * PER_THREAD, "every record verified");
    audit_close(shared);

    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL);
    sqlite3_step(st);
    is_str((const char *)sqlite3_column_text(st, 0), "wal", "WAL mode");
    sqlite3_finalize(st);
    sqlite3_close(h);

    /* Tampering: change a verdict. */
    sql(db, "UPDATE requests SET verdict = 'block' WHERE seq = 17; "
            "UPDATE requests SET verdict = 'pass' WHERE seq = 17");
    struct audit *a;
    audit_open(db, &a, &err);
    is_int(audit_verify(a, &checked, &err), 0, "rewriting the same value keeps the chain");
    audit_close(a);
    sql(db, "UPDATE requests SET verdict = 'block' WHERE seq = 17");
    audit_open(db, &a, &err);
    is_int(audit_verify(a, &checked, &err), -EBADMSG, "a changed record breaks the chain");
    ok(strstr(err.msg, "record 17") && strstr(err.msg, "contents changed"), "names it: %s",
       err.msg);
    is_int(checked, 16, "records before it verified");
    audit_close(a);
    sql(db, "UPDATE requests SET verdict = 'pass' WHERE seq = 17; DELETE FROM requests WHERE seq = 30");
    audit_open(db, &a, &err);
    is_int(audit_verify(a, &checked, &err), -EBADMSG, "a removed record breaks the chain");
    ok(strstr(err.msg, "record 31") && strstr(err.msg, "does not follow"), "names the next: %s",
       err.msg);
    audit_close(a);

    /* A version 1 file (before the detail column) verifies read-only, and
     * is migrated in place when opened for writing. */
    char v1[160];
    snprintf(v1, sizeof(v1), "%s/v1.db", dir);
    audit_open(v1, &a, &err);
    struct audit_record old = {.id = "old", .endpoint = "generate", .status = 200,
                               .timings_json = "{}", .response_json = "{}"};
    audit_append(a, &old, &err);
    audit_close(a);
    sql(v1, "ALTER TABLE requests DROP COLUMN detail; PRAGMA user_version = 1");
    is_int(audit_open_readonly(v1, &a, &err), 0, "a version 1 file opens read-only");
    is_int(audit_verify(a, &checked, &err), 0, "and its chain verifies");
    audit_close(a);
    is_int(audit_open(v1, &a, &err), 0, "opening it for writing migrates it");
    struct audit_record fresh = {.id = "new", .endpoint = "generate", .status = 200,
                                 .timings_json = "{}", .response_json = "{}",
                                 .detail_json = "{\"final_code\":\"x\"}"};
    is_int(audit_append(a, &fresh, &err), 0, "a version 2 record is appended");
    is_int(audit_verify(a, &checked, &err), 0, "old and new records verify together");
    is_int(checked, 2, "both");
    audit_close(a);
    ok(audit_open_readonly(v1, &a, &err) == 0 && audit_append(a, &fresh, &err) == -EROFS,
       "a read-only handle refuses appends");
    audit_close(a);

    /* A database from a newer version is refused, not silently written. */
    sql(db, "PRAGMA user_version = 99");
    is_int(audit_open(db, &a, &err), -EPROTO, "newer schema refused");
    ok(strstr(err.msg, "schema version 99") != NULL, "says why: %s", err.msg);

    /* Not writable: an append fails with an error, it does not vanish. */
    char ro[160];
    snprintf(ro, sizeof(ro), "%s/ro.db", dir);
    is_int(audit_open(ro, &a, &err), 0, "second database");
    sql(ro, "CREATE TRIGGER no_insert BEFORE INSERT ON requests BEGIN SELECT RAISE(FAIL, 'disk says no'); END");
    struct audit_record r = {.id = "x", .endpoint = "generate", .status = 200};
    ok(audit_append(a, &r, &err) < 0, "a failed write is reported: %s", err.msg);
    ok(!audit_writable(a), "and the store says it is not writable");
    audit_close(a);

    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        diag("could not remove the temporary directory");
    return tap_done();
}
