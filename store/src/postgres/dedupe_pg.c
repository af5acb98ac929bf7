/* The dedupe store port on PostgreSQL (dedupe_postgres.h). */
#include "eventc/dedupe_postgres.h"
#include "pg_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLEANUP_EVERY = 256 };

typedef struct pg_dedupe {
    eventc_dedupe_store base;
    pthread_mutex_t lock;
    PGconn *conn;
    int64_t ttl_ms;
    const eventc_clock *clock;
    unsigned claims;
} pg_dedupe;

/* The key as lower-case hex (keys are any bytes), in a buffer the caller frees. */
static char *hex_key(const char *key, size_t len)
{
    char *out = malloc(len * 2 + 1);
    if (out == NULL)
        return NULL;
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[(unsigned char)key[i] >> 4];
        out[2 * i + 1] = digits[(unsigned char)key[i] & 15];
    }
    out[len * 2] = '\0';
    return out;
}

/* Runs @p sql with text parameters; returns the result (NULL with err set on failure). */
static PGresult *run(pg_dedupe *d, const char *sql, int n, const char *const *values,
                     eventc_error *err)
{
    PGresult *res = PQexecParams(d->conn, sql, n, NULL, values, NULL, NULL, 0);
    if (pg_ok(res))
        return res;
    pg_error(d->conn, res, err);
    PQclear(res);
    return NULL;
}

static eventc_status pgd_claim(eventc_dedupe_store *store, const char *key, size_t key_len,
                               int64_t lease_ms, eventc_dedupe_result *result, uint64_t *token,
                               eventc_error *err)
{
    pg_dedupe *d = (pg_dedupe *)store;
    char *hex = hex_key(key, key_len);
    if (hex == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    char now_s[24], until_s[24];
    int64_t now = eventc_clock_now(d->clock);
    snprintf(now_s, sizeof(now_s), "%lld", (long long)now);
    snprintf(until_s, sizeof(until_s), "%lld", (long long)(now + lease_ms));
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&d->lock);
    if (++d->claims % CLEANUP_EVERY == 0) {
        const char *v[] = {now_s};
        PQclear(run(d, "DELETE FROM eventc_dedupe WHERE until_ms <= $1::bigint", 1, v, NULL));
    }
    /* Claimed when the key is new or its row ran out; one statement, so two claimers of one
     * key serialise on its row and only one of them gets it. */
    const char *v[] = {hex, until_s, now_s};
    PGresult *res = run(d,
                        "INSERT INTO eventc_dedupe (key, state, token, until_ms) VALUES "
                        "($1, 0, nextval('eventc_dedupe_tokens'), $2::bigint) ON CONFLICT (key) "
                        "DO UPDATE SET state = 0, token = EXCLUDED.token, until_ms = "
                        "EXCLUDED.until_ms WHERE eventc_dedupe.until_ms <= $3::bigint "
                        "RETURNING token",
                        3, v, err);
    if (res == NULL) {
        st = err ? err->code : EVENTC_E_IO;
    } else if (PQntuples(res) == 1) {
        *result = EVENTC_DEDUPE_CLAIMED;
        *token = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    } else {
        PQclear(res);
        res = run(d, "SELECT state FROM eventc_dedupe WHERE key = $1", 1, v, err);
        if (res == NULL)
            st = err ? err->code : EVENTC_E_IO;
        else
            *result = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "1") == 0
                          ? EVENTC_DEDUPE_DONE
                          : EVENTC_DEDUPE_BUSY;
    }
    PQclear(res);
    pthread_mutex_unlock(&d->lock);
    free(hex);
    return st;
}

/* Runs a statement fenced by the token: EVENTC_E_CONFLICT when it changed no row. */
static eventc_status fenced(pg_dedupe *d, const char *sql, const char *key, size_t key_len,
                            uint64_t token, eventc_error *err)
{
    char *hex = hex_key(key, key_len);
    if (hex == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    char token_s[24], until_s[24];
    snprintf(token_s, sizeof(token_s), "%llu", (unsigned long long)token);
    snprintf(until_s, sizeof(until_s), "%lld", (long long)(eventc_clock_now(d->clock) + d->ttl_ms));
    const char *v[] = {hex, token_s, until_s};
    pthread_mutex_lock(&d->lock);
    PGresult *res = run(d, sql, 3, v, err);
    eventc_status st = EVENTC_OK;
    if (res == NULL)
        st = err ? err->code : EVENTC_E_IO;
    else if (strcmp(PQcmdTuples(res), "1") != 0)
        st = eventc_error_set(err, EVENTC_E_CONFLICT, NULL, "the claim is no longer held");
    PQclear(res);
    pthread_mutex_unlock(&d->lock);
    free(hex);
    return st;
}

static eventc_status pgd_commit(eventc_dedupe_store *store, const char *key, size_t key_len,
                                uint64_t token, eventc_error *err)
{
    return fenced((pg_dedupe *)store,
                  "UPDATE eventc_dedupe SET state = 1, until_ms = $3::bigint WHERE key = $1 AND "
                  "token = $2::bigint AND state = 0",
                  key, key_len, token, err);
}

static eventc_status pgd_release(eventc_dedupe_store *store, const char *key, size_t key_len,
                                 uint64_t token, eventc_error *err)
{
    /* $3 is unused here; typed so that the server accepts it. */
    return fenced((pg_dedupe *)store,
                  "DELETE FROM eventc_dedupe WHERE key = $1 AND token = $2::bigint AND state = 0 "
                  "AND $3::bigint IS NOT NULL",
                  key, key_len, token, err);
}

static void pgd_close(eventc_dedupe_store *store)
{
    pg_dedupe *d = (pg_dedupe *)store;
    if (d == NULL)
        return;
    PQfinish(d->conn);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static const eventc_dedupe_store_methods pg_dedupe_methods = {
    EVENTC_DEDUPE_STORE_VERSION, "postgres", pgd_claim, pgd_commit, pgd_release, pgd_close};

eventc_dedupe_store *eventc_pg_dedupe_open(const eventc_pg_dedupe_config *cfg, eventc_error *err)
{
    if (cfg == NULL || cfg->conninfo == NULL) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no connection string");
        return NULL;
    }
    pg_dedupe *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    d->conn = pg_connect(cfg->conninfo, err);
    if (d->conn == NULL) {
        free(d);
        return NULL;
    }
    /* Concurrent openers create the table one at a time (the advisory lock of the dedupe
     * store, another constant than the event store's). */
    PGresult *res =
        PQexec(d->conn, "BEGIN; SELECT pg_advisory_xact_lock(7513202);"
                        "CREATE TABLE IF NOT EXISTS eventc_dedupe (key TEXT PRIMARY KEY,"
                        "  state SMALLINT NOT NULL, token BIGINT NOT NULL,"
                        "  until_ms BIGINT NOT NULL);"
                        "CREATE SEQUENCE IF NOT EXISTS eventc_dedupe_tokens; COMMIT");
    if (!pg_ok(res)) {
        pg_error(d->conn, res, err);
        PQclear(res);
        PQfinish(d->conn);
        free(d);
        return NULL;
    }
    PQclear(res);
    pthread_mutex_init(&d->lock, NULL);
    d->base.methods = &pg_dedupe_methods;
    d->ttl_ms = cfg->ttl_ms > 0 ? cfg->ttl_ms : 24LL * 3600 * 1000;
    d->clock = cfg->clock ? cfg->clock : eventc_clock_realtime();
    return &d->base;
}
