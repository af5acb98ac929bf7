/* The store suite (store_cases.h) on the SQLite backend, in a database file in a temporary
 * folder removed at the end; the application's transaction runs on its own connection. */
#define _POSIX_C_SOURCE 200809L
#include "store_cases.h"

#include <eventc/store_sqlite.h>

#include <stdlib.h>
#include <unistd.h>

typedef struct sqlite_backend {
    char path[300];
} sqlite_backend;

static int run_sql(void *ctx, const char *sql)
{
    sqlite_backend *b = ctx;
    sqlite3 *db = NULL;
    int rc = sqlite3_open(b->path, &db);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 30000);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return rc;
}

static eventc_status app_tx(void *ctx, const msg_event *ev, bool commit)
{
    sqlite_backend *b = ctx;
    sqlite3 *db = NULL;
    eventc_error err;
    eventc_status st = EVENTC_E_IO;
    if (sqlite3_open(b->path, &db) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 30000);
        st = eventc_store_sqlite_migrate(db, &err);
        CHECK(st == EVENTC_OK);
        CHECK(sqlite3_exec(db,
                           "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS orders (id TEXT);"
                           "INSERT INTO orders VALUES ('o-1')",
                           NULL, NULL, NULL) == SQLITE_OK);
        st = eventc_store_sqlite_outbox_add(db, &msg_catalog_desc, ev, &err);
        sqlite3_exec(db, commit && st == EVENTC_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return st;
}

int main(void)
{
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/eventc-store-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    sqlite_backend sb;
    snprintf(sb.path, sizeof(sb.path), "%s/store.db", dir);
    char url[320];
    snprintf(url, sizeof(url), "sqlite:%s", sb.path);
    store_backend b = {url, run_sql, app_tx, &sb};
    store_cases(&b);

    /* Bad URLs are refused with a clear error. */
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    eventc_error err;
    CHECK(eventc_store_open("mysql://x", &cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_INVALID_ARGUMENT);
    char bad[320];
    snprintf(bad, sizeof(bad), "sqlite:%s/missing/dir/x.db", dir);
    CHECK(eventc_store_open(bad, &cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_IO);

    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
