/**
 * @file lifecycle_guard.h
 * @brief The lifecycle guard: a middleware that keeps the state of every aggregate instance in a
 *        state store and refuses (dead-letters) an event its aggregate's lifecycle forbids, so a
 *        projection never applies an impossible history; the state-store port and its in-memory
 *        store. The durable SQLite store is in state_sqlite.h (library eventc_messaging_sqlite).
 *
 * For each message of a catalog event whose aggregate has a lifecycle, the guard:
 *
 * 1. loads the instance's state (aggregate name, aggregate id = the CloudEvent's `subject`);
 * 2. if the store says this very event (same event id) was the last one applied to the instance,
 *    acknowledges the message without running the rest of the chain: a redelivery of an event
 *    whose effect was recorded;
 * 3. applies the event to the lifecycle (eventc_lifecycle_apply). Forbidden (CustomerEnabled for
 *    an enabled customer): the call is marked poison and fails with EVENTC_E_STATE, which the
 *    dead-letter middleware turns into a dead letter at once, with the lifecycle's message
 *    (`Customer cust_1: CustomerEnabled is not allowed in state enabled (allowed in: disabled)`);
 * 4. runs the rest of the chain; when it succeeded and the router has settled the message as
 *    handled (follow-ups published), saves the new state with the event id, only if the state is
 *    still the one it loaded (so two consumers racing on one instance cannot both move it). A
 *    failure the dead letter settles leaves the state as it was.
 *
 * Messages that are not events of the catalog, and events of aggregates without a lifecycle, go
 * through untouched. The guard relies on the transport's order per key: with the default routes
 * every event of an instance has the same key.
 *
 * Place it inside the deduplicator (a duplicate is then acknowledged before the guard sees it)
 * and outside retry: `deadletter, dedupe, guard, retry, ...`.
 */
#ifndef EVENTC_LIFECYCLE_GUARD_H
#define EVENTC_LIFECYCLE_GUARD_H

#include "eventc/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * The state-store port
 * ------------------------------------------------------------------------------------------- */

/** The version of eventc_state_store_methods this header describes. */
#define EVENTC_STATE_STORE_VERSION 1

typedef struct eventc_state_store eventc_state_store;

/**
 * The methods of a state store: the lifecycle state of aggregate instances, each with the id of
 * the last event applied to it. States are the lifecycle's numbers (0: the instance does not
 * exist); a durable store may keep them by name (eventc_lifecycle_state_name), so that a new
 * catalog version that adds states reads old rows right. Every method is thread-safe.
 */
typedef struct eventc_state_store_methods {
    /** EVENTC_STATE_STORE_VERSION. */
    int version;
    /** "memory", "sqlite", ... */
    const char *name;
    /**
     * Reads the state of instance @p id of the aggregate whose lifecycle is @p lc
     * (lc->aggregate names it).
     * @param event_id the id of the event about to be applied
     * @param state    receives the state; 0 when the store has none
     * @param applied  receives whether @p event_id is the last event applied to the instance
     * @return EVENTC_OK; EVENTC_E_STATE for a stored state @p lc does not know; a store error
     *         (EVENTC_E_IO, EVENTC_E_UNAVAILABLE: retryable).
     */
    eventc_status (*load)(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                          const char *id, const char *event_id, int *state, bool *applied,
                          eventc_error *err);
    /**
     * Stores @p state for the instance, with @p event_id as its last event, if its state is
     * still @p expected (0: the store has none).
     * @return EVENTC_OK; EVENTC_E_CONFLICT when the state is no longer @p expected (nothing
     *         changed); EVENTC_E_FULL for a bounded store that is full; a store error.
     */
    eventc_status (*save)(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                          const char *id, int expected, int state, const char *event_id,
                          eventc_error *err);
    /** Releases the store. Last call on it. */
    void (*close)(eventc_state_store *store);
} eventc_state_store_methods;

/** The state-store port: implementations embed it as their first member. */
struct eventc_state_store {
    const eventc_state_store_methods *methods;
};

/** Calls store->methods->load after checking the arguments. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_state_load(eventc_state_store *store,
                                                            const eventc_lifecycle_desc *lc,
                                                            const char *id, const char *event_id,
                                                            int *state, bool *applied,
                                                            eventc_error *err);
/** Calls store->methods->save after checking the arguments. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_state_save(eventc_state_store *store,
                                                            const eventc_lifecycle_desc *lc,
                                                            const char *id, int expected, int state,
                                                            const char *event_id,
                                                            eventc_error *err);
/** Calls store->methods->close. NULL-safe. */
EVENTC_API void eventc_state_store_close(eventc_state_store *store);

/** Configuration of the in-memory store. */
typedef struct eventc_memory_state_config {
    /** Most instances held; a save of a new instance beyond it fails with EVENTC_E_FULL (states
     *  are never forgotten: a forgotten state would let an impossible event through). 0: no
     *  bound. */
    size_t capacity;
} eventc_memory_state_config;

/** @return an in-memory store (one process; release with eventc_state_store_close), or NULL
 *  when out of memory. @p cfg NULL: no bound. */
EVENTC_API EVENTC_NODISCARD eventc_state_store *
eventc_memory_state_new(const eventc_memory_state_config *cfg);

/** @return the number of instances an in-memory store holds. */
EVENTC_API size_t eventc_memory_state_size(eventc_state_store *store);

/* ---------------------------------------------------------------------------------------------
 * The guard
 * ------------------------------------------------------------------------------------------- */

/** Configuration of the lifecycle guard. */
typedef struct eventc_lifecycle_guard_config {
    /** The catalog whose lifecycles apply. Borrowed; required. */
    const eventc_catalog *catalog;
    /** Where states live. Borrowed; required; must outlive the middleware. */
    eventc_state_store *store;
    /** Decoding options for the events whose next state is one of their fields (a lifecycle's
     *  `to_field`): those are decoded to read it. NULL: the defaults. Copied. */
    const eventc_decode_options *decode;
    /** Told when a state cannot be saved after the message was handled (a store error, or
     *  EVENTC_E_CONFLICT: another consumer moved the instance meanwhile). NULL: standard error.
     *  Must be thread-safe. */
    void (*on_error)(void *ctx, const eventc_error *err);
    void *on_error_ctx;
} eventc_lifecycle_guard_config;

/**
 * Makes the lifecycle guard middleware (see the top of this file).
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT (no catalog or store); EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_lifecycle_guard_middleware(
    const eventc_lifecycle_guard_config *cfg, eventc_middleware *out, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
