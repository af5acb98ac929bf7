/**
 * @file dedupe_sqlite.h
 * @brief A durable dedupe store on SQLite (library eventc_messaging_sqlite): the claims and
 *        committed keys live in a database file, so the window survives restarts and is shared
 *        by every process on the machine that opens the same file.
 *
 * One table, `eventc_dedupe(key BLOB PRIMARY KEY, state, token, until_ms)`, changed in
 * `BEGIN IMMEDIATE` transactions (so concurrent claimers of one key serialise: one gets
 * CLAIMED, the others BUSY). WAL journal and a busy timeout; expired rows are deleted as
 * claims go by. Times come from a real-time clock (CLOCK_REALTIME by default), since they
 * outlive the process.
 */
#ifndef EVENTC_DEDUPE_SQLITE_H
#define EVENTC_DEDUPE_SQLITE_H

#include "eventc/dedupe.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of the SQLite store. */
typedef struct eventc_sqlite_dedupe_config {
    /** The database file (created when missing); ":memory:" for a private in-memory one. */
    const char *path;
    /** How long a committed key is remembered (default when 0: 24 h). */
    int64_t ttl_ms;
    /** How long to wait for a lock held by another connection (default when 0: 5000 ms). */
    int busy_timeout_ms;
    /** Time source (NULL: eventc_clock_realtime()). Borrowed. */
    const eventc_clock *clock;
} eventc_sqlite_dedupe_config;

/** Opens (and creates when needed) the store. @return the store (release with
 *  eventc_dedupe_close) or NULL with @p err set (EVENTC_E_IO and SQLite's message). */
EVENTC_API EVENTC_NODISCARD eventc_dedupe_store *
eventc_sqlite_dedupe_open(const eventc_sqlite_dedupe_config *cfg, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
