/* The durable dedupe store on SQLite (dedupe_sqlite.h).
 *
 * Each claim is one BEGIN IMMEDIATE transaction: SQLite's write lock serialises claimers of the
 * same file, across threads (each store has its own connection, guarded by a mutex) and across
 * processes, so exactly one of two concurrent claimers of a key sees it free. Fencing tokens come
 * from a one-row sequence table in the same transaction, so they are unique per file. */
#define _POSIX_C_SOURCE 200809L
#include "eventc/dedupe_sqlite.h"

#include <pthread.h>
#include "sqlite_open.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum { STATE_CLAIMED = 0, STATE_DONE = 1 };

typedef struct sstore {
    eventc_dedupe_store base;
    sqlite3 *db;
    pthread_mutex_t lock;
    int64_t ttl_ms;
    const eventc_clock *clock;
    unsigned claims; /* purge expired rows every so many claims */
    sqlite3_stmt *begin, *commit, *rollback, *select, *insert, *take, *seq, *done, *release, *purge;
} sstore;

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS eventc_dedupe("
    "  key BLOB PRIMARY KEY, state INTEGER NOT NULL, token INTEGER NOT NULL,"
    "  until_ms INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS eventc_dedupe_seq("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO eventc_dedupe_seq(id, next) VALUES (1, 0);";

static eventc_status db_error(sstore *s, int rc, const char *what, eventc_error *err)
{
    eventc_status code =
        rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? EVENTC_E_UNAVAILABLE : EVENTC_E_IO;
    return eventc_error_set(err, code, NULL, "sqlite dedupe store: %s: %s", what,
                            s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

static void rollback(sstore *s)
{
    step_reset(s->rollback);
}

static eventc_status sq_claim(eventc_dedupe_store *store, const char *key, size_t len,
                              int64_t lease_ms, eventc_dedupe_result *result, uint64_t *token,
                              eventc_error *err)
{
    sstore *s = (sstore *)store;
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&s->lock);
    int rc = step_reset(s->begin);
    if (rc != SQLITE_DONE) {
        st = db_error(s, rc, "begin", err);
        pthread_mutex_unlock(&s->lock);
        return st;
    }
    int64_t now = eventc_clock_now(s->clock);
    if (++s->claims % 256 == 0) {
        sqlite3_bind_int64(s->purge, 1, now);
        step_reset(s->purge);
    }
    sqlite3_bind_blob(s->select, 1, key, (int)len, SQLITE_STATIC);
    rc = sqlite3_step(s->select);
    bool found = rc == SQLITE_ROW;
    int state = found ? sqlite3_column_int(s->select, 0) : 0;
    int64_t until = found ? sqlite3_column_int64(s->select, 1) : 0;
    sqlite3_reset(s->select);
    sqlite3_clear_bindings(s->select);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        st = db_error(s, rc, "select", err);
    } else if (found && until > now) {
        *result = state == STATE_DONE ? EVENTC_DEDUPE_DONE : EVENTC_DEDUPE_BUSY;
    } else {
        rc = sqlite3_step(s->seq);
        int64_t tok = rc == SQLITE_ROW ? sqlite3_column_int64(s->seq, 0) : 0;
        sqlite3_reset(s->seq);
        if (rc != SQLITE_ROW) {
            st = db_error(s, rc, "token", err);
        } else {
            sqlite3_stmt *w = found ? s->take : s->insert;
            sqlite3_bind_int64(w, 1, tok);
            sqlite3_bind_int64(w, 2, now + (lease_ms > 0 ? lease_ms : 0));
            sqlite3_bind_blob(w, 3, key, (int)len, SQLITE_STATIC);
            rc = step_reset(w);
            sqlite3_clear_bindings(w);
            if (rc != SQLITE_DONE) {
                st = db_error(s, rc, "claim", err);
            } else {
                *result = EVENTC_DEDUPE_CLAIMED;
                *token = (uint64_t)tok;
            }
        }
    }
    if (st == EVENTC_OK) {
        rc = step_reset(s->commit);
        if (rc != SQLITE_DONE) {
            st = db_error(s, rc, "commit", err);
            rollback(s);
        }
    } else {
        rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* Marks the claim done (commit) or deletes it (release) when `token` is still the key's. */
static eventc_status settle(sstore *s, const char *key, size_t len, uint64_t token, bool done,
                            eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *w = done ? s->done : s->release;
    int i = 1;
    if (done) {
        sqlite3_bind_int64(w, i++, eventc_clock_now(s->clock) + s->ttl_ms);
    }
    sqlite3_bind_blob(w, i++, key, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(w, i, (int64_t)token);
    int rc = step_reset(w);
    sqlite3_clear_bindings(w);
    if (rc != SQLITE_DONE) {
        st = db_error(s, rc, done ? "commit" : "release", err);
    } else if (sqlite3_changes(s->db) != 1) {
        st = eventc_error_set(err, EVENTC_E_CONFLICT, NULL,
                              "the claim is no longer this holder's (its lease expired)");
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static eventc_status sq_commit(eventc_dedupe_store *store, const char *key, size_t len,
                               uint64_t token, eventc_error *err)
{
    return settle((sstore *)store, key, len, token, true, err);
}

static eventc_status sq_release(eventc_dedupe_store *store, const char *key, size_t len,
                                uint64_t token, eventc_error *err)
{
    return settle((sstore *)store, key, len, token, false, err);
}

static void sq_close(eventc_dedupe_store *store)
{
    sstore *s = (sstore *)store;
    sqlite3_stmt *all[] = {s->begin, s->commit, s->rollback, s->select,  s->insert,
                           s->take,  s->seq,    s->done,     s->release, s->purge};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        sqlite3_finalize(all[i]);
    }
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const eventc_dedupe_store_methods sqlite_methods = {
    EVENTC_DEDUPE_STORE_VERSION, "sqlite", sq_claim, sq_commit, sq_release, sq_close};

eventc_dedupe_store *eventc_sqlite_dedupe_open(const eventc_sqlite_dedupe_config *cfg,
                                               eventc_error *err)
{
    if (cfg == NULL || cfg->path == NULL || cfg->path[0] == '\0') {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "path", "no database path");
        return NULL;
    }
    sstore *s = calloc(1, sizeof(*s));
    if (s == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    s->base.methods = &sqlite_methods;
    s->ttl_ms = cfg->ttl_ms > 0 ? cfg->ttl_ms : INT64_C(24) * 3600 * 1000;
    s->clock = cfg->clock != NULL ? cfg->clock : eventc_clock_realtime();
    int rc = eventc_sqlite_open_shared(
        cfg->path, cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : 5000, schema, &s->db);
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {
        {&s->begin, "BEGIN IMMEDIATE"},
        {&s->commit, "COMMIT"},
        {&s->rollback, "ROLLBACK"},
        {&s->select, "SELECT state, until_ms FROM eventc_dedupe WHERE key = ?1"},
        {&s->insert,
         "INSERT INTO eventc_dedupe(state, token, until_ms, key) VALUES (0, ?1, ?2, ?3)"},
        {&s->take, "UPDATE eventc_dedupe SET state = 0, token = ?1, until_ms = ?2 WHERE key = ?3"},
        {&s->seq, "UPDATE eventc_dedupe_seq SET next = next + 1 WHERE id = 1 RETURNING next"},
        {&s->done, "UPDATE eventc_dedupe SET state = 1, until_ms = ?1 "
                   "WHERE key = ?2 AND token = ?3 AND state = 0"},
        {&s->release, "DELETE FROM eventc_dedupe WHERE key = ?1 AND token = ?2 AND state = 0"},
        {&s->purge, "DELETE FROM eventc_dedupe WHERE until_ms <= ?1"},
    };
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof(stmts) / sizeof(stmts[0]); i++) {
        rc = sqlite3_prepare_v2(s->db, stmts[i].sql, -1, stmts[i].st, NULL);
    }
    if (rc != SQLITE_OK) {
        db_error(s, rc, cfg->path, err);
        sq_close(&s->base);
        return NULL;
    }
    return &s->base;
}
