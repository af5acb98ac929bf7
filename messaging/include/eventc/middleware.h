/**
 * @file middleware.h
 * @brief The built-in middleware of the router: retry, dead letter, deduplicator, timeout,
 *        throttle, correlation and the CloudEvents SQL filter. Signing is in signing.h.
 *
 * Each constructor fills an eventc_middleware that the caller hands to eventc_router_use or to
 * a handler's configuration (which takes it over) or releases with eventc_middleware_destroy.
 * A sensible order, outermost first:
 *
 *     sign, correlation, deadletter, verify (both signing.h), filter, dedupe, retry, timeout,
 *     throttle
 *
 * - signing outermost, so it signs outputs after every other middleware changed them;
 * - dead letter outside retry, so it sees the final outcome;
 * - verification and filter before dedupe, so a rejected message claims nothing;
 * - dedupe outside retry, so one claim covers every try;
 * - timeout and throttle innermost, around each try.
 */
#ifndef EVENTC_MIDDLEWARE_H
#define EVENTC_MIDDLEWARE_H

#include "eventc/dedupe.h"
#include "eventc/router.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- retry -------------------------------------------------------------------------------- */

/** Configuration of the retry middleware. Start from eventc_retry_config_default(). */
typedef struct eventc_retry_config {
    /** Runs of the handler in total, the first one included (default 5). */
    uint32_t max_attempts;
    /** Wait before the second run (default 100 ms). */
    uint32_t initial_interval_ms;
    /** Factor between successive waits (default 2). */
    double multiplier;
    /** Cap on one wait (default 10000 ms). */
    uint32_t max_interval_ms;
    /** Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter] (default 0.2;
     *  0: none), then capped. */
    double jitter;
    /** Whether a failure may be retried (NULL: eventc_status_retryable on its status). A call
     *  marked poison is never retried. */
    bool (*retryable)(void *ctx, eventc_status s, const eventc_error *err);
    void *retryable_ctx;
    /** Seed of the jitter's generator (0: from the clock). */
    uint64_t seed;
} eventc_retry_config;

/** @return 5 attempts, 100 ms doubling up to 10 s, jitter 0.2, eventc_status_retryable. */
EVENTC_API eventc_retry_config eventc_retry_config_default(void);

/**
 * Retry: runs the rest of the chain again after a failure that is retryable, waiting (on the
 * call's clock) with exponential back-off and jitter between runs; the emitted events of a
 * failed run are discarded. After the last attempt it sets call->exhausted and returns the
 * failure. @return EVENTC_OK, EVENTC_E_INVALID_ARGUMENT (max_attempts 0, multiplier < 1,
 * jitter outside [0, 1]), EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_retry_middleware(const eventc_retry_config *cfg,
                                                                  eventc_middleware *out,
                                                                  eventc_error *err);

/** The wait before run @p attempt + 1 (attempt >= 1) without jitter: initial * multiplier^(
 *  attempt - 1), capped. For documentation and tests. */
EVENTC_API uint32_t eventc_retry_interval(const eventc_retry_config *cfg, uint32_t attempt);

/* ---- dead letter -------------------------------------------------------------------------- */

/** Extension attributes a dead-lettered event carries. */
#define EVENTC_DLQ_REASON "dlqreason"     /**< String: the failure, as eventc_error_format */
#define EVENTC_DLQ_CODE "dlqcode"         /**< String: its rule code (eventc_status_code) */
#define EVENTC_DLQ_TOPIC "dlqtopic"       /**< String: the topic it was consumed from */
#define EVENTC_DLQ_HANDLER "dlqhandler"   /**< String: the handler that failed */
#define EVENTC_DLQ_ATTEMPTS "dlqattempts" /**< Integer: handler runs in the last delivery */
#define EVENTC_DLQ_DELIVERY "dlqdelivery" /**< Integer: the delivery attempt (message attempt) */

/** Configuration of the dead-letter middleware. */
typedef struct eventc_deadletter_config {
    /** Where dead letters are published. Borrowed; required. */
    eventc_publisher *publisher;
    /** The dead-letter topic (copied); NULL: `<consumed topic>.deadletter`. */
    const char *topic;
    /** Dead-letter a retryable failure once the message's delivery attempt reaches this
     *  (redeliveries by the transport count); 0: only poison and exhausted calls. */
    uint32_t max_deliveries;
} eventc_deadletter_config;

/**
 * Dead letter: when the rest of the chain fails and the call is poison, exhausted (retry gave
 * up) or at its last delivery, publishes the message's event with the EVENTC_DLQ_* extensions
 * (and the message's key) to the dead-letter topic and returns EVENTC_OK, so the router acks
 * it. If that publish fails, the original failure is returned and the message is nacked:
 * nothing is dropped. A malformed message (eventc_message.malformed) is dead-lettered at once.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_deadletter_middleware(
    const eventc_deadletter_config *cfg, eventc_middleware *out, eventc_error *err);

/* ---- deduplicator ------------------------------------------------------------------------- */

/** Configuration of the deduplicator. */
typedef struct eventc_dedupe_config {
    /** The store. Borrowed; required. */
    eventc_dedupe_store *store;
    /** Prefix of every key (copied), so that several consumers share a store; NULL: the
     *  handler's name. */
    const char *scope;
    /** Lease of a claim (default when 0: 60000 ms); longer than the slowest handling. */
    int64_t lease_ms;
    /** Nack delay when another consumer holds the claim (default when 0: 1000 ms). */
    uint32_t busy_delay_ms;
} eventc_dedupe_config;

/**
 * Deduplicator (idempotent consumer): claims the message's dedupe key (eventc_dedupe_key, under
 * the scope); a key already committed is acked without running the rest of the chain; a key
 * claimed elsewhere fails with EVENTC_E_CONFLICT (retryable; nacked after busy_delay_ms). The
 * claim is committed after the router published the follow-ups and is released when the chain
 * or the publish failed.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_dedupe_middleware(const eventc_dedupe_config *cfg,
                                                                   eventc_middleware *out,
                                                                   eventc_error *err);

/* ---- timeout, throttle, correlation, filter ----------------------------------------------- */

/**
 * Timeout: sets call->deadline_ms to now + @p timeout_ms before each run (handlers that loop
 * should check it), and fails a run that returned after its deadline with EVENTC_E_TIMEOUT
 * (retryable; its emitted events discarded). C cannot interrupt a running function, so the
 * deadline is cooperative: a handler stuck in a system call is only judged when it returns.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_timeout_middleware(int64_t timeout_ms,
                                                                    eventc_middleware *out,
                                                                    eventc_error *err);

/**
 * Throttle: lets at most @p per_second messages a second through (a token bucket holding up to
 * @p burst tokens, 1 when 0), shared by every handler and worker using this middleware; a
 * message waits (on @p clock, NULL: monotonic) for its token.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_throttle_middleware(double per_second,
                                                                     uint32_t burst,
                                                                     const eventc_clock *clock,
                                                                     eventc_middleware *out,
                                                                     eventc_error *err);

/** Extension attributes of correlation. */
#define EVENTC_CORRELATION_ID "correlationid" /**< the id of the first event of a chain */
#define EVENTC_CAUSATION_ID "causationid"     /**< the id of the event that caused this one */

/**
 * Correlation: after a successful run, each emitted event without its own gets
 * `correlationid` = the handled event's `correlationid`, or its `id` when it has none;
 * `causationid` = the handled event's `id`; and the handled event's `traceparent` and
 * `tracestate` (W3C distributed tracing extension) when it has them.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_correlation_middleware(eventc_middleware *out,
                                                                        eventc_error *err);

/**
 * Filter: a CloudEvents SQL expression (cesql.h); messages it does not match are acked without
 * running the rest of the chain. @return EVENTC_OK, the expression's compile error,
 * EVENTC_E_UNSUPPORTED when the library was built without the CESQL engine.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_filter_middleware(const char *expression,
                                                                   eventc_middleware *out,
                                                                   eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
