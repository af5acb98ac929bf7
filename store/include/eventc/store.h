/**
 * @file store.h
 * @brief libeventc-store: an event store with optimistic concurrency and lifecycle checks, a
 *        transactional outbox written in the same transaction, and a relay that forwards the
 *        outbox through any publisher port in per-aggregate order (docs/store.md).
 *
 * Two backends share this API: SQLite (store_sqlite.h; one file in WAL mode, one machine) and
 * PostgreSQL (store_postgres.h; several processes and machines). eventc_store_open picks one
 * by URL: `sqlite:PATH` or `postgresql://...` (also `postgres://...`).
 *
 * The store is catalog-independent: it takes the generated descriptor of the typed messaging
 * layer (`<prefix>_catalog_desc`, eventc/catalog.h) and uses it to validate, encode and decode
 * events, apply lifecycles and route the outbox rows.
 *
 * **Streams.** A stream is an aggregate type (the catalog's aggregate name, e.g. "Customer")
 * plus an aggregate id. Its version is the number of events in it (0: no stream).
 *
 * **Threads.** One eventc_store is one database connection: use it from one thread at a time
 * (open one per thread). Different stores on one database may run in parallel, in one process
 * or in many.
 */
#ifndef EVENTC_STORE_H
#define EVENTC_STORE_H

#include "eventc/catalog.h"
#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The schema version this library creates and reads (docs/store.md, "Schema"). */
#define EVENTC_STORE_SCHEMA_VERSION 1

/** expected_version for an append that does not check the stream's version. */
#define EVENTC_STORE_ANY_VERSION (-1)

/** A store: one connection to one database. Opaque. */
typedef struct eventc_store eventc_store;

/** How a store is opened. Start from eventc_store_config_default(). */
typedef struct eventc_store_config {
    /** The catalog the events belong to (required). Borrowed for the store's life. */
    const eventc_catalog *catalog;
    /** How long to wait for another connection's lock (SQLite; default when 0: 30000 ms). */
    int busy_timeout_ms;
    /** SQLite's synchronous setting: false (the default) is FULL, every commit synced to disk;
     *  true is NORMAL in WAL mode, faster: a commit survives a crash of the process but may be
     *  lost with the last few on a power loss or a crash of the system. */
    bool sqlite_sync_normal;
    /** Time source for recorded times, claims and retention (NULL: eventc_clock_realtime()).
     *  Borrowed. */
    const eventc_clock *clock;
    /** Decoding options for loads and appends of JSON (NULL: eventc_decode_options_default()).
     *  Borrowed. */
    const eventc_decode_options *decode;
} eventc_store_config;

/** @return no catalog, default timeout, FULL sync, real-time clock, default decoding. */
EVENTC_API eventc_store_config eventc_store_config_default(void);

/**
 * Opens the store at @p url (`sqlite:PATH` or a `postgresql://` / `postgres://` connection
 * string), creating or migrating its schema.
 * @return the store (release with eventc_store_close) or NULL with @p err set:
 *         EVENTC_E_INVALID_ARGUMENT (no catalog, unknown scheme), EVENTC_E_UNSUPPORTED (a backend
 *         this build does not have; a database written by a newer schema version),
 *         EVENTC_E_UNAVAILABLE (cannot connect), EVENTC_E_IO.
 */
EVENTC_API EVENTC_NODISCARD eventc_store *
eventc_store_open(const char *url, const eventc_store_config *cfg, eventc_error *err);

/** Closes the connection and releases @p s. NULL-safe. */
EVENTC_API void eventc_store_close(eventc_store *s);

/** @return "sqlite" or "postgres". */
EVENTC_API const char *eventc_store_backend(const eventc_store *s);

/* ---------------------------------------------------------------------------------------------
 * Event store
 * ------------------------------------------------------------------------------------------- */

/**
 * Appends @p n events (catalog event unions, catalog->union_size bytes each) to the stream
 * (@p aggregate_type, @p aggregate_id), in one transaction: the events, the stream's new
 * version and lifecycle state, and one outbox row per event.
 *
 * Each event must belong to the stream: its aggregate is @p aggregate_type and its aggregate id
 * @p aggregate_id. Events are validated and stored as their canonical flat JSON.
 *
 * @param expected_version the version the caller read (0: the stream must not exist), or
 *                         EVENTC_STORE_ANY_VERSION
 * @param version receives the stream's version after the append; on EVENTC_E_CONFLICT, the
 *                actual version found. May be NULL.
 * @return EVENTC_OK; EVENTC_E_CONFLICT (another writer got there first: nothing written,
 *         @p version holds the actual version); EVENTC_E_STATE (the lifecycle forbids an event:
 *         nothing written, err->message is the lifecycle's message and err->path `[i]`); the
 *         event's validation error (path `[i]$.field`); EVENTC_E_INVALID_ARGUMENT (no events,
 *         an event of another stream); EVENTC_E_UNAVAILABLE / EVENTC_E_IO (database).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_append(
    eventc_store *s, const char *aggregate_type, const char *aggregate_id, int64_t expected_version,
    const void *const *events, size_t n, int64_t *version, eventc_error *err);

/** One stored event, as load hands it over (valid during the callback only). */
typedef struct eventc_store_record {
    /** The event's version in its stream (1, 2, ...). */
    int64_t version;
    /** Its position in the whole store (increasing in commit order per stream). */
    int64_t position;
    /** The event's name, id and CloudEvents type. */
    const char *event_name;
    const char *event_id;
    const char *type;
    /** Its canonical flat JSON (NUL-terminated) and length. */
    const char *json;
    size_t json_len;
} eventc_store_record;

/** Called for each event of a stream, in order. @return 0 to go on, anything else to stop
 *  (load then returns EVENTC_E_INVALID_ARGUMENT with "stopped by the callback"). */
typedef int (*eventc_store_visit)(void *ctx, const eventc_store_record *r);

/**
 * Reads the stream's events after version @p after (0: all) in order.
 * @param version receives the stream's version (0: no stream); may be NULL
 * @param state receives the stream's lifecycle state name ("none" when no stream; a static
 *              string of the catalog); may be NULL
 * @return EVENTC_OK (also for a stream that does not exist); a database error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_load(
    eventc_store *s, const char *aggregate_type, const char *aggregate_id, int64_t after,
    eventc_store_visit visit, void *ctx, int64_t *version, const char **state, eventc_error *err);

/**
 * Reads the whole stream decoded into catalog event unions, ready for the generated
 * `<prefix>_<aggregate>_replay`: `*events` receives an array of `*n` unions of
 * catalog->union_size bytes each (release with eventc_store_events_free).
 * @return EVENTC_OK; a stored event that no longer decodes (path `[version]$.field`); a
 *         database error. Nothing is returned on error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status
eventc_store_load_events(eventc_store *s, const char *aggregate_type, const char *aggregate_id,
                         void **events, size_t *n, int64_t *version, eventc_error *err);

/** Releases what eventc_store_load_events returned. NULL-safe. */
EVENTC_API void eventc_store_events_free(eventc_store *s, void *events, size_t n);

/* ---------------------------------------------------------------------------------------------
 * Outbox and relay
 * ------------------------------------------------------------------------------------------- */

/**
 * Adds one outbox row for the event in union @p ev on the store's own connection, in its own
 * transaction (the application's-transaction variants are in store_sqlite.h and
 * store_postgres.h). The row carries the event's CloudEvent (JSON format), its topic and key
 * from the catalog's routes.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_outbox_add(eventc_store *s, const void *ev,
                                                                  eventc_error *err);

/** How a relay runs. Start from eventc_relay_config_default(). */
typedef struct eventc_relay_config {
    /** Who claims: rows claimed by this name are taken back by a relay of the same name after a
     *  restart (default NULL: `<hostname>:<pid>`). Two relays running at once need two names. */
    const char *owner;
    /** Most rows claimed per round (default when 0: 256). */
    size_t batch;
    /** How long a claim holds before another relay may take the rows over (default when 0:
     *  60000 ms). Longer than the slowest publish. */
    int64_t lease_ms;
} eventc_relay_config;

/** @return owner NULL (host and process), batch 256, lease 60 s. */
EVENTC_API eventc_relay_config eventc_relay_config_default(void);

/** What a relay round did. */
typedef struct eventc_relay_stats {
    /** Rows published and marked sent. */
    size_t sent;
    /** Corrupt rows moved to the dead-letter table (eventc_outbox_dead). */
    size_t dead;
    /** Rows claimed but left pending (a publish failed; they are retried in order). */
    size_t deferred;
} eventc_relay_stats;

/**
 * One relay round: claims up to cfg->batch pending rows, only whole heads of aggregates no
 * other live relay holds (each aggregate's oldest pending rows), publishes them with @p pub in
 * rounds that keep each aggregate's order, and marks each row sent only after the publisher
 * confirmed it. A row whose payload cannot be read is moved to the dead-letter table with the
 * reason (reported in @p stats and on the returned error's message when nothing else failed).
 * When a publish fails, that aggregate's later rows are not published in this round.
 *
 * @param stats receives what the round did (added to what it holds); may be NULL
 * @return EVENTC_OK (also when nothing was pending: stats->sent == 0); the publisher's error
 *         (the rows stay pending); a database error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_relay_once(eventc_store *s,
                                                                  eventc_publisher *pub,
                                                                  const eventc_relay_config *cfg,
                                                                  eventc_relay_stats *stats,
                                                                  eventc_error *err);

/** @return the number of pending outbox rows in @p count. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_outbox_pending(eventc_store *s,
                                                                      int64_t *count,
                                                                      eventc_error *err);

/**
 * Retention: deletes the sent outbox rows whose send is older than @p retention_ms (0: every
 * sent row).
 * @param deleted receives how many were deleted; may be NULL
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_outbox_cleanup(eventc_store *s,
                                                                      int64_t retention_ms,
                                                                      int64_t *deleted,
                                                                      eventc_error *err);

/** @return the number of rows in the outbox's dead-letter table in @p count. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_store_outbox_dead(eventc_store *s, int64_t *count,
                                                                   eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
