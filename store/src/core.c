/* What the store's parts and its backends share (store_internal.h): the store's common
 * fields, the schema migrations, one-integer queries and the outbox rows. Calls nothing above it,
 * so the backends and store.c both call down into it. */
#include "store_internal.h"

#include "eventc/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

eventc_store *store_alloc(size_t conn_size, void **conn, eventc_error *err)
{
    eventc_store *s = calloc(1, sizeof(*s));
    *conn = s ? calloc(1, conn_size) : NULL;
    if (*conn == NULL) {
        free(s);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    return s;
}

void store_init(eventc_store *s, const store_driver *drv, void *conn,
                const eventc_store_config *cfg)
{
    s->drv = drv;
    s->conn = conn;
    s->cat = cfg->catalog;
    s->clock = cfg->clock ? cfg->clock : eventc_clock_realtime();
    s->decode = cfg->decode ? *cfg->decode : eventc_decode_options_default();
}

/* ---- small query helpers ------------------------------------------------------------------ */

static int first_int(void *ctx, int ncol, const char *const *vals, const size_t *lens)
{
    (void)lens;
    int64_t *out = ctx;
    *out = ncol > 0 && vals[0] ? strtoll(vals[0], NULL, 10) : 0;
    return 0;
}

eventc_status store_query_int(const store_driver *drv, void *conn, const char *sql,
                              const store_param *params, size_t n, int64_t *out, eventc_error *err)
{
    *out = 0;
    return drv->exec(conn, sql, params, n, first_int, out, NULL, err);
}

/* Version 1 of the schema; @SERIAL@ is the backend's increasing key. SQLite reads BIGINT as an
 * integer column too. */
static const char schema_v1[] =
    "CREATE TABLE IF NOT EXISTS eventc_streams ("
    "  aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL,"
    "  version BIGINT NOT NULL, state TEXT NOT NULL,"
    "  PRIMARY KEY (aggregate_type, aggregate_id));"
    "CREATE TABLE IF NOT EXISTS eventc_events ("
    "  position @SERIAL@,"
    "  aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, version BIGINT NOT NULL,"
    "  event_id TEXT NOT NULL, event_name TEXT NOT NULL, type TEXT NOT NULL, occurred_at TEXT,"
    "  recorded_ms BIGINT NOT NULL, payload TEXT NOT NULL,"
    "  UNIQUE (aggregate_type, aggregate_id, version));"
    "CREATE TABLE IF NOT EXISTS eventc_outbox ("
    "  id @SERIAL@,"
    "  aggregatetype TEXT NOT NULL, aggregateid TEXT NOT NULL, type TEXT NOT NULL,"
    "  payload TEXT NOT NULL, topic TEXT, partitionkey TEXT, event_id TEXT,"
    "  created_ms BIGINT NOT NULL, claimed_by TEXT, claim_until BIGINT, sent_ms BIGINT);"
    "CREATE INDEX IF NOT EXISTS eventc_outbox_queue ON eventc_outbox (id)"
    "  WHERE sent_ms IS NULL;"
    "CREATE INDEX IF NOT EXISTS eventc_outbox_heads ON eventc_outbox"
    "  (aggregatetype, aggregateid, id) WHERE sent_ms IS NULL;"
    "CREATE INDEX IF NOT EXISTS eventc_outbox_sent ON eventc_outbox (sent_ms)"
    "  WHERE sent_ms IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS eventc_outbox_dead ("
    "  id BIGINT PRIMARY KEY, aggregatetype TEXT, aggregateid TEXT, type TEXT, payload TEXT,"
    "  topic TEXT, partitionkey TEXT, event_id TEXT, created_ms BIGINT,"
    "  reason TEXT NOT NULL, dead_ms BIGINT NOT NULL);";

/* Runs schema_v1 with the backend's serial key type. */
static eventc_status create_v1(const store_driver *drv, void *conn, eventc_error *err)
{
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    const char *p = schema_v1, *at;
    eventc_status st = EVENTC_OK;
    while (st == EVENTC_OK && (at = strstr(p, "@SERIAL@")) != NULL) {
        st = eventc_buf_append(&b, p, (size_t)(at - p));
        st = st == EVENTC_OK ? eventc_buf_append_str(&b, drv->serial_key) : st;
        p = at + strlen("@SERIAL@");
    }
    st = st == EVENTC_OK ? eventc_buf_append_str(&b, p) : st;
    st = st == EVENTC_OK ? drv->script(conn, eventc_buf_cstr(&b), err)
                         : eventc_error_set(err, st, NULL, "out of memory");
    eventc_buf_free(&b);
    return st;
}

eventc_status store_migrate(const store_driver *drv, void *conn, bool own_tx, eventc_error *err)
{
    eventc_status st = own_tx ? drv->begin(conn, err) : EVENTC_OK;
    if (st != EVENTC_OK)
        return st;
    if (drv->migrate_lock) {
        int64_t ignored;
        st = store_query_int(drv, conn, drv->migrate_lock, NULL, 0, &ignored, err);
    }
    if (st == EVENTC_OK) {
        st = drv->script(
            conn, "CREATE TABLE IF NOT EXISTS eventc_store_schema (version INTEGER NOT NULL)", err);
    }
    int64_t version = 0;
    if (st == EVENTC_OK) {
        st = store_query_int(drv, conn, "SELECT max(version) FROM eventc_store_schema", NULL, 0,
                             &version, err);
    }
    if (st == EVENTC_OK && version > EVENTC_STORE_SCHEMA_VERSION) {
        st = eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL,
                              "the store's schema is version %lld; this library knows up to %d",
                              (long long)version, EVENTC_STORE_SCHEMA_VERSION);
    }
    /* Each version's steps run once, in order; version 1 is the first schema. */
    if (st == EVENTC_OK && version < 1) {
        st = create_v1(drv, conn, err);
        if (st == EVENTC_OK) {
            store_param p = sp_int(1);
            st = drv->exec(conn, "INSERT INTO eventc_store_schema (version) VALUES ($1)", &p, 1,
                           NULL, NULL, NULL, err);
        }
    }
    if (own_tx) {
        if (st == EVENTC_OK)
            st = drv->commit(conn, err);
        else
            drv->rollback(conn);
    }
    return st;
}

/* ---- outbox rows -------------------------------------------------------------------------- */

void outbox_row_clear(outbox_row *r)
{
    eventc_buf_free(&r->ce_json);
    eventc_buf_free(&r->json);
    eventc_message_clear(&r->m);
}

eventc_status outbox_row_build(const eventc_catalog *cat, const void *ev, outbox_row *r,
                               eventc_error *err)
{
    memset(r, 0, sizeof(*r));
    eventc_buf_init(&r->ce_json, NULL);
    eventc_buf_init(&r->json, NULL);
    eventc_message_init(&r->m, NULL);
    int kind = eventc_catalog_kind(cat, ev);
    const eventc_catalog_event *ce = eventc_catalog_event_of(cat, kind);
    if (ce == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "the union holds no event");
    eventc_status st =
        eventc_catalog_message(cat, NULL, kind, eventc_catalog_event_ptr(cat, ev), &r->m, err);
    if (st == EVENTC_OK)
        st = eventc_ce_to_json(&r->m.event, &r->ce_json, err);
    if (st == EVENTC_OK)
        st = eventc_catalog_to_json(cat, ev, &r->json, err);
    if (st != EVENTC_OK)
        return st;
    r->aggregate = cat->aggregates[ce->aggregate].name;
    r->aggregate_id = eventc_catalog_aggregate_id(cat, ev);
    r->event_id = eventc_catalog_event_id(cat, ev);
    r->event_name = ce->entry->name;
    r->type = ce->type;
    if (r->m.event.has_time)
        eventc_timestamp_format(r->m.event.time, r->occurred_at);
    if (r->aggregate_id == NULL || r->event_id == NULL)
        return eventc_error_set(err, EVENTC_E_REQUIRED, NULL, "the event has no id or no %s",
                                "aggregate id");
    return EVENTC_OK;
}

eventc_status outbox_row_write(const store_driver *drv, void *conn, const outbox_row *r,
                               int64_t now_ms, eventc_error *err)
{
    store_param p[8] = {sp_text(r->aggregate),
                        sp_text(r->aggregate_id),
                        sp_text(r->type),
                        sp_text_n(eventc_buf_cstr((eventc_buf *)&r->ce_json), r->ce_json.len),
                        sp_text(r->m.topic),
                        sp_text(r->m.key),
                        sp_text(r->event_id),
                        sp_int(now_ms)};
    return drv->exec(conn,
                     "INSERT INTO eventc_outbox (aggregatetype, aggregateid, type, payload, topic, "
                     "partitionkey, event_id, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                     p, 8, NULL, NULL, NULL, err);
}

eventc_status store_outbox_insert(const store_driver *drv, void *conn, const eventc_catalog *cat,
                                  const void *ev, int64_t now_ms, eventc_error *err)
{
    outbox_row r;
    eventc_status st = outbox_row_build(cat, ev, &r, err);
    if (st == EVENTC_OK)
        st = outbox_row_write(drv, conn, &r, now_ms, err);
    outbox_row_clear(&r);
    return st;
}
