/* eventc_store_bench: the event store's cost per append, outbox included, against bare INSERTs
 * of the same rows (one event row and one outbox row, pre-encoded, in one transaction each), and
 * the relay's throughput to a publisher that accepts at once (docs/benchmarks.md, "Event
 * store").
 *
 *   eventc_store_bench [--db URL] [-n EVENTS] [--sync-normal]
 *
 * URL is sqlite:PATH (default: a file in a temporary folder, removed at the end) or a
 * postgresql:// URL of an empty database (its eventc_* tables are dropped first). With
 * --sync-normal, SQLite commits with synchronous=NORMAL (store and bare alike) instead of FULL. */
#define _POSIX_C_SOURCE 200809L
#include "messaging.h"
#include "messaging_messaging.h"

#include <eventc/store.h>
#ifdef EVENTC_STORE_HAVE_SQLITE
#include <eventc/store_sqlite.h>
#endif
#ifdef EVENTC_STORE_HAVE_POSTGRES
#include <eventc/store_postgres.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { STREAMS = 100 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_event(msg_event *ev, long i, const char *id, bool first)
{
    char json[512];
    snprintf(json, sizeof(json),
             "{\"event_name\": \"%s\", \"event_id\": \"bench-%08ld\", \"aggregate_type\": "
             "\"Customer\", \"aggregate_id\": \"%s\", \"occurred_at\": \"2025-11-05T14:00:00Z\", "
             "\"actor\": \"system\", \"version\": 1, \"customer_id\": \"%s\", %s}",
             first ? "CustomerCreated" : "CustomerUpdated", i, id, id,
             first ? "\"name\": \"Acme\"" : "\"changed_fields\": [\"name\"]");
    memset(ev, 0, sizeof(*ev));
    if (eventc_catalog_decode_json(&msg_catalog_desc, ev, json, strlen(json), NULL, NULL) !=
        EVENTC_OK) {
        fprintf(stderr, "bench: cannot decode %s\n", json);
        exit(1);
    }
}

/* Accepts every message at once. */
static eventc_status null_publish(eventc_publisher *pub, const char *topic,
                                  const eventc_message *const *msgs, size_t n,
                                  eventc_error *outcomes, eventc_error *err)
{
    (void)pub;
    (void)topic;
    (void)msgs;
    (void)err;
    for (size_t i = 0; outcomes && i < n; i++)
        eventc_error_clear(&outcomes[i]);
    return EVENTC_OK;
}
static eventc_status null_flush(eventc_publisher *pub, int t, eventc_error *err)
{
    (void)pub;
    (void)t;
    (void)err;
    return EVENTC_OK;
}
static void null_close(eventc_publisher *pub)
{
    (void)pub;
}
static const eventc_publisher_methods null_methods = {EVENTC_PUBLISHER_VERSION, "null",
                                                      null_publish, null_flush, null_close};

/* The bare rows: the same event and outbox rows as the store writes, encoded beforehand. */
typedef struct bare_row {
    char id[16];
    char event_id[32];
    char *json;
    char *ce;
    int64_t version;
} bare_row;

#ifdef EVENTC_STORE_HAVE_SQLITE
static double bare_sqlite(const char *path, bare_row *rows, long n, bool sync_normal)
{
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if (sync_normal)
        sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    sqlite3_exec(db,
                 "CREATE TABLE bare_events (position INTEGER PRIMARY KEY AUTOINCREMENT, "
                 "aggregate_type TEXT, aggregate_id TEXT, version INTEGER, event_id TEXT, "
                 "event_name TEXT, type TEXT, occurred_at TEXT, recorded_ms INTEGER, payload TEXT);"
                 "CREATE TABLE bare_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, aggregatetype "
                 "TEXT, aggregateid TEXT, type TEXT, payload TEXT, topic TEXT, partitionkey TEXT, "
                 "event_id TEXT, created_ms INTEGER)",
                 NULL, NULL, NULL);
    sqlite3_stmt *ev, *ob;
    sqlite3_prepare_v2(db,
                       "INSERT INTO bare_events VALUES (NULL, 'Customer', ?1, ?2, ?3, "
                       "'CustomerUpdated', 'com.example.messaging.customer.updated', "
                       "'2025-11-05T14:00:00Z', 0, ?4)",
                       -1, &ev, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO bare_outbox VALUES (NULL, 'Customer', ?1, "
                       "'com.example.messaging.customer.updated', ?2, "
                       "'com.example.messaging.customer', ?1, ?3, 0)",
                       -1, &ob, NULL);
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        bare_row *r = &rows[i];
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(ev, 1, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ev, 2, r->version);
        sqlite3_bind_text(ev, 3, r->event_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ev, 4, r->json, -1, SQLITE_STATIC);
        sqlite3_step(ev);
        sqlite3_reset(ev);
        sqlite3_bind_text(ob, 1, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ob, 2, r->ce, -1, SQLITE_STATIC);
        sqlite3_bind_text(ob, 3, r->event_id, -1, SQLITE_STATIC);
        sqlite3_step(ob);
        sqlite3_reset(ob);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double t = now_s() - t0;
    sqlite3_finalize(ev);
    sqlite3_finalize(ob);
    sqlite3_close(db);
    return t;
}
#endif

#ifdef EVENTC_STORE_HAVE_POSTGRES
static double bare_pg(const char *url, bare_row *rows, long n)
{
    PGconn *c = PQconnectdb(url);
    PQclear(PQexec(c, "DROP TABLE IF EXISTS bare_events, bare_outbox;"
                      "CREATE TABLE bare_events (position BIGSERIAL PRIMARY KEY, aggregate_type "
                      "TEXT, aggregate_id TEXT, version BIGINT, event_id TEXT, event_name TEXT, "
                      "type TEXT, occurred_at TEXT, recorded_ms BIGINT, payload TEXT);"
                      "CREATE TABLE bare_outbox (id BIGSERIAL PRIMARY KEY, aggregatetype TEXT, "
                      "aggregateid TEXT, type TEXT, payload TEXT, topic TEXT, partitionkey TEXT, "
                      "event_id TEXT, created_ms BIGINT)"));
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        bare_row *r = &rows[i];
        char v[24];
        snprintf(v, sizeof(v), "%lld", (long long)r->version);
        const char *ep[] = {r->id, v, r->event_id, r->json};
        const char *op[] = {r->id, r->ce, r->event_id};
        PQclear(PQexec(c, "BEGIN"));
        PQclear(PQexecParams(c,
                             "INSERT INTO bare_events (aggregate_type, aggregate_id, version, "
                             "event_id, event_name, type, occurred_at, recorded_ms, payload) "
                             "VALUES ('Customer', $1, $2, $3, 'CustomerUpdated', "
                             "'com.example.messaging.customer.updated', '2025-11-05T14:00:00Z', "
                             "0, $4)",
                             4, NULL, ep, NULL, NULL, 0));
        PQclear(PQexecParams(c,
                             "INSERT INTO bare_outbox (aggregatetype, aggregateid, type, payload, "
                             "topic, partitionkey, event_id, created_ms) VALUES ('Customer', $1, "
                             "'com.example.messaging.customer.updated', $2, "
                             "'com.example.messaging.customer', $1, $3, 0)",
                             3, NULL, op, NULL, NULL, 0));
        PQclear(PQexec(c, "COMMIT"));
    }
    double t = now_s() - t0;
    PQclear(PQexec(c, "DROP TABLE bare_events, bare_outbox"));
    PQfinish(c);
    return t;
}
#endif

int main(int argc, char **argv)
{
    const char *url = NULL;
    long n = 2000;
    bool sync_normal = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            url = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else if (strcmp(argv[i], "--sync-normal") == 0)
            sync_normal = true;
        else {
            fprintf(stderr, "usage: eventc_store_bench [--db URL] [-n EVENTS] [--sync-normal]\n");
            return 2;
        }
    }
    char dir[256] = "", urlbuf[320];
    if (url == NULL) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/eventc-bench-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
        if (mkdtemp(dir) == NULL) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(urlbuf, sizeof(urlbuf), "sqlite:%s/store.db", dir);
        url = urlbuf;
    }
    bool pg = strncmp(url, "postgres", 8) == 0;
#ifdef EVENTC_STORE_HAVE_POSTGRES
    if (pg) {
        PGconn *c = PQconnectdb(url);
        PQclear(PQexec(c, "DROP TABLE IF EXISTS eventc_store_schema, eventc_streams, "
                          "eventc_events, eventc_outbox, eventc_outbox_dead"));
        PQfinish(c);
    }
#endif
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    cfg.sqlite_sync_normal = sync_normal;
    eventc_error err;
    eventc_store *s = eventc_store_open(url, &cfg, &err);
    if (s == NULL) {
        fprintf(stderr, "bench: %s: %s\n", url, err.message);
        return 1;
    }
    /* The streams exist first; then n single-event appends, round-robin over them. */
    int64_t version[STREAMS] = {0};
    for (int k = 0; k < STREAMS; k++) {
        char id[16];
        snprintf(id, sizeof(id), "b-%d", k);
        msg_event ev;
        make_event(&ev, -1 - k, id, true);
        const void *one[] = {&ev};
        if (eventc_store_append(s, "Customer", id, 0, one, 1, &version[k], &err) != EVENTC_OK) {
            fprintf(stderr, "bench: %s\n", err.message);
            return 1;
        }
        msg_event_clear(&ev);
    }
    msg_event *evs = calloc((size_t)n, sizeof(*evs));
    bare_row *rows = calloc((size_t)n, sizeof(*rows));
    for (long i = 0; i < n; i++) {
        bare_row *r = &rows[i];
        snprintf(r->id, sizeof(r->id), "b-%ld", i % STREAMS);
        snprintf(r->event_id, sizeof(r->event_id), "bench-%08ld", i);
        make_event(&evs[i], i, r->id, false);
        eventc_buf b;
        eventc_buf_init(&b, NULL);
        if (eventc_catalog_to_json(&msg_catalog_desc, &evs[i], &b, NULL) != EVENTC_OK)
            return 1;
        r->json = eventc_buf_detach(&b, NULL);
        eventc_message m;
        eventc_message_init(&m, NULL);
        if (eventc_catalog_message(&msg_catalog_desc, NULL, (int)evs[i].kind,
                                   eventc_catalog_event_ptr(&msg_catalog_desc, &evs[i]), &m,
                                   NULL) != EVENTC_OK ||
            eventc_ce_to_json(&m.event, &b, NULL) != EVENTC_OK)
            return 1;
        r->ce = eventc_buf_detach(&b, NULL);
        eventc_message_clear(&m);
        r->version = 2 + i / STREAMS;
    }
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        int k = (int)(i % STREAMS);
        const void *one[] = {&evs[i]};
        if (eventc_store_append(s, "Customer", rows[i].id, version[k], one, 1, &version[k], &err) !=
            EVENTC_OK) {
            fprintf(stderr, "bench: append: %s\n", err.message);
            return 1;
        }
    }
    double t_store = now_s() - t0;

    eventc_publisher null_pub = {&null_methods};
    eventc_relay_config rc = eventc_relay_config_default();
    eventc_relay_stats stats = {0, 0, 0};
    t0 = now_s();
    for (;;) {
        size_t before = stats.sent;
        if (eventc_store_relay_once(s, &null_pub, &rc, &stats, &err) != EVENTC_OK) {
            fprintf(stderr, "bench: relay: %s\n", err.message);
            return 1;
        }
        if (stats.sent == before)
            break;
    }
    double t_relay = now_s() - t0;

    double t_bare = 0;
#ifdef EVENTC_STORE_HAVE_SQLITE
    if (!pg) {
        char path[320];
        snprintf(path, sizeof(path), "%s/bare.db", dir);
        t_bare = bare_sqlite(path, rows, n, sync_normal);
    }
#endif
#ifdef EVENTC_STORE_HAVE_POSTGRES
    if (pg)
        t_bare = bare_pg(url, rows, n);
#endif
    printf("backend %s%s, %ld events over %d streams\n", eventc_store_backend(s),
           pg            ? ""
           : sync_normal ? " (synchronous=NORMAL)"
                         : " (synchronous=FULL)",
           n, STREAMS);
    printf("  store append (event + outbox, 1 per tx)  %9.0f appends/s  %7.1f us/append\n",
           (double)n / t_store, t_store * 1e6 / (double)n);
    printf("  bare INSERTs (same rows, 1 tx each)      %9.0f appends/s  %7.1f us/append\n",
           (double)n / t_bare, t_bare * 1e6 / (double)n);
    printf("  overhead ratio store / bare              %9.2f\n", t_store / t_bare);
    printf("  relay to a null publisher                %9.0f rows/s (%zu rows)\n",
           (double)stats.sent / t_relay, stats.sent);
    for (long i = 0; i < n; i++) {
        msg_event_clear(&evs[i]);
        free(rows[i].json);
        free(rows[i].ce);
    }
    free(evs);
    free(rows);
    eventc_store_close(s);
    if (dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return 0;
}
