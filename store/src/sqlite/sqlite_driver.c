/* The SQLite backend: one connection in WAL mode, write transactions started with BEGIN
 * IMMEDIATE (so concurrent writers queue on the busy timeout instead of failing with
 * SQLITE_BUSY_SNAPSHOT), prepared statements cached per connection. */
#include "../store_internal.h"
#include "../../../messaging/src/sqlite/sqlite_open.h"
#include "eventc/store_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_MAX = 32, PARAMS_MAX = 16 };

typedef struct sq_conn {
    sqlite3 *db;
    bool own;
    size_t cap; /* 0: statements are not cached (the application's connection) */
    size_t n;
    struct {
        char *sql;
        sqlite3_stmt *st;
    } cache[CACHE_MAX];
} sq_conn;

static eventc_status sq_error(sqlite3 *db, int rc, eventc_error *err)
{
    eventc_status st;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        st = EVENTC_E_UNAVAILABLE;
        break;
    case SQLITE_CONSTRAINT:
        st = EVENTC_E_CONFLICT;
        break;
    case SQLITE_NOMEM:
        st = EVENTC_E_NOMEM;
        break;
    default:
        st = EVENTC_E_IO;
    }
    return eventc_error_set(err, st, NULL, "sqlite: %s", db ? sqlite3_errmsg(db) : "no database");
}

static eventc_status sq_prepare(sq_conn *c, const char *sql, sqlite3_stmt **out, bool *cached,
                                eventc_error *err)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->cache[i].sql, sql) == 0) {
            *out = c->cache[i].st;
            *cached = true;
            return EVENTC_OK;
        }
    }
    int rc = sqlite3_prepare_v3(c->db, sql, -1, c->cap ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
    if (rc != SQLITE_OK)
        return sq_error(c->db, rc, err);
    *cached = false;
    if (c->n < c->cap) {
        size_t len = strlen(sql);
        char *copy = malloc(len + 1);
        if (copy) {
            memcpy(copy, sql, len + 1);
            c->cache[c->n].sql = copy;
            c->cache[c->n].st = *out;
            c->n++;
            *cached = true;
        }
    }
    return EVENTC_OK;
}

static eventc_status sq_bind(sq_conn *c, sqlite3_stmt *st, const store_param *params, size_t n,
                             eventc_error *err)
{
    for (size_t k = 0; k < n; k++) {
        char name[24];
        snprintf(name, sizeof(name), "$%zu", k + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx == 0)
            continue;
        int rc;
        if (params[k].kind == SP_INT)
            rc = sqlite3_bind_int64(st, idx, params[k].i);
        else if (params[k].kind == SP_TEXT)
            rc = sqlite3_bind_text64(st, idx, params[k].s, params[k].len, SQLITE_STATIC,
                                     SQLITE_UTF8);
        else
            rc = sqlite3_bind_null(st, idx);
        if (rc != SQLITE_OK)
            return sq_error(c->db, rc, err);
    }
    return EVENTC_OK;
}

static eventc_status sq_exec(void *conn, const char *sql, const store_param *params, size_t n,
                             store_row_fn row, void *ctx, int64_t *changes, eventc_error *err)
{
    sq_conn *c = conn;
    sqlite3_stmt *st = NULL;
    bool cached = false;
    eventc_status s = sq_prepare(c, sql, &st, &cached, err);
    if (s != EVENTC_OK)
        return s;
    s = sq_bind(c, st, params, n, err);
    while (s == EVENTC_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            if (changes)
                *changes = sqlite3_changes64(c->db);
            break;
        }
        if (rc != SQLITE_ROW) {
            s = sq_error(c->db, rc, err);
            break;
        }
        if (row == NULL)
            continue;
        int ncol = sqlite3_column_count(st);
        const char *vals[PARAMS_MAX];
        size_t lens[PARAMS_MAX];
        ncol = ncol < PARAMS_MAX ? ncol : PARAMS_MAX;
        for (int i = 0; i < ncol; i++) {
            vals[i] = (const char *)sqlite3_column_text(st, i);
            lens[i] = (size_t)sqlite3_column_bytes(st, i);
        }
        if (row(ctx, ncol, vals, lens) != 0) {
            s = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "row refused");
            break;
        }
    }
    if (cached) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
    }
    return s;
}

static eventc_status sq_script(void *conn, const char *sql, eventc_error *err)
{
    sq_conn *c = conn;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? EVENTC_OK : sq_error(c->db, rc, err);
}

static eventc_status sq_begin(void *conn, eventc_error *err)
{
    return sq_script(conn, "BEGIN IMMEDIATE", err);
}

static eventc_status sq_commit(void *conn, eventc_error *err)
{
    sq_conn *c = conn;
    eventc_status st = sq_script(conn, "COMMIT", err);
    if (st != EVENTC_OK && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static void sq_rollback(void *conn)
{
    sq_conn *c = conn;
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static void sq_close(void *conn)
{
    sq_conn *c = conn;
    for (size_t i = 0; i < c->n; i++) {
        sqlite3_finalize(c->cache[i].st);
        free(c->cache[i].sql);
    }
    if (c->own)
        sqlite3_close(c->db);
    free(c);
}

static const store_driver sqlite_driver = {
    "sqlite",  "INTEGER PRIMARY KEY AUTOINCREMENT",
    "",        "",
    sq_exec,   sq_script,
    NULL,      sq_begin,
    sq_commit, sq_rollback,
    sq_close,
};

eventc_store *store_sqlite_open(const char *path, const eventc_store_config *cfg, eventc_error *err)
{
    void *mem = NULL;
    eventc_store *s = store_alloc(sizeof(sq_conn), &mem, err);
    if (s == NULL)
        return NULL;
    sq_conn *c = mem;
    c->own = true;
    c->cap = CACHE_MAX;
    int rc = eventc_sqlite_open_shared(
        path, cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : 30000,
        "CREATE TABLE IF NOT EXISTS eventc_store_schema (version INTEGER NOT NULL)", &c->db);
    if (rc == SQLITE_OK && cfg->sqlite_sync_normal)
        rc = sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    eventc_status st =
        rc == SQLITE_OK ? store_migrate(&sqlite_driver, c, true, err) : sq_error(c->db, rc, err);
    if (st != EVENTC_OK) {
        if (err && rc != SQLITE_OK)
            eventc_error_set(err, err->code, NULL, "%s: %s", path, err->message);
        sq_close(c);
        free(s);
        return NULL;
    }
    store_init(s, &sqlite_driver, c, cfg);
    return s;
}

eventc_status eventc_store_sqlite_migrate(sqlite3 *db, eventc_error *err)
{
    sq_conn c = {db, false, 0, 0, {{NULL, NULL}}};
    return store_migrate(&sqlite_driver, &c, sqlite3_get_autocommit(db) != 0, err);
}

eventc_status eventc_store_sqlite_outbox_add(sqlite3 *db, const eventc_catalog *cat, const void *ev,
                                             eventc_error *err)
{
    if (db == NULL || cat == NULL || ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no database or event");
    sq_conn c = {db, false, 0, 0, {{NULL, NULL}}};
    return store_outbox_insert(&sqlite_driver, &c, cat, ev,
                               eventc_clock_now(eventc_clock_realtime()), err);
}
