/* Opening a SQLite database shared by several connections (sqlite_open.h). */
#include "sqlite_open.h"

#include <string.h>

/* Each retry of the WAL switch sleeps this long. */
enum { WAL_RETRY_MS = 10 };

static int set_wal(sqlite3 *db, int busy_ms)
{
    for (int waited = 0;; waited += WAL_RETRY_MS) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
            /* The pragma answers with the mode in force; anything but "wal" means the file
             * could not be switched (an in-memory database, say), which is not an error. */
            rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
        }
        sqlite3_finalize(st);
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
            return rc;
        }
        if (waited >= busy_ms) {
            return rc;
        }
        sqlite3_sleep(WAL_RETRY_MS);
    }
}

int eventc_sqlite_open_shared(const char *path, int busy_ms, const char *schema, sqlite3 **db)
{
    int rc = sqlite3_open_v2(
        path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_busy_timeout(*db, busy_ms);
    }
    if (rc == SQLITE_OK) {
        rc = set_wal(*db, busy_ms);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(*db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_exec(*db, schema, NULL, NULL, NULL);
            rc = rc == SQLITE_OK ? sqlite3_exec(*db, "COMMIT", NULL, NULL, NULL) : rc;
            if (rc != SQLITE_OK) {
                sqlite3_exec(*db, "ROLLBACK", NULL, NULL, NULL);
            }
        }
    }
    return rc;
}
