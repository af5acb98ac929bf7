/* The event store and the outbox over a backend driver (store_internal.h): open, migrate,
 * append with optimistic concurrency and lifecycle checks, load, outbox rows. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

eventc_store_config eventc_store_config_default(void)
{
    eventc_store_config c = {NULL, 0, false, NULL, NULL};
    return c;
}

/* Puts `[i]` before err's path: the event of an array the error is about. */
static eventc_status prefix_path(eventc_error *err, eventc_status st, long long i)
{
    if (err) {
        char path[EVENTC_ERROR_PATH_MAX + 24];
        snprintf(path, sizeof(path), "[%lld]%s", i, err->path);
        eventc_error_set(err, st, path, "%s", err->message);
    }
    return st;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

eventc_store *eventc_store_open(const char *url, const eventc_store_config *cfg, eventc_error *err)
{
    if (url == NULL || cfg == NULL || cfg->catalog == NULL) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "a URL and a catalog are required");
        return NULL;
    }
    if (has_prefix(url, "sqlite:"))
        return store_sqlite_open(url + strlen("sqlite:"), cfg, err);
    if (has_prefix(url, "postgresql:") || has_prefix(url, "postgres:"))
        return store_pg_open(url, cfg, err);
    eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                     "unknown store URL '%s' (want sqlite:PATH or postgresql://...)", url);
    return NULL;
}

void eventc_store_close(eventc_store *s)
{
    if (s == NULL)
        return;
    s->drv->close(s->conn);
    free(s);
}

const char *eventc_store_backend(const eventc_store *s)
{
    return s ? s->drv->name : NULL;
}

eventc_status eventc_store_outbox_add(eventc_store *s, const void *ev, eventc_error *err)
{
    if (s == NULL || ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no store or no event");
    eventc_status st = s->drv->begin(s->conn, err);
    if (st != EVENTC_OK)
        return st;
    st = store_outbox_insert(s->drv, s->conn, s->cat, ev, eventc_clock_now(s->clock), err);
    if (st == EVENTC_OK)
        return s->drv->commit(s->conn, err);
    s->drv->rollback(s->conn);
    return st;
}

/* ---- append ------------------------------------------------------------------------------- */

typedef struct stream_row {
    bool found;
    int64_t version;
    char state[128];
} stream_row;

static int read_stream(void *ctx, int ncol, const char *const *vals, const size_t *lens)
{
    (void)lens;
    stream_row *r = ctx;
    if (ncol < 2 || vals[0] == NULL)
        return 0;
    r->found = true;
    r->version = strtoll(vals[0], NULL, 10);
    snprintf(r->state, sizeof(r->state), "%s", vals[1] ? vals[1] : "none");
    return 0;
}

static eventc_status select_stream(eventc_store *s, const char *type, const char *id, bool lock,
                                   stream_row *r, eventc_error *err)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT version, state FROM eventc_streams WHERE aggregate_type = $1 AND "
             "aggregate_id = $2%s",
             lock ? s->drv->for_update : "");
    store_param p[2] = {sp_text(type), sp_text(id)};
    memset(r, 0, sizeof(*r));
    return s->drv->exec(s->conn, sql, p, 2, read_stream, r, NULL, err);
}

/* Reads the stream's row under the transaction's lock, creating it (version 0) when missing. */
static eventc_status lock_stream(eventc_store *s, const char *type, const char *id, stream_row *r,
                                 eventc_error *err)
{
    eventc_status st = select_stream(s, type, id, true, r, err);
    if (st != EVENTC_OK || r->found)
        return st;
    store_param p[2] = {sp_text(type), sp_text(id)};
    st = s->drv->exec(s->conn,
                      "INSERT INTO eventc_streams (aggregate_type, aggregate_id, version, state) "
                      "VALUES ($1, $2, 0, 'none') ON CONFLICT DO NOTHING",
                      p, 2, NULL, NULL, NULL, err);
    return st == EVENTC_OK ? select_stream(s, type, id, true, r, err) : st;
}

/* Checks that each event belongs to the stream and builds its rows. */
static eventc_status prepare_events(eventc_store *s, const char *type, const char *id,
                                    const void *const *events, size_t n, outbox_row *rows,
                                    size_t *built, eventc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        eventc_status st = outbox_row_build(s->cat, events[i], &rows[i], err);
        *built = i + 1;
        if (st == EVENTC_OK &&
            (strcmp(rows[i].aggregate, type) != 0 || strcmp(rows[i].aggregate_id, id) != 0)) {
            st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                  "%s of %s %s appended to stream %s %s", rows[i].event_name,
                                  rows[i].aggregate, rows[i].aggregate_id, type, id);
        }
        if (st != EVENTC_OK)
            return prefix_path(err, st, (long long)i);
    }
    return EVENTC_OK;
}

/* Applies the events to the stream's lifecycle from its stored state. */
static eventc_status apply_lifecycle(eventc_store *s, const void *const *events, size_t n,
                                     const char *state_name, const char **next_name,
                                     eventc_error *err)
{
    int kind = eventc_catalog_kind(s->cat, events[0]);
    const eventc_catalog_aggregate *agg = eventc_catalog_aggregate_of(s->cat, kind);
    const eventc_lifecycle_desc *lc = agg->lifecycle;
    *next_name = "none";
    if (lc == NULL)
        return EVENTC_OK;
    int state = eventc_lifecycle_find_state(lc, state_name, strlen(state_name));
    if (state < 0) {
        return eventc_error_set(err, EVENTC_E_STATE, NULL,
                                "the stream's state '%s' is not a state of the %s lifecycle",
                                state_name, agg->name);
    }
    for (size_t i = 0; i < n; i++) {
        int next = state;
        eventc_status st = eventc_catalog_apply(s->cat, state, events[i], &next, err);
        if (st != EVENTC_OK)
            return prefix_path(err, st, (long long)i);
        state = next;
    }
    *next_name = eventc_lifecycle_state_name(lc, state);
    return EVENTC_OK;
}

static eventc_status write_events(eventc_store *s, const char *type, const char *id,
                                  int64_t version, const outbox_row *rows, size_t n, int64_t now_ms,
                                  eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    for (size_t i = 0; i < n && st == EVENTC_OK; i++) {
        const outbox_row *r = &rows[i];
        store_param p[9] = {sp_text(type),
                            sp_text(id),
                            sp_int(version + (int64_t)i + 1),
                            sp_text(r->event_id),
                            sp_text(r->event_name),
                            sp_text(r->type),
                            sp_text(r->occurred_at[0] ? r->occurred_at : NULL),
                            sp_int(now_ms),
                            sp_text_n(eventc_buf_cstr((eventc_buf *)&r->json), r->json.len)};
        st = s->drv->exec(s->conn,
                          "INSERT INTO eventc_events (aggregate_type, aggregate_id, version, "
                          "event_id, event_name, type, occurred_at, recorded_ms, payload) VALUES "
                          "($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                          p, 9, NULL, NULL, NULL, err);
        if (st == EVENTC_OK)
            st = outbox_row_write(s->drv, s->conn, r, now_ms, err);
    }
    return st;
}

eventc_status eventc_store_append(eventc_store *s, const char *aggregate_type,
                                  const char *aggregate_id, int64_t expected_version,
                                  const void *const *events, size_t n, int64_t *version,
                                  eventc_error *err)
{
    if (s == NULL || aggregate_type == NULL || aggregate_id == NULL || events == NULL || n == 0)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "a stream and at least one event are required");
    outbox_row *rows = calloc(n, sizeof(*rows));
    if (rows == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    size_t built = 0;
    eventc_status st =
        prepare_events(s, aggregate_type, aggregate_id, events, n, rows, &built, err);
    bool in_tx = false;
    stream_row cur;
    if (st == EVENTC_OK) {
        st = s->drv->begin(s->conn, err);
        in_tx = st == EVENTC_OK;
    }
    if (st == EVENTC_OK)
        st = lock_stream(s, aggregate_type, aggregate_id, &cur, err);
    if (st == EVENTC_OK && expected_version != EVENTC_STORE_ANY_VERSION &&
        expected_version != cur.version) {
        st = eventc_error_set(err, EVENTC_E_CONFLICT, NULL,
                              "stream %s %s is at version %lld, not %lld", aggregate_type,
                              aggregate_id, (long long)cur.version, (long long)expected_version);
        if (version)
            *version = cur.version;
    }
    const char *next_state = NULL;
    if (st == EVENTC_OK)
        st = apply_lifecycle(s, events, n, cur.state, &next_state, err);
    int64_t now = eventc_clock_now(s->clock);
    if (st == EVENTC_OK)
        st = write_events(s, aggregate_type, aggregate_id, cur.version, rows, n, now, err);
    if (st == EVENTC_OK) {
        store_param p[4] = {sp_text(aggregate_type), sp_text(aggregate_id),
                            sp_int(cur.version + (int64_t)n), sp_text(next_state)};
        st = s->drv->exec(s->conn,
                          "UPDATE eventc_streams SET version = $3, state = $4 WHERE "
                          "aggregate_type = $1 AND aggregate_id = $2",
                          p, 4, NULL, NULL, NULL, err);
    }
    if (st == EVENTC_OK) {
        st = s->drv->commit(s->conn, err);
        in_tx = false;
        if (st == EVENTC_OK && version)
            *version = cur.version + (int64_t)n;
    }
    if (in_tx)
        s->drv->rollback(s->conn);
    for (size_t i = 0; i < built; i++)
        outbox_row_clear(&rows[i]);
    free(rows);
    return st;
}

/* ---- load --------------------------------------------------------------------------------- */

typedef struct load_ctx {
    eventc_store_visit visit;
    void *ctx;
    bool stopped;
} load_ctx;

static int load_row(void *ctx, int ncol, const char *const *vals, const size_t *lens)
{
    load_ctx *l = ctx;
    if (ncol < 6)
        return 1;
    eventc_store_record r = {
        strtoll(vals[0], NULL, 10), strtoll(vals[1], NULL, 10), vals[2], vals[3], vals[4],
        vals[5] ? vals[5] : "",     vals[5] ? lens[5] : 0};
    if (l->visit(l->ctx, &r) != 0) {
        l->stopped = true;
        return 1;
    }
    return 0;
}

eventc_status eventc_store_load(eventc_store *s, const char *aggregate_type,
                                const char *aggregate_id, int64_t after, eventc_store_visit visit,
                                void *ctx, int64_t *version, const char **state, eventc_error *err)
{
    if (s == NULL || aggregate_type == NULL || aggregate_id == NULL || visit == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "a stream is required");
    stream_row cur;
    eventc_status st = select_stream(s, aggregate_type, aggregate_id, false, &cur, err);
    if (st != EVENTC_OK)
        return st;
    if (version)
        *version = cur.version;
    if (state) {
        /* The catalog's own string, so that it outlives the call. */
        *state = "none";
        for (size_t i = 0; i < s->cat->n_aggregates; i++) {
            const eventc_lifecycle_desc *lc = s->cat->aggregates[i].lifecycle;
            if (cur.found && lc && strcmp(s->cat->aggregates[i].name, aggregate_type) == 0) {
                int k = eventc_lifecycle_find_state(lc, cur.state, strlen(cur.state));
                *state = k >= 0 ? eventc_lifecycle_state_name(lc, k) : "unknown";
            }
        }
    }
    if (!cur.found || cur.version <= after)
        return EVENTC_OK;
    /* Only up to the version read: a concurrent append past it is not half-seen. */
    store_param p[4] = {sp_text(aggregate_type), sp_text(aggregate_id), sp_int(after),
                        sp_int(cur.version)};
    load_ctx l = {visit, ctx, false};
    st = s->drv->exec(s->conn,
                      "SELECT version, position, event_name, event_id, type, payload FROM "
                      "eventc_events WHERE aggregate_type = $1 AND aggregate_id = $2 AND "
                      "version > $3 AND version <= $4 ORDER BY version",
                      p, 4, load_row, &l, NULL, err);
    if (l.stopped)
        st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "stopped by the callback");
    return st;
}

typedef struct decode_ctx {
    eventc_store *s;
    unsigned char *events;
    size_t n, cap;
    eventc_error *err;
    eventc_status st;
} decode_ctx;

static int decode_one(void *ctx, const eventc_store_record *r)
{
    decode_ctx *d = ctx;
    size_t usz = d->s->cat->union_size;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        unsigned char *grown = realloc(d->events, cap * usz);
        if (grown == NULL) {
            d->st = eventc_error_set(d->err, EVENTC_E_NOMEM, NULL, "out of memory");
            return 1;
        }
        d->events = grown;
        d->cap = cap;
    }
    void *ev = d->events + d->n * usz;
    memset(ev, 0, usz);
    d->st = eventc_catalog_decode_json(d->s->cat, ev, r->json, r->json_len, &d->s->decode, d->err);
    if (d->st != EVENTC_OK) {
        prefix_path(d->err, d->st, (long long)r->version);
        return 1;
    }
    d->n++;
    return 0;
}

eventc_status eventc_store_load_events(eventc_store *s, const char *aggregate_type,
                                       const char *aggregate_id, void **events, size_t *n,
                                       int64_t *version, eventc_error *err)
{
    if (events == NULL || n == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no output");
    *events = NULL;
    *n = 0;
    decode_ctx d = {s, NULL, 0, 0, err, EVENTC_OK};
    eventc_status st =
        eventc_store_load(s, aggregate_type, aggregate_id, 0, decode_one, &d, version, NULL, err);
    if (d.st != EVENTC_OK)
        st = d.st;
    if (st != EVENTC_OK) {
        eventc_store_events_free(s, d.events, d.n);
        return st;
    }
    *events = d.events;
    *n = d.n;
    return EVENTC_OK;
}

void eventc_store_events_free(eventc_store *s, void *events, size_t n)
{
    if (events == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        eventc_catalog_clear(s->cat, (unsigned char *)events + i * s->cat->union_size);
    free(events);
}

/* ---- outbox maintenance ------------------------------------------------------------------- */

eventc_status eventc_store_outbox_pending(eventc_store *s, int64_t *count, eventc_error *err)
{
    return store_query_int(s->drv, s->conn,
                           "SELECT count(*) FROM eventc_outbox WHERE sent_ms IS NULL", NULL, 0,
                           count, err);
}

eventc_status eventc_store_outbox_dead(eventc_store *s, int64_t *count, eventc_error *err)
{
    return store_query_int(s->drv, s->conn, "SELECT count(*) FROM eventc_outbox_dead", NULL, 0,
                           count, err);
}

eventc_status eventc_store_outbox_cleanup(eventc_store *s, int64_t retention_ms, int64_t *deleted,
                                          eventc_error *err)
{
    store_param p = sp_int(eventc_clock_now(s->clock) - (retention_ms > 0 ? retention_ms : 0));
    int64_t changes = 0;
    eventc_status st = s->drv->exec(
        s->conn, "DELETE FROM eventc_outbox WHERE sent_ms IS NOT NULL AND sent_ms <= $1", &p, 1,
        NULL, NULL, &changes, err);
    if (deleted)
        *deleted = changes;
    return st;
}

/* ---- backends this build lacks ------------------------------------------------------------ */

#ifndef EVENTC_STORE_HAVE_SQLITE
eventc_store *store_sqlite_open(const char *path, const eventc_store_config *cfg, eventc_error *err)
{
    (void)path;
    (void)cfg;
    eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL, "this build has no SQLite backend");
    return NULL;
}
#endif

#ifndef EVENTC_STORE_HAVE_POSTGRES
eventc_store *store_pg_open(const char *conninfo, const eventc_store_config *cfg, eventc_error *err)
{
    (void)conninfo;
    (void)cfg;
    eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL, "this build has no PostgreSQL backend");
    return NULL;
}
#endif
