/* The SQLite dedupe store: the cases every store passes, a window shared by two connections to
 * one file (as two processes would share it), and concurrent claimers of the same keys on
 * separate connections: each key is claimed exactly once. The database lives in a temporary
 * folder removed at the end. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "dedupe_cases.h"

#include <eventc/dedupe_sqlite.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static eventc_dedupe_store *open_racy(void *path)
{
    eventc_sqlite_dedupe_config cfg = {path, 0, 30000, NULL};
    return eventc_sqlite_dedupe_open(&cfg, NULL);
}

int main(void)
{
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/eventc-dedupe-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char path[300], shared[300], racy[300];
    snprintf(path, sizeof(path), "%s/cases.db", dir);
    snprintf(shared, sizeof(shared), "%s/shared.db", dir);
    snprintf(racy, sizeof(racy), "%s/racy.db", dir);

    eventc_manual_clock *mc = eventc_manual_clock_new(1000);
    eventc_sqlite_dedupe_config cfg = {path, 10000, 0, eventc_manual_clock_get(mc)};
    eventc_error err;
    eventc_dedupe_store *s = eventc_sqlite_dedupe_open(&cfg, &err);
    CHECK(s != NULL);
    if (s != NULL) {
        dedupe_store_cases(s, mc);
        eventc_dedupe_close(s);
    }

    /* Two connections, one window; and it survives closing and reopening. */
    cfg.path = shared;
    eventc_dedupe_store *a = eventc_sqlite_dedupe_open(&cfg, &err);
    eventc_dedupe_store *b = eventc_sqlite_dedupe_open(&cfg, &err);
    CHECK(a != NULL && b != NULL);
    if (a != NULL && b != NULL) {
        eventc_dedupe_result r;
        uint64_t t1, t2;
        CHECK(eventc_dedupe_claim(a, "x", 1, 5000, &r, &t1, &err) == EVENTC_OK);
        CHECK(r == EVENTC_DEDUPE_CLAIMED);
        CHECK(eventc_dedupe_claim(b, "x", 1, 5000, &r, &t2, &err) == EVENTC_OK);
        CHECK(r == EVENTC_DEDUPE_BUSY);
        CHECK(eventc_dedupe_commit(a, "x", 1, t1, &err) == EVENTC_OK);
        CHECK(eventc_dedupe_claim(b, "x", 1, 5000, &r, &t2, &err) == EVENTC_OK);
        CHECK(r == EVENTC_DEDUPE_DONE);
    }
    eventc_dedupe_close(a);
    eventc_dedupe_close(b);
    a = eventc_sqlite_dedupe_open(&cfg, &err);
    CHECK(a != NULL);
    if (a != NULL) {
        eventc_dedupe_result r;
        uint64_t t;
        CHECK(eventc_dedupe_claim(a, "x", 1, 5000, &r, &t, &err) == EVENTC_OK);
        CHECK(r == EVENTC_DEDUPE_DONE);
        eventc_dedupe_close(a);
    }

    /* Concurrent claimers: every key claimed by exactly one of them. */
    dedupe_concurrent_claims(open_racy, racy);

    /* A path that cannot be opened is reported. */
    cfg.path = "/nonexistent-dir/x/y.db";
    CHECK(eventc_sqlite_dedupe_open(&cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_IO);

    eventc_manual_clock_free(mc);
    const char *files[] = {"cases.db",  "cases.db-wal",  "cases.db-shm",
                           "shared.db", "shared.db-wal", "shared.db-shm",
                           "racy.db",   "racy.db-wal",   "racy.db-shm"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char f[320];
        snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
        unlink(f);
    }
    rmdir(dir);
    return check_report();
}
