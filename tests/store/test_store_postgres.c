/* The store suite (store_cases.h) and the dedupe store cases on PostgreSQL, on a server the
 * test starts itself (pg_server.h) and stops at the end; skipped when PostgreSQL is not
 * installed. Also: concurrent claimers of the dedupe store on separate connections. */
#define _POSIX_C_SOURCE 200809L
#include "store_cases.h"
#include "dedupe_cases.h"
#include "pg_server.h"

#include <eventc/dedupe_postgres.h>
#include <eventc/store_postgres.h>

#include <pthread.h>

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *connect_quietly(const char *url)
{
    PGconn *c = PQconnectdb(url);
    PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

static int run_sql(void *ctx, const char *sql)
{
    pg_server *pg = ctx;
    PGconn *c = connect_quietly(pg->url);
    PGresult *res = PQexec(c, sql);
    int rc =
        PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : 1;
    if (rc)
        fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return rc;
}

static eventc_status app_tx(void *ctx, const msg_event *ev, bool commit)
{
    pg_server *pg = ctx;
    PGconn *c = connect_quietly(pg->url);
    eventc_error err;
    CHECK(eventc_store_pg_migrate(c, &err) == EVENTC_OK);
    PQclear(PQexec(c, "CREATE TABLE IF NOT EXISTS orders (id TEXT)"));
    PQclear(PQexec(c, "BEGIN"));
    PQclear(PQexec(c, "INSERT INTO orders VALUES ('o-1')"));
    eventc_status st = eventc_store_pg_outbox_add(c, &msg_catalog_desc, ev, &err);
    PQclear(PQexec(c, commit && st == EVENTC_OK ? "COMMIT" : "ROLLBACK"));
    PQfinish(c);
    return st;
}

static eventc_dedupe_store *open_pg_dedupe(void *url)
{
    eventc_pg_dedupe_config cfg = {url, 0, NULL};
    return eventc_pg_dedupe_open(&cfg, NULL);
}

static void dedupe_tests(const char *url)
{
    eventc_manual_clock *mc = eventc_manual_clock_new(1000);
    eventc_pg_dedupe_config cfg = {url, 10000, eventc_manual_clock_get(mc)};
    eventc_error err;
    eventc_dedupe_store *s = eventc_pg_dedupe_open(&cfg, &err);
    CHECK(s != NULL);
    if (s != NULL) {
        dedupe_store_cases(s, mc);
        eventc_dedupe_close(s);
    }
    eventc_manual_clock_free(mc);
    /* Concurrent claimers on their own connections: each key claimed exactly once. */
    dedupe_concurrent_claims(open_pg_dedupe, (void *)url);
    /* A server that is not there is reported. */
    cfg.conninfo = "postgresql://postgres@127.0.0.1:1/postgres";
    CHECK(eventc_pg_dedupe_open(&cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_UNAVAILABLE);
}

int main(void)
{
    pg_server pg;
    int rc = pg_server_start(&pg);
    if (rc != 0) {
        pg_server_stop(&pg);
        return rc;
    }
    store_backend b = {pg.url, run_sql, app_tx, &pg};
    store_cases(&b);
    dedupe_tests(pg.url);

    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    eventc_error err;
    CHECK(eventc_store_open("postgresql://postgres@127.0.0.1:1/postgres", &cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_UNAVAILABLE);
    pg_server_stop(&pg);
    return check_report();
}
