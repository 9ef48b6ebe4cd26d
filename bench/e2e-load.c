/*
 * A small HTTP load generator for the end-to-end benchmark (bench/e2e.py):
 * CONCURRENCY threads, each with its own keep-alive libcurl handle, POST
 * one JSON body to one path for SECONDS (or, with SECONDS 0, for COUNT
 * requests in all), and report the latency distribution as one JSON line:
 *
 *   {"requests", "errors", "status": {"200": n, ...}, "seconds", "rps",
 *    "p50_ms", "p90_ms", "p99_ms", "max_ms"}
 *
 * An error is a transport failure or any status other than 200.
 *
 * usage: e2e-load URL BODY_FILE CONCURRENCY SECONDS [COUNT]
 */
#include "config.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SAMPLES (1 << 20)

static const char *url;
static char *body;
static double until;
static atomic_long remaining_count;
static double *samples;
static atomic_long nsamples, errors, statuses[600];

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

static void *worker(void *arg)
{
    (void)arg;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    for (;;) {
        if (until > 0 ? now_ms() >= until : atomic_fetch_sub(&remaining_count, 1) <= 0)
            break;
        double t0 = now_ms();
        CURLcode rc = curl_easy_perform(c);
        double ms = now_ms() - t0;
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200)
            errors++;
        if (status > 0 && status < 600)
            statuses[status]++;
        long i = nsamples++;
        if (i < MAX_SAMPLES)
            samples[i] = ms;
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, long n, double p)
{
    if (n == 0)
        return 0;
    long i = (long)(p * (double)(n - 1) + 0.5);
    return v[i];
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: e2e-load URL BODY_FILE CONCURRENCY SECONDS [COUNT]\n");
        return 64;
    }
    url = argv[1];
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    body = calloc(1, 1 << 20);
    size_t n = fread(body, 1, (1 << 20) - 1, f);
    body[n] = '\0';
    fclose(f);
    int conc = atoi(argv[3]);
    double secs = atof(argv[4]);
    remaining_count = argc > 5 ? atol(argv[5]) : 0;
    samples = calloc(MAX_SAMPLES, sizeof(double));
    curl_global_init(CURL_GLOBAL_DEFAULT);

    double t0 = now_ms();
    until = secs > 0 ? t0 + secs * 1000 : 0;
    pthread_t th[256];
    if (conc < 1 || conc > 256)
        conc = 1;
    for (int i = 0; i < conc; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    for (int i = 0; i < conc; i++)
        pthread_join(th[i], NULL);
    double elapsed = (now_ms() - t0) / 1000;

    long k = nsamples < MAX_SAMPLES ? nsamples : MAX_SAMPLES;
    qsort(samples, (size_t)k, sizeof(double), cmp);
    printf("{\"requests\":%ld,\"errors\":%ld,\"status\":{", (long)nsamples, (long)errors);
    int first = 1;
    for (int s = 0; s < 600; s++)
        if (statuses[s]) {
            printf("%s\"%d\":%ld", first ? "" : ",", s, (long)statuses[s]);
            first = 0;
        }
    printf("},\"seconds\":%.3f,\"rps\":%.2f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,"
           "\"max_ms\":%.2f}\n",
           elapsed, nsamples / elapsed, pct(samples, k, 0.50), pct(samples, k, 0.90),
           pct(samples, k, 0.99), k ? samples[k - 1] : 0);
    curl_global_cleanup();
    return 0;
}
