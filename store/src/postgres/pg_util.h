/* What the PostgreSQL store and dedupe store share: connecting and naming libpq's errors. */
#ifndef EVENTC_STORE_PG_UTIL_H
#define EVENTC_STORE_PG_UTIL_H

#include "eventc/common.h"

#include <libpq-fe.h>

/** Connects to @p conninfo with notices silenced. @return the connection, or NULL with @p err
 *  set (EVENTC_E_UNAVAILABLE, libpq's message). */
PGconn *pg_connect(const char *conninfo, eventc_error *err);

/**
 * Records the failure of a statement (@p res may be NULL: the connection's error):
 * EVENTC_E_CONFLICT for a unique violation, EVENTC_E_UNAVAILABLE for a lost connection, a
 * serialization failure, a deadlock or a lock timeout, EVENTC_E_IO otherwise.
 */
eventc_status pg_error(PGconn *conn, const PGresult *res, eventc_error *err);

/** Whether @p res is a success (PGRES_COMMAND_OK or PGRES_TUPLES_OK). */
int pg_ok(const PGresult *res);

#endif
