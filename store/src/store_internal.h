/* The store's logic (store.c, relay.c) runs its SQL through a small driver that each backend
 * implements (sqlite/sqlite_driver.c, postgres/pg_driver.c): text or integer parameters `$1`,
 * `$2`... (SQLite binds them by name), rows handed over as text. */
#ifndef EVENTC_STORE_INTERNAL_H
#define EVENTC_STORE_INTERNAL_H

#include "eventc/store.h"
#include "eventc/time.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/** One parameter: NULL, text (s, len) or an integer. */
typedef struct store_param {
    enum { SP_NULL, SP_TEXT, SP_INT } kind;
    const char *s;
    size_t len;
    int64_t i;
} store_param;

static inline store_param sp_text(const char *s)
{
    store_param p = {s ? SP_TEXT : SP_NULL, s, s ? strlen(s) : 0, 0};
    return p;
}
static inline store_param sp_text_n(const char *s, size_t len)
{
    store_param p = {SP_TEXT, s, len, 0};
    return p;
}
static inline store_param sp_int(int64_t i)
{
    store_param p = {SP_INT, NULL, 0, i};
    return p;
}

/** Receives one result row: @p vals[i] is column i as NUL-terminated text (NULL for SQL NULL),
 *  @p lens[i] its length. @return 0 to go on, non-zero to stop (exec then returns
 *  EVENTC_E_INVALID_ARGUMENT unless the callback set another error in its context). */
typedef int (*store_row_fn)(void *ctx, int ncol, const char *const *vals, const size_t *lens);

/** A backend. Every call reports its failure in err with the database's message. */
typedef struct store_driver {
    const char *name;
    /** The type of the increasing keys (events' position, outbox ids) in the schema. */
    const char *serial_key;
    /** Appended to a SELECT that claims rows against other connections (" FOR UPDATE SKIP
     *  LOCKED"), or that locks a row until commit (" FOR UPDATE"); "" where the write
     *  transaction already serialises writers (SQLite). */
    const char *skip_locked;
    const char *for_update;
    /** Runs @p sql with @p params; @p changes (may be NULL) receives the rows changed. */
    eventc_status (*exec)(void *conn, const char *sql, const store_param *params, size_t n,
                          store_row_fn row, void *ctx, int64_t *changes, eventc_error *err);
    /** Runs several statements without parameters (the schema). */
    eventc_status (*script)(void *conn, const char *sql, eventc_error *err);
    /** Taken first in the migration's transaction so concurrent openers migrate one at a time
     *  (PostgreSQL: an advisory lock); NULL where the write transaction does it (SQLite). */
    const char *migrate_lock;
    /** Starts a write transaction, commits it, rolls it back (never fails visibly). */
    eventc_status (*begin)(void *conn, eventc_error *err);
    eventc_status (*commit)(void *conn, eventc_error *err);
    void (*rollback)(void *conn);
    /** Closes the connection (owned by the store). */
    void (*close)(void *conn);
} store_driver;

struct eventc_store {
    const store_driver *drv;
    void *conn;
    const eventc_catalog *cat;
    const eventc_clock *clock;
    eventc_decode_options decode;
};

/** Allocates a store and its backend's connection state (@p conn_size bytes), both zeroed.
 *  @return the store, or NULL (out of memory, @p err set). */
eventc_store *store_alloc(size_t conn_size, void **conn, eventc_error *err);

/** Fills the fields of @p s shared by every backend from @p cfg (NULL fields: defaults). */
void store_init(eventc_store *s, const store_driver *drv, void *conn,
                const eventc_store_config *cfg);

/** Creates or migrates the schema on @p conn (in a write transaction of its own when
 *  @p own_tx, else in the caller's). */
eventc_status store_migrate(const store_driver *drv, void *conn, bool own_tx, eventc_error *err);

/* What one outbox row holds, built from an event before any transaction starts (core.c). */
typedef struct outbox_row {
    eventc_buf ce_json;
    eventc_buf json; /* the canonical flat JSON (event store rows) */
    eventc_message m;
    const char *aggregate;
    const char *aggregate_id;
    const char *event_id;
    const char *event_name;
    const char *type;
    char occurred_at[EVENTC_TIMESTAMP_MAX];
} outbox_row;

/** Builds the row of the event in union @p ev: validates it, encodes its CloudEvent and its
 *  canonical JSON. Release with outbox_row_clear (also on error). */
eventc_status outbox_row_build(const eventc_catalog *cat, const void *ev, outbox_row *r,
                               eventc_error *err);
void outbox_row_clear(outbox_row *r);
/** Inserts the row on @p conn, in the caller's transaction. */
eventc_status outbox_row_write(const store_driver *drv, void *conn, const outbox_row *r,
                               int64_t now_ms, eventc_error *err);

/** Inserts the outbox row of the event in union @p ev on @p conn, in the caller's transaction. */
eventc_status store_outbox_insert(const store_driver *drv, void *conn, const eventc_catalog *cat,
                                  const void *ev, int64_t now_ms, eventc_error *err);

/** Runs a statement that returns one integer (its first column of its first row) into @p out
 *  (0 when no row or NULL). */
eventc_status store_query_int(const store_driver *drv, void *conn, const char *sql,
                              const store_param *params, size_t n, int64_t *out, eventc_error *err);

/** The backends' openers (each NULL with err set: EVENTC_E_UNSUPPORTED when not built). */
eventc_store *store_sqlite_open(const char *path, const eventc_store_config *cfg,
                                eventc_error *err);
eventc_store *store_pg_open(const char *conninfo, const eventc_store_config *cfg,
                            eventc_error *err);

#endif
