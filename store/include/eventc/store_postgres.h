/**
 * @file store_postgres.h
 * @brief The PostgreSQL backend of libeventc-store: the outbox inside the application's own
 *        transaction, on its own `PGconn *` (docs/store.md, "Transactional outbox").
 *
 * A store opens its database with eventc_store_open("postgresql://...", ...). An application
 * writes its business rows and its events' outbox rows on its own connection, in one
 * transaction:
 *
 *     PQexec(conn, "BEGIN");
 *     ... INSERT INTO orders ...
 *     eventc_store_pg_outbox_add(conn, &msg_catalog_desc, &ev, &err);
 *     PQexec(conn, "COMMIT");              // or ROLLBACK: no outbox row either
 */
#ifndef EVENTC_STORE_POSTGRES_H
#define EVENTC_STORE_POSTGRES_H

#include "eventc/store.h"

#include <libpq-fe.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Creates or migrates the store's tables on @p conn: inside the caller's open transaction, or in
 * one of its own when none is open.
 * @return EVENTC_OK; EVENTC_E_UNSUPPORTED (a newer schema); EVENTC_E_UNAVAILABLE (connection
 *         lost); EVENTC_E_IO.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_pg_migrate(PGconn *conn, eventc_error *err);

/**
 * Adds the outbox row of the event in union @p ev (an event of @p cat) on @p conn, inside the
 * caller's open transaction (outside one, the row commits on its own). The event is validated
 * first; nothing is written on error. The tables must exist (eventc_store_open or
 * eventc_store_pg_migrate).
 * @return EVENTC_OK; the event's validation error; a database error (the caller's transaction
 *         is then aborted and must be rolled back).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_pg_outbox_add(PGconn *conn,
                                                                     const eventc_catalog *cat,
                                                                     const void *ev,
                                                                     eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
