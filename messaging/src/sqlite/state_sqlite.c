/* The durable state store of the lifecycle guard on SQLite (state_sqlite.h). One connection per
 * store, guarded by a mutex; every operation is a single statement, atomic on its own. */
#define _POSIX_C_SOURCE 200809L
#include "eventc/state_sqlite.h"

#include <pthread.h>
#include "sqlite_open.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct state_db {
    eventc_state_store base;
    sqlite3 *db;
    pthread_mutex_t lock;
    sqlite3_stmt *select, *insert, *update;
} state_db;

static const char schema[] = "CREATE TABLE IF NOT EXISTS eventc_lifecycle_state("
                             "  aggregate TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL,"
                             "  event_id TEXT, PRIMARY KEY (aggregate, id)) WITHOUT ROWID;";

static eventc_status db_error(state_db *s, int rc, const char *what, eventc_error *err)
{
    eventc_status code =
        rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? EVENTC_E_UNAVAILABLE : EVENTC_E_IO;
    return eventc_error_set(err, code, NULL, "sqlite state store: %s: %s", what,
                            s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

static eventc_status sq_load(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                             const char *id, const char *event_id, int *state, bool *applied,
                             eventc_error *err)
{
    state_db *s = (state_db *)store;
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&s->lock);
    sqlite3_bind_text(s->select, 1, lc->aggregate, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->select, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->select);
    *state = 0;
    *applied = false;
    if (rc == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s->select, 0);
        int len = sqlite3_column_bytes(s->select, 0);
        const char *last = (const char *)sqlite3_column_text(s->select, 1);
        int found = name != NULL ? eventc_lifecycle_find_state(lc, name, (size_t)len) : -1;
        if (found < 0) {
            st = eventc_error_set(err, EVENTC_E_STATE, NULL,
                                  "%s %s: the stored state '%.*s' is no state of its lifecycle",
                                  lc->aggregate, id, len > 64 ? 64 : len, name ? name : "");
        } else {
            *state = found;
            *applied = last != NULL && event_id != NULL && strcmp(last, event_id) == 0;
        }
    } else if (rc != SQLITE_DONE) {
        st = db_error(s, rc, "load", err);
    }
    sqlite3_reset(s->select);
    sqlite3_clear_bindings(s->select);
    pthread_mutex_unlock(&s->lock);
    return st;
}

static eventc_status sq_save(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                             const char *id, int expected, int state, const char *event_id,
                             eventc_error *err)
{
    state_db *s = (state_db *)store;
    const char *to = eventc_lifecycle_state_name(lc, state);
    const char *from = eventc_lifecycle_state_name(lc, expected);
    if (to == NULL || state == 0 || from == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "%s %s: state %d or %d out of range", lc->aggregate, id, expected,
                                state);
    }
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&s->lock);
    /* A new instance is inserted only if absent; an existing one moves only from `expected`. */
    sqlite3_stmt *w = expected == 0 ? s->insert : s->update;
    sqlite3_bind_text(w, 1, to, -1, SQLITE_STATIC);
    if (event_id != NULL) {
        sqlite3_bind_text(w, 2, event_id, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(w, 2);
    }
    sqlite3_bind_text(w, 3, lc->aggregate, -1, SQLITE_STATIC);
    sqlite3_bind_text(w, 4, id, -1, SQLITE_STATIC);
    if (expected != 0) {
        sqlite3_bind_text(w, 5, from, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(w);
    sqlite3_reset(w);
    sqlite3_clear_bindings(w);
    if (rc != SQLITE_DONE) {
        st = db_error(s, rc, "save", err);
    } else if (sqlite3_changes(s->db) != 1) {
        st = eventc_error_set(err, EVENTC_E_CONFLICT, NULL,
                              "%s %s: the state is no longer %s (another consumer moved it)",
                              lc->aggregate, id, from);
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static void sq_close(eventc_state_store *store)
{
    state_db *s = (state_db *)store;
    sqlite3_finalize(s->select);
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->update);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const eventc_state_store_methods sqlite_methods = {EVENTC_STATE_STORE_VERSION, "sqlite",
                                                          sq_load, sq_save, sq_close};

eventc_state_store *eventc_sqlite_state_open(const eventc_sqlite_state_config *cfg,
                                             eventc_error *err)
{
    if (cfg == NULL || cfg->path == NULL || cfg->path[0] == '\0') {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "path", "no database path");
        return NULL;
    }
    state_db *s = calloc(1, sizeof(*s));
    if (s == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    s->base.methods = &sqlite_methods;
    int rc = eventc_sqlite_open_shared(
        cfg->path, cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : 5000, schema, &s->db);
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {
        {&s->select,
         "SELECT state, event_id FROM eventc_lifecycle_state WHERE aggregate = ?1 AND id = ?2"},
        {&s->insert, "INSERT INTO eventc_lifecycle_state(state, event_id, aggregate, id) "
                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"},
        {&s->update, "UPDATE eventc_lifecycle_state SET state = ?1, event_id = ?2 "
                     "WHERE aggregate = ?3 AND id = ?4 AND state = ?5"},
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
