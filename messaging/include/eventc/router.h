/**
 * @file router.h
 * @brief The router: handlers fed by subscribers, wrapped in middleware, whose follow-up events
 *        are published before the message they handled is acked.
 *
 * For each message a handler's subscriber delivers, the router runs the chain
 *
 *     global middleware (in the order added) -> the handler's middleware -> the handler
 *
 * and then settles the message:
 *
 * - the chain returned EVENTC_OK: the events the handler emitted are published (through the
 *   handler's publisher), then the message is acked. If a publish fails, the message is nacked
 *   instead, so nothing is lost (at-least-once: the follow-ups that did go out may be published
 *   again on redelivery).
 * - the chain failed: the message is nacked with the handler's nack delay and redelivered;
 *   nothing emitted is published. The dead-letter middleware (middleware.h) turns final
 *   failures into a publish to a dead-letter topic plus an ack.
 *
 * Each handler runs on its own worker threads (eventc_router_start) or on the calling thread
 * (eventc_router_run_once: deterministic tests, single-core benchmarks, command-line pipes).
 */
#ifndef EVENTC_ROUTER_H
#define EVENTC_ROUTER_H

#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Emitter: the follow-up events of one handled message
 * ------------------------------------------------------------------------------------------- */

/** Collects the events a handler publishes. Opaque; used by one thread at a time. */
typedef struct eventc_emitter eventc_emitter;

/**
 * Adds a copy of @p ev, to be published to @p topic with @p key once the handler succeeded.
 * @p topic / @p key NULL: from the router's routing table (eventc_router_config.routing; the
 * default route when none). @return EVENTC_OK, EVENTC_E_NOMEM, a routing error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_emit(eventc_emitter *out, const char *topic,
                                                      const char *key, const eventc_ce_event *ev,
                                                      eventc_error *err);

/** Same as eventc_emit but takes the event over: @p ev is left empty (as after eventc_ce_clear)
 *  whatever the outcome, without copying it. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_emit_move(eventc_emitter *out, const char *topic,
                                                           const char *key, eventc_ce_event *ev,
                                                           eventc_error *err);

/** @return the number of messages emitted so far. */
EVENTC_API size_t eventc_emitter_count(const eventc_emitter *out);

/** @return emitted message @p i (0-based; topic and key set), which middleware may modify (e.g.
 *  add extensions), or NULL when out of range. Valid until the next emit or truncate. */
EVENTC_API eventc_message *eventc_emitter_get(eventc_emitter *out, size_t i);

/** Drops the messages emitted after the first @p count (a retry discards a failed try's). */
EVENTC_API void eventc_emitter_truncate(eventc_emitter *out, size_t count);

/* ---------------------------------------------------------------------------------------------
 * Handlers and middleware
 * ------------------------------------------------------------------------------------------- */

/**
 * A handler: handles @p in, emitting follow-up events into @p out.
 * @return EVENTC_OK, or the failure (with @p err filled): a retryable status
 *         (eventc_status_retryable) for a transient problem, any other for a permanent one.
 */
typedef eventc_status (*eventc_handler_fn)(const eventc_message *in, eventc_emitter *out, void *ctx,
                                           eventc_error *err);

typedef struct eventc_call eventc_call;

/** Runs once the router has settled the message of @p call (see eventc_call_on_settled):
 *  @p handled is true when the chain succeeded and every follow-up was published. */
typedef void (*eventc_settled_fn)(void *ctx, const eventc_call *call, bool handled);

/** At most this many settle callbacks per call. */
#define EVENTC_CALL_MAX_SETTLED 8

/**
 * One message going down the chain. Middleware reads it and may set the flags; it lives on the
 * worker's stack for the duration of the chain and the settling.
 */
struct eventc_call {
    /** The message being handled (owned by the subscriber). */
    const eventc_message *in;
    /** Where the handler's follow-up events go. */
    eventc_emitter *out;
    /** The handler's name. */
    const char *handler;
    /** The subscription's topic and group. */
    const char *topic;
    const char *group;
    /** How many times the handler itself ran for this delivery (the retry middleware runs it
     *  again; 0 before the first run). */
    uint32_t attempts;
    /** Set by middleware when retrying cannot help (bad signature, undecodable message): the
     *  dead-letter middleware then dead-letters at once. The router sets it for a malformed
     *  message and when the chain fails with a non-retryable status. */
    bool poison;
    /** Set by the retry middleware when it gave up after its last attempt. */
    bool exhausted;
    /** The delay of the nack if the chain fails (the handler's nack_delay_ms; middleware may
     *  change it). */
    uint32_t nack_delay_ms;
    /** The router's clock (NULL: monotonic). */
    const eventc_clock *clock;
    /** When the timeout middleware runs: the time (on @c clock) by which the handler should
     *  return; handlers that loop may check it. 0: no deadline. */
    int64_t deadline_ms;
    /* Private. */
    const void *chain_;
    size_t pos_;
    size_t n_settled_;
    eventc_settled_fn settled_fn_[EVENTC_CALL_MAX_SETTLED];
    void *settled_ctx_[EVENTC_CALL_MAX_SETTLED];
};

/** Runs the rest of the chain (the next middleware, or the handler). Middleware may call it
 *  zero times (filter), once, or several times (retry). @return what the rest returned. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_call_next(eventc_call *call, eventc_error *err);

/** Registers @p fn to run after the router settled the message (the dedupe middleware commits
 *  its claim there, after the follow-ups are published). Callbacks run in reverse order of
 *  registration. @return EVENTC_OK or EVENTC_E_LIMIT (more than EVENTC_CALL_MAX_SETTLED). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_call_on_settled(eventc_call *call,
                                                                 eventc_settled_fn fn, void *ctx);

/**
 * A middleware: a function wrapping the rest of the chain, as in Watermill. @c handle gets
 * the call and calls eventc_call_next(call, err) to go on. The same middleware object may
 * serve several handlers and worker threads at once, so @c handle must be thread-safe.
 */
typedef struct eventc_middleware {
    /** Its name, for messages ("retry", "deadletter", ...). */
    const char *name;
    /** Handles one message. */
    eventc_status (*handle)(void *self, eventc_call *call, eventc_error *err);
    /** The middleware's state. */
    void *self;
    /** Releases @c self (NULL: nothing to release). Called once by whoever owns the
     *  middleware: the router, for middleware added to it. */
    void (*destroy)(void *self);
} eventc_middleware;

/** Releases @p mw's state (calls destroy). NULL-safe. */
EVENTC_API void eventc_middleware_destroy(eventc_middleware *mw);

/* ---------------------------------------------------------------------------------------------
 * Router
 * ------------------------------------------------------------------------------------------- */

/** Configuration of a router. Start from eventc_router_config_default(). */
typedef struct eventc_router_config {
    /** Routing of emitted events without a topic or key (NULL: the default route). Borrowed. */
    const eventc_routing *routing;
    /** Clock for middleware (NULL: monotonic). Borrowed. */
    const eventc_clock *clock;
    /** How long a worker's fetch blocks before it looks at the stop flag again (default 100). */
    int poll_ms;
    /** Told about every failure the router handles itself (a failed ack or nack, a failed
     *  publish of follow-ups, a chain failure); NULL: stderr. Must be thread-safe. */
    void (*on_error)(void *ctx, const char *handler, const eventc_error *err);
    void *on_error_ctx;
} eventc_router_config;

/** @return no routing table, monotonic clock, poll 100 ms, errors to stderr. */
EVENTC_API eventc_router_config eventc_router_config_default(void);

/** A handler's configuration. Strings are copied; ports are borrowed. */
typedef struct eventc_handler_config {
    /** A unique name (used by middleware and in dead letters). */
    const char *name;
    /** Where messages come from; the router subscribes it to @c topic / @c group when the
     *  handler is added. Borrowed: close and destroy it after eventc_router_free. Its fetch,
     *  ack and nack must be thread-safe when @c workers > 1. */
    eventc_subscriber *subscriber;
    const char *topic;
    const char *group;
    /** The handler and its context. */
    eventc_handler_fn fn;
    void *ctx;
    /** Where follow-up events go (NULL: the handler may not emit; emitting fails the call).
     *  Borrowed. */
    eventc_publisher *publisher;
    /** The handler's own middleware, innermost last. The router takes them over (destroys
     *  them when freed, also when adding fails). */
    const eventc_middleware *middleware;
    size_t n_middleware;
    /** Worker threads for eventc_router_start (default 1). */
    unsigned workers;
    /** Messages fetched at once by a worker (default 1). */
    size_t batch;
    /** Delay of the nack after a failed chain (default 0). */
    uint32_t nack_delay_ms;
} eventc_handler_config;

/** @return a handler configuration with the defaults (1 worker, batch 1, nack delay 0) and
 *  everything else NULL. */
EVENTC_API eventc_handler_config eventc_handler_config_default(void);

/** The router. Opaque. */
typedef struct eventc_router eventc_router;

/** @return a router, or NULL when out of memory. @p cfg NULL: the defaults. */
EVENTC_API EVENTC_NODISCARD eventc_router *eventc_router_new(const eventc_router_config *cfg,
                                                             eventc_error *err);

/** Adds global middleware (outermost first, in the order added), taken over by the router (also
 *  on failure). Only before start / run_once. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_router_use(eventc_router *r,
                                                            const eventc_middleware *mw,
                                                            eventc_error *err);

/** Adds a handler and subscribes its subscriber. Only before start / run_once.
 *  @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT (missing name, subscriber, topic, group or
 *  function; a duplicate name); the subscribe error. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_router_add_handler(eventc_router *r,
                                                                    const eventc_handler_config *h,
                                                                    eventc_error *err);

/** Starts every handler's worker threads. @return EVENTC_OK, EVENTC_E_INVALID_ARGUMENT when
 *  already started, EVENTC_E_NOMEM / EVENTC_E_IO when a thread cannot start (those started
 *  are stopped again). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_router_start(eventc_router *r, eventc_error *err);

/**
 * Drives the router on the calling thread: for each handler in the order added, fetches up to
 * its batch (waiting up to @p timeout_ms on the first handler that has nothing, 0 on the others)
 * and handles and settles what came. Not with eventc_router_start.
 * @param handled receives the number of messages settled (may be NULL).
 * @return EVENTC_OK (also when nothing came); EVENTC_E_CLOSED when every subscriber is closed;
 *         another fetch error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_router_run_once(eventc_router *r, int timeout_ms,
                                                                 size_t *handled,
                                                                 eventc_error *err);

/**
 * Stops the workers gracefully: no new fetch starts, messages being handled are finished and
 * settled, then the threads are joined. Waits up to @p timeout_ms (negative: no limit).
 * @return EVENTC_OK when every worker stopped; EVENTC_E_TIMEOUT when some are still busy
 *         (call again, or eventc_router_free, which waits for them).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_router_close(eventc_router *r, int timeout_ms,
                                                              eventc_error *err);

/** Counters of a router (read with eventc_router_stats). */
typedef struct eventc_router_stats {
    uint64_t handled; /**< messages acked after a successful chain */
    uint64_t failed;  /**< messages nacked after a failed chain or a failed publish */
    uint64_t emitted; /**< follow-up events published */
} eventc_router_stats;

/** @return the counters so far (thread-safe). */
EVENTC_API eventc_router_stats eventc_router_stats_get(eventc_router *r);

/** Stops (waiting as long as needed), joins and releases the router and its middleware.
 *  NULL-safe. */
EVENTC_API void eventc_router_free(eventc_router *r);

/**
 * Runs one message through a chain outside any router (what the router does for each message,
 * without settling it): middleware @p mw (outermost first) then @p fn. For the typed layer and
 * tests. The caller settles: on EVENTC_OK publish @p out and ack, else nack; then it calls
 * eventc_call_settle.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_chain_run(const eventc_middleware *const *mw,
                                                           size_t n_mw, eventc_handler_fn fn,
                                                           void *ctx, eventc_call *call,
                                                           eventc_error *err);

/** Runs the settle callbacks of @p call with @p handled. */
EVENTC_API void eventc_call_settle(eventc_call *call, bool handled);

/** Prepares @p call for @p in (attempts 0, no flags, nack delay 0) with @p out, @p handler,
 *  @p topic, @p group (borrowed). */
EVENTC_API void eventc_call_init(eventc_call *call, const eventc_message *in, eventc_emitter *out,
                                 const char *handler, const char *topic, const char *group,
                                 const eventc_clock *clock);

/** @return a new emitter routing with @p routing (NULL: default route), or NULL when out of
 *  memory. */
EVENTC_API EVENTC_NODISCARD eventc_emitter *eventc_emitter_new(const eventc_routing *routing);

/** Releases @p out and every message in it. NULL-safe. */
EVENTC_API void eventc_emitter_free(eventc_emitter *out);

#ifdef __cplusplus
}
#endif

#endif
