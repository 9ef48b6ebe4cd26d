/*
 * Black-box test harness: start the real `skitty serve` (and the fake model
 * server) on loopback, send HTTP requests with libcurl, read JSON answers.
 * Shared by the API tests and the soak and fault tests.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct server {
    pid_t pid;
    int port;
    char dir[256];     /* private temporary directory: config, audit db, log */
    char log[300];     /* the server's stderr */
    char audit[300];   /* its audit database */
};

/*
 * Start `skitty serve` with `config` (INI text; the harness adds audit_db
 * before it, and the listen address) and wait until it listens. `extra_env` may be
 * NULL or a NULL-terminated list of "NAME=value". Returns 0 or -1.
 */
int server_start(struct server *s, const char *skitty, const char *config,
                 char *const *extra_env);
/* Send SIGTERM and wait; returns the exit status (or -1). Removes the directory. */
int server_stop(struct server *s);
/* True while the process is alive. */
bool server_alive(const struct server *s);

/* Start a helper program that prints "port N" on stdout; returns its pid or -1. */
pid_t helper_start(const char *path, int *port);

struct http_reply {
    long status;
    char *body;          /* owned */
    size_t len;
    char headers[4096];  /* raw response headers */
};

/*
 * One HTTP request to 127.0.0.1:port. `headers` is NULL-terminated (may be
 * NULL). `body` may be NULL. Returns 0, or -1 when no answer came.
 */
int http_request(int port, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, long timeout_s, struct http_reply *out);
void http_reply_close(struct http_reply *r);

/* The value of response header `name` (case-insensitive), copied to out; 0 or -1. */
int http_header(const struct http_reply *r, const char *name, char *out, size_t outlen);

/* RFC 6901 pointer lookup (borrowed reference or NULL). */
json_t *json_pointer(json_t *doc, const char *pointer);

/* Count records in an audit database (or -1). */
long audit_records(const char *db);
