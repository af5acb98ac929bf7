/**
 * @file store_sqlite.h
 * @brief The SQLite backend of libeventc-store: the outbox inside the application's own
 *        transaction, on its own `sqlite3 *` connection (docs/store.md, "Transactional outbox").
 *
 * A store opens its database with eventc_store_open("sqlite:PATH", ...). An application that
 * keeps its business tables in the same file writes its rows and its events' outbox rows on its
 * own connection, in one transaction:
 *
 *     sqlite3_exec(db, "BEGIN IMMEDIATE", ...);
 *     ... INSERT INTO orders ...
 *     eventc_store_sqlite_outbox_add(db, &msg_catalog_desc, &ev, &err);
 *     sqlite3_exec(db, "COMMIT", ...);     // or ROLLBACK: no outbox row either
 *
 * Start write transactions with BEGIN IMMEDIATE: in WAL mode a deferred transaction that reads
 * and then writes fails with SQLITE_BUSY_SNAPSHOT when another connection wrote in between.
 */
#ifndef EVENTC_STORE_SQLITE_H
#define EVENTC_STORE_SQLITE_H

#include "eventc/store.h"

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Creates or migrates the store's tables on @p db: in the caller's open transaction, or in one of
 * its own when @p db is in autocommit mode.
 * @return EVENTC_OK; EVENTC_E_UNSUPPORTED (a newer schema); EVENTC_E_UNAVAILABLE (locked);
 *         EVENTC_E_IO.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_sqlite_migrate(sqlite3 *db,
                                                                      eventc_error *err);

/**
 * Adds the outbox row of the event in union @p ev (an event of @p cat) on @p db, inside the
 * caller's open transaction (in autocommit mode the row commits on its own). The event is
 * validated first; nothing is written on error. The tables must exist (eventc_store_open or
 * eventc_store_sqlite_migrate).
 * @return EVENTC_OK; the event's validation error; a database error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_sqlite_outbox_add(sqlite3 *db,
                                                                         const eventc_catalog *cat,
                                                                         const void *ev,
                                                                         eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
