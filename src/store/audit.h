/*
 * The audit log: one record per request, in SQLite (WAL mode), so that
 * nothing the gateway decided is lost. A record holds the request id, time,
 * endpoint, language, API key name, HTTP status, verdict, number of
 * findings, per-stage timings, the model used, the error if any, the
 * response JSON, the code behind it (also code withheld from the answer,
 * for review and for fine-tuning exports), and the prompt only when the
 * configuration allows it.
 * Secrets (API keys) are never written.
 *
 * Records are hash-chained: each stores SHA-256(previous hash || record),
 * so a changed, removed or reordered record is detected by audit_verify().
 *
 * The schema is versioned with PRAGMA user_version; an older database is
 * migrated in place when opened (version 2 added the `detail` column), and
 * opening one with a newer version than this build knows is an error.
 */
#pragma once

#include <stdint.h>

#include "base/error.h"

#define AUDIT_SCHEMA_VERSION 2

struct audit_record {
    const char *id;            /* request id; not owned (all fields) */
    int64_t ts_ms;             /* wall-clock time the request arrived */
    const char *endpoint;      /* "generate", "complete", "debug", "scan", ... */
    const char *language;      /* may be NULL */
    const char *key_name;      /* API key name, or NULL */
    int status;                /* HTTP status answered */
    const char *verdict;       /* pass|warn|block, or NULL */
    int findings;              /* number of findings in the final report */
    const char *timings_json;  /* {"stage": ms, ...} */
    const char *model;         /* model that answered, or NULL */
    const char *error;         /* error code and message, or NULL */
    const char *prompt;        /* only when server.log_prompts; else NULL */
    const char *response_json; /* the JSON answered, or NULL */
    const char *detail_json;   /* what the answer may not show: the code the model wrote
                                  (also when withheld) and each repair round's code, or NULL */
};

struct audit;

/*
 * Open (creating if needed) the database at `path`, set WAL mode and apply
 * the schema. Returns 0 and a handle (close with audit_close), or a
 * negative errno.
 */
int audit_open(const char *path, struct audit **out, struct sk_err *err);
/*
 * Open an existing database for reading only (verify, count, export): it
 * works on a full disk and never changes the file. Appends fail.
 */
int audit_open_readonly(const char *path, struct audit **out, struct sk_err *err);
void audit_close(struct audit *a);

/*
 * Append one record (thread-safe). Returns 0, or a negative errno when the
 * record could not be stored (disk full, locked, I/O error): the caller
 * must then fail the request rather than answer without a record.
 */
int audit_append(struct audit *a, const struct audit_record *rec, struct sk_err *err);

/* Number of records. */
int64_t audit_count(struct audit *a);

/*
 * Walk the chain from the first record. Returns 0 when every hash holds
 * (*checked = records verified), or -EBADMSG naming the first record that
 * does not.
 */
int audit_verify(struct audit *a, int64_t *checked, struct sk_err *err);

/*
 * Call fn for every record in order (oldest first); the record's strings
 * are valid only during the call. Stops early when fn returns non-zero and
 * returns that value; returns a negative errno on a read error.
 */
int audit_each(struct audit *a, int (*fn)(void *ctx, const struct audit_record *rec), void *ctx,
               struct sk_err *err);

/* True when the store accepted a write recently (for readiness checks). */
int audit_writable(struct audit *a);
