/**
 * @file state_sqlite.h
 * @brief A durable state store for the lifecycle guard on SQLite (library
 *        eventc_messaging_sqlite): the state of every aggregate instance lives in a database
 *        file, so a consumer restarted, or another process opening the same file, goes on from
 *        the states already applied.
 *
 * One table, `eventc_lifecycle_state(aggregate, id, state, event_id)`, keyed by aggregate and
 * id. States are stored by **name** (`enabled`), so that a catalog version that adds or reorders
 * states reads old rows right; a stored name the lifecycle no longer has is reported with
 * EVENTC_E_STATE. Each save is one statement (compare and set in its WHERE clause), so two
 * connections racing on one instance cannot both move it. WAL journal and a busy timeout.
 */
#ifndef EVENTC_STATE_SQLITE_H
#define EVENTC_STATE_SQLITE_H

#include "eventc/lifecycle_guard.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of the SQLite state store. */
typedef struct eventc_sqlite_state_config {
    /** The database file (created when missing); ":memory:" for a private in-memory one. */
    const char *path;
    /** How long to wait for a lock held by another connection (default when 0: 5000 ms). */
    int busy_timeout_ms;
} eventc_sqlite_state_config;

/** Opens (and creates when needed) the store. @return the store (release with
 *  eventc_state_store_close) or NULL with @p err set (EVENTC_E_IO and SQLite's message). */
EVENTC_API EVENTC_NODISCARD eventc_state_store *
eventc_sqlite_state_open(const eventc_sqlite_state_config *cfg, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
