/*
 * The audit log on SQLite (see audit.h).
 *
 * One connection, guarded by a mutex: SQLite serialises writers anyway, and
 * one connection keeps the chain's "previous hash" consistent. WAL mode
 * with synchronous=FULL: a record is on disk when audit_append returns.
 */
#include "config.h"

#include "store/audit.h"
#include "base/util.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct audit {
    sqlite3 *db;
    sqlite3_stmt *insert;
    pthread_mutex_t lock;
    char last_hash[65];   /* hex hash of the newest record ("" when empty) */
    int last_ok;          /* the last write succeeded */
    int version;          /* schema version of the file (read-only handles see old ones) */
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS requests ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL,"
    "  ts_ms INTEGER NOT NULL,"
    "  endpoint TEXT NOT NULL,"
    "  language TEXT,"
    "  key_name TEXT,"
    "  status INTEGER NOT NULL,"
    "  verdict TEXT,"
    "  findings INTEGER NOT NULL,"
    "  timings TEXT NOT NULL,"
    "  model TEXT,"
    "  error TEXT,"
    "  prompt TEXT,"
    "  response TEXT,"
    "  detail TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS requests_id ON requests(id);"
    "CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts_ms);";

static const char insert_sql[] =
    "INSERT INTO requests (id, ts_ms, endpoint, language, key_name, status, verdict, findings,"
    " timings, model, error, prompt, response, detail, prev_hash, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

static int db_error(struct sk_err *err, sqlite3 *db, int rc, const char *what)
{
    int e = rc == SQLITE_FULL ? ENOSPC : (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? EBUSY
                                                                                    : EIO;
    return sk_err_msg(err, e, "audit log: %s: %s", what, db ? sqlite3_errmsg(db) : "");
}

/* Feed one field into the hash as "<len>:<bytes>;" so field boundaries are unambiguous. */
static void hash_field(gnutls_hash_hd_t h, const char *s)
{
    char len[24];
    if (!s) {
        gnutls_hash(h, "-;", 2);
        return;
    }
    int n = snprintf(len, sizeof(len), "%zu:", strlen(s));
    gnutls_hash(h, len, (size_t)n);
    gnutls_hash(h, s, strlen(s));
    gnutls_hash(h, ";", 1);
}

static void record_hash(const char *prev, const struct audit_record *r, char out[65])
{
    gnutls_hash_hd_t h;
    unsigned char d[32];
    char num[64];
    gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
    hash_field(h, prev);
    hash_field(h, r->id);
    snprintf(num, sizeof(num), "%lld", (long long)r->ts_ms);
    hash_field(h, num);
    hash_field(h, r->endpoint);
    hash_field(h, r->language);
    hash_field(h, r->key_name);
    snprintf(num, sizeof(num), "%d/%d", r->status, r->findings);
    hash_field(h, num);
    hash_field(h, r->verdict);
    hash_field(h, r->timings_json);
    hash_field(h, r->model);
    hash_field(h, r->error);
    hash_field(h, r->prompt);
    hash_field(h, r->response_json);
    /* Added in schema version 2: hashed when present, so that version 1
     * records (which have none) still verify. */
    if (r->detail_json)
        hash_field(h, r->detail_json);
    gnutls_hash_deinit(h, d);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int exec_sql(sqlite3 *db, const char *sql, struct sk_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int ret = sk_err_msg(err, EIO, "audit log: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return ret;
    }
    return 0;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -EIO;
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

/*
 * Open the file with `flags`, set the busy timeout and read the schema
 * version, refusing one newer than this build knows. Returns 0 and *db, or a
 * negative errno (and *db is closed).
 */
static int open_db(const char *path, int flags, sqlite3 **db, int64_t *version,
                   struct sk_err *err)
{
    int rc = sqlite3_open_v2(path, db, flags | SQLITE_OPEN_FULLMUTEX, NULL);
    int ret = 0;
    *version = 0;
    if (rc != SQLITE_OK) {
        ret = db_error(err, *db, rc, path);
    } else {
        sqlite3_busy_timeout(*db, 5000);
        if (query_int(*db, "PRAGMA user_version", version) < 0)
            ret = db_error(err, *db, SQLITE_ERROR, "reading the schema version");
        else if (*version > AUDIT_SCHEMA_VERSION)
            ret = sk_err_msg(err, EPROTO,
                             "audit log %s has schema version %lld; this build knows %d", path,
                             (long long)*version, AUDIT_SCHEMA_VERSION);
    }
    if (ret < 0) {
        sqlite3_close(*db);
        *db = NULL;
    }
    return ret;
}

static struct audit *audit_new(sqlite3 *db, int version)
{
    struct audit *a = xcalloc(1, sizeof(*a));
    a->db = db;
    a->version = version;
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

int audit_open(const char *path, struct audit **out, struct sk_err *err)
{
    /* Create the parent directory if it is missing (e.g. var/ on a fresh clone). */
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0750) < 0 && errno != EEXIST)
            return sk_err_make(err, errno, "audit log: cannot create %s", dir);
    }

    sqlite3 *db;
    int64_t version;
    int ret = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db, &version, err);
    if (ret < 0)
        return ret;
    ret = exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err);
    if (!ret)
        ret = exec_sql(db, schema, err);
    if (!ret && version == 1) /* 1 -> 2: the detail column */
        ret = exec_sql(db, "ALTER TABLE requests ADD COLUMN detail TEXT", err);
    if (!ret)
        ret = exec_sql(db, "PRAGMA user_version=2", err);
    if (ret < 0) {
        sqlite3_close(db);
        return ret;
    }

    struct audit *a = audit_new(db, AUDIT_SCHEMA_VERSION);
    if (sqlite3_prepare_v2(db, insert_sql, -1, &a->insert, NULL) != SQLITE_OK) {
        ret = db_error(err, db, SQLITE_ERROR, "preparing insert");
        audit_close(a);
        return ret;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT hash FROM requests ORDER BY seq DESC LIMIT 1", -1, &st,
                           NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(a->last_hash, sizeof(a->last_hash), "%s", sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    a->last_ok = 1;
    *out = a;
    return 0;
}

int audit_open_readonly(const char *path, struct audit **out, struct sk_err *err)
{
    sqlite3 *db;
    int64_t version;
    int ret = open_db(path, SQLITE_OPEN_READONLY, &db, &version, err);
    if (ret < 0)
        return ret;
    *out = audit_new(db, (int)version);
    return 0;
}

void audit_close(struct audit *a)
{
    if (!a)
        return;
    sqlite3_finalize(a->insert);
    sqlite3_close(a->db);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int audit_append(struct audit *a, const struct audit_record *r, struct sk_err *err)
{
    char hash[65];
    if (!a->insert)
        return sk_err_msg(err, EROFS, "audit log: opened read-only");
    pthread_mutex_lock(&a->lock);
    record_hash(a->last_hash, r, hash);
    sqlite3_stmt *st = a->insert;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    bind_text(st, 1, r->id);
    sqlite3_bind_int64(st, 2, r->ts_ms);
    bind_text(st, 3, r->endpoint);
    bind_text(st, 4, r->language);
    bind_text(st, 5, r->key_name);
    sqlite3_bind_int(st, 6, r->status);
    bind_text(st, 7, r->verdict);
    sqlite3_bind_int(st, 8, r->findings);
    bind_text(st, 9, r->timings_json ? r->timings_json : "{}");
    bind_text(st, 10, r->model);
    bind_text(st, 11, r->error);
    bind_text(st, 12, r->prompt);
    bind_text(st, 13, r->response_json);
    bind_text(st, 14, r->detail_json);
    bind_text(st, 15, a->last_hash);
    bind_text(st, 16, hash);
    int rc = sqlite3_step(st);
    int ret = 0;
    if (rc != SQLITE_DONE) {
        ret = db_error(err, a->db, rc, "writing a record");
        a->last_ok = 0;
    } else {
        memcpy(a->last_hash, hash, sizeof(hash));
        a->last_ok = 1;
    }
    sqlite3_reset(st);
    pthread_mutex_unlock(&a->lock);
    return ret;
}

int64_t audit_count(struct audit *a)
{
    int64_t n = 0;
    pthread_mutex_lock(&a->lock);
    if (query_int(a->db, "SELECT count(*) FROM requests", &n) < 0)
        n = -EIO;
    pthread_mutex_unlock(&a->lock);
    return n;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static const char select_sql[] =
    "SELECT seq, id, ts_ms, endpoint, language, key_name, status, verdict, findings, timings,"
    " model, error, prompt, response, detail, prev_hash, hash FROM requests ORDER BY seq";
/* The same for a version 1 file opened read-only (no detail column yet). */
static const char select_v1_sql[] =
    "SELECT seq, id, ts_ms, endpoint, language, key_name, status, verdict, findings, timings,"
    " model, error, prompt, response, NULL, prev_hash, hash FROM requests ORDER BY seq";

static void read_row(sqlite3_stmt *st, struct audit_record *r)
{
    *r = (struct audit_record){
        .id = col(st, 1),
        .ts_ms = sqlite3_column_int64(st, 2),
        .endpoint = col(st, 3),
        .language = col(st, 4),
        .key_name = col(st, 5),
        .status = sqlite3_column_int(st, 6),
        .verdict = col(st, 7),
        .findings = sqlite3_column_int(st, 8),
        .timings_json = col(st, 9),
        .model = col(st, 10),
        .error = col(st, 11),
        .prompt = col(st, 12),
        .response_json = col(st, 13),
        .detail_json = col(st, 14),
    };
}

int audit_each(struct audit *a, int (*fn)(void *ctx, const struct audit_record *rec), void *ctx,
               struct sk_err *err)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&a->lock);
    if (sqlite3_prepare_v2(a->db, a->version == 1 ? select_v1_sql : select_sql, -1, &st, NULL) != SQLITE_OK) {
        int ret = db_error(err, a->db, SQLITE_ERROR, "reading records");
        pthread_mutex_unlock(&a->lock);
        return ret;
    }
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_record r;
        read_row(st, &r);
        if ((ret = fn(ctx, &r)) != 0)
            break;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = db_error(err, a->db, rc, "reading records");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&a->lock);
    return ret;
}

int audit_verify(struct audit *a, int64_t *checked, struct sk_err *err)
{
    sqlite3_stmt *st;
    int ret = 0;
    char prev[65] = "";
    *checked = 0;
    pthread_mutex_lock(&a->lock);
    if (sqlite3_prepare_v2(a->db, a->version == 1 ? select_v1_sql : select_sql, -1, &st, NULL) != SQLITE_OK) {
        ret = db_error(err, a->db, SQLITE_ERROR, "reading records");
        pthread_mutex_unlock(&a->lock);
        return ret;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_record r;
        read_row(st, &r);
        const char *stored_prev = col(st, 15), *stored = col(st, 16);
        char want[65];
        record_hash(prev, &r, want);
        if (!stored_prev || strcmp(stored_prev, prev) != 0 || !stored || strcmp(stored, want)) {
            ret = sk_err_msg(err, EBADMSG,
                             "audit chain broken at record %lld (id %s): %s",
                             (long long)sqlite3_column_int64(st, 0), r.id ? r.id : "?",
                             stored_prev && strcmp(stored_prev, prev)
                                 ? "it does not follow the previous record"
                                 : "its contents changed");
            break;
        }
        memcpy(prev, want, sizeof(prev));
        (*checked)++;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = db_error(err, a->db, rc, "reading records");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&a->lock);
    return ret;
}

int audit_writable(struct audit *a)
{
    return a->last_ok;
}
