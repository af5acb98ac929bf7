/**
 * @file dedupe.h
 * @brief The dedupe store port (the idempotent consumer's memory of what it handled) and its
 *        in-memory implementation. The durable SQLite store is in dedupe_sqlite.h (library
 *        eventc_messaging_sqlite); a PostgreSQL store implements the same port.
 *
 * **Claim with lease.** A consumer asks to *claim* a key before handling a message:
 *
 * - EVENTC_DEDUPE_CLAIMED: nobody handled it and nobody holds it: handle the message, then
 *   eventc_dedupe_commit (after the follow-ups are published) or eventc_dedupe_release (on
 *   failure, so a redelivery may try again). The claim carries a fencing token.
 * - EVENTC_DEDUPE_DONE: it was handled (committed) within the window: ack without handling.
 * - EVENTC_DEDUPE_BUSY: another consumer holds a live claim: try later (the message is nacked
 *   with a delay); if that holder crashes, its lease expires and a redelivery claims it.
 *
 * So a crash between handling and committing never suppresses a redelivery (the lease runs out),
 * and two concurrent duplicates are never both handled (one gets BUSY). A commit or release
 * with a token that is no longer the key's (the lease expired and someone else claimed it) fails
 * with EVENTC_E_CONFLICT and changes nothing.
 *
 * **Window.** A committed key is remembered for the store's TTL; a duplicate arriving later is
 * handled again. Stores shared across processes (SQLite file, PostgreSQL) share the window.
 *
 * Every method is thread-safe.
 */
#ifndef EVENTC_DEDUPE_H
#define EVENTC_DEDUPE_H

#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The version of eventc_dedupe_store_methods this header describes. */
#define EVENTC_DEDUPE_STORE_VERSION 1

/** What a claim found. */
typedef enum eventc_dedupe_result {
    EVENTC_DEDUPE_CLAIMED = 0, /**< the caller holds the key now */
    EVENTC_DEDUPE_DONE,        /**< the key was committed within the window */
    EVENTC_DEDUPE_BUSY         /**< another holder's claim is live */
} eventc_dedupe_result;

typedef struct eventc_dedupe_store eventc_dedupe_store;

/** The methods of a dedupe store. */
typedef struct eventc_dedupe_store_methods {
    /** EVENTC_DEDUPE_STORE_VERSION. */
    int version;
    /** "memory", "sqlite", "postgres". */
    const char *name;
    /**
     * Claims @p key (@p key_len bytes, any bytes) for @p lease_ms milliseconds.
     * @param result receives what the store found
     * @param token receives the claim's fencing token when CLAIMED
     * @return EVENTC_OK (see @p result); EVENTC_E_FULL when a bounded store holds only live
     *         claims; EVENTC_E_UNAVAILABLE / EVENTC_E_IO for a store that cannot be reached.
     */
    eventc_status (*claim)(eventc_dedupe_store *store, const char *key, size_t key_len,
                           int64_t lease_ms, eventc_dedupe_result *result, uint64_t *token,
                           eventc_error *err);
    /** Marks @p key handled (remembered for the TTL). @return EVENTC_OK; EVENTC_E_CONFLICT
     *  when @p token is not the key's current claim; a store error. */
    eventc_status (*commit)(eventc_dedupe_store *store, const char *key, size_t key_len,
                            uint64_t token, eventc_error *err);
    /** Drops the claim so the key may be claimed again. @return as commit. */
    eventc_status (*release)(eventc_dedupe_store *store, const char *key, size_t key_len,
                             uint64_t token, eventc_error *err);
    /** Releases the store. Last call on it. */
    void (*close)(eventc_dedupe_store *store);
} eventc_dedupe_store_methods;

/** The dedupe store port: implementations embed it as their first member. */
struct eventc_dedupe_store {
    const eventc_dedupe_store_methods *methods;
};

/** Wrappers calling through store->methods. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_dedupe_claim(eventc_dedupe_store *store,
                                                              const char *key, size_t key_len,
                                                              int64_t lease_ms,
                                                              eventc_dedupe_result *result,
                                                              uint64_t *token, eventc_error *err);
/** @copydoc eventc_dedupe_claim */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_dedupe_commit(eventc_dedupe_store *store,
                                                               const char *key, size_t key_len,
                                                               uint64_t token, eventc_error *err);
/** @copydoc eventc_dedupe_claim */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_dedupe_release(eventc_dedupe_store *store,
                                                                const char *key, size_t key_len,
                                                                uint64_t token, eventc_error *err);
/** Calls store->methods->close. NULL-safe. */
EVENTC_API void eventc_dedupe_close(eventc_dedupe_store *store);

/**
 * The dedupe key of @p ev, appended to @p out: `k:` and the `idempotencykey` extension's
 * canonical string when the event has one, else `e:`, the length of `source` in decimal, `:`,
 * `source` and `id` (length-prefixed so that no two (source, id) pairs give one key).
 * @return EVENTC_OK, EVENTC_E_REQUIRED (no id or source), EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_dedupe_key(const eventc_ce_event *ev,
                                                            eventc_buf *out, eventc_error *err);

/** Configuration of the in-memory store. */
typedef struct eventc_memory_dedupe_config {
    /** How long a committed key is remembered (default 24 h). */
    int64_t ttl_ms;
    /** Most keys held (default 100000). When full, the oldest committed keys are forgotten
     *  first (so the window is the TTL or the capacity, whichever is shorter); a store full of
     *  live claims refuses new ones with EVENTC_E_FULL. */
    size_t capacity;
    /** Time source (NULL: monotonic). Borrowed. */
    const eventc_clock *clock;
} eventc_memory_dedupe_config;

/** @return TTL 24 h, capacity 100000, monotonic clock. */
EVENTC_API eventc_memory_dedupe_config eventc_memory_dedupe_config_default(void);

/** @return an in-memory store (release with eventc_dedupe_close), or NULL when out of memory.
 *  @p cfg NULL: the defaults. One process only. */
EVENTC_API EVENTC_NODISCARD eventc_dedupe_store *
eventc_memory_dedupe_new(const eventc_memory_dedupe_config *cfg);

/** @return the number of keys @p store (an in-memory store) holds. */
EVENTC_API size_t eventc_memory_dedupe_size(eventc_dedupe_store *store);

#ifdef __cplusplus
}
#endif

#endif
