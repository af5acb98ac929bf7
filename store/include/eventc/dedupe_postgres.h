/**
 * @file dedupe_postgres.h
 * @brief A durable dedupe store on PostgreSQL (library eventc::store, when built with libpq):
 *        consumers on several machines share one dedupe window.
 *
 * One table, `eventc_dedupe(key TEXT PRIMARY KEY, state, token, until_ms)` (the key in hex), and
 * a sequence for fencing tokens. A claim is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE the
 * row expired`, so two claimers of one key never both get CLAIMED, in one process or many.
 * Commit and release are fenced by the token. Expired rows are deleted as claims go by. Times
 * come from a real-time clock (CLOCK_REALTIME by default): give every machine a synchronised
 * clock, or the leases and the window are off by the difference.
 *
 * The store's methods are thread-safe (one connection under a mutex).
 */
#ifndef EVENTC_DEDUPE_POSTGRES_H
#define EVENTC_DEDUPE_POSTGRES_H

#include "eventc/dedupe.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of the PostgreSQL store. */
typedef struct eventc_pg_dedupe_config {
    /** The libpq connection string (`postgresql://...` or `host=... dbname=...`). */
    const char *conninfo;
    /** How long a committed key is remembered (default when 0: 24 h). */
    int64_t ttl_ms;
    /** Time source (NULL: eventc_clock_realtime()). Borrowed. */
    const eventc_clock *clock;
} eventc_pg_dedupe_config;

/** Connects and creates the table when needed. @return the store (release with
 *  eventc_dedupe_close) or NULL with @p err set (EVENTC_E_UNAVAILABLE and libpq's message). */
EVENTC_API EVENTC_NODISCARD eventc_dedupe_store *
eventc_pg_dedupe_open(const eventc_pg_dedupe_config *cfg, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
