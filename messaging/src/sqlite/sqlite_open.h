/* Opening a SQLite database shared by several connections (threads or processes) of the
 * messaging stores: the one place that knows how to do it without spurious SQLITE_BUSY. */
#ifndef EVENTC_MESSAGING_SQLITE_OPEN_H
#define EVENTC_MESSAGING_SQLITE_OPEN_H

#include <sqlite3.h>

/**
 * Opens (creating if needed) the database at @p path for one connection used under the
 * caller's own lock, waits up to @p busy_ms for other connections' locks, switches the file to
 * WAL mode and creates the tables of @p schema (statements that must be idempotent, such as
 * CREATE TABLE IF NOT EXISTS) in one write transaction.
 *
 * The schema runs inside BEGIN IMMEDIATE because a plain statement that reads and then writes
 * fails at once with SQLITE_BUSY (without waiting) when another connection wrote in between;
 * taking the write lock first makes it wait like every other write. Switching to WAL needs the
 * database to itself and does not wait either, so it is retried for up to @p busy_ms.
 *
 * @param db receives the connection, also on failure (close it with sqlite3_close), or NULL
 *           when out of memory
 * @return SQLITE_OK or the failing call's code
 */
int eventc_sqlite_open_shared(const char *path, int busy_ms, const char *schema, sqlite3 **db);

#endif
