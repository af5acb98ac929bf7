/**
 * @file conformance.h
 * @brief The conformance suite every messaging adapter runs (library eventc_conformance).
 *
 * An adapter's test is a factory plus a main:
 *
 *     static eventc_publisher *new_pub(void *ctx, eventc_error *err) { ... }
 *     static eventc_subscriber *new_sub(void *ctx, eventc_error *err) { ... }
 *     int main(int argc, char **argv)
 *     {
 *         eventc_conformance_adapter a = {"kafka", features, &state, setup, new_pub, new_sub,
 *                                         teardown};
 *         return eventc_conformance_run(&a, argc, argv);
 *     }
 *
 * Each test calls setup, creates the publishers and subscribers it needs through the factory,
 * closes and destroys them, then calls teardown. Topic names are unique per test and run
 * (`conf.<test>.<pid>.<n>`), so a broker that keeps data between tests is fine. Tests that need
 * a feature the adapter lacks are skipped, not failed.
 *
 * Options: `--quick` (fewer events: for valgrind and sanitizer runs), `--only <test>`, `--list`,
 * `--idle-limit <ms>` (how long a consumer waits for something new before the test fails; default
 * 15000: raise it where the broker's client runs slowly, as under valgrind).
 * The last line printed is `N passed, N failed, N skipped`; the exit status is 0 when nothing
 * failed. No test asserts elapsed time: waits have generous limits and only bound a failure.
 */
#ifndef EVENTC_CONFORMANCE_H
#define EVENTC_CONFORMANCE_H

#include <eventc/messaging.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What the transport can do; tests needing a missing feature are skipped. */
typedef struct eventc_conformance_features {
    /** Several groups of a topic each get every message. */
    bool consumer_groups;
    /** The consumers of one group share its messages (each goes to one of them). */
    bool competing_consumers;
    /** Messages with the same key arrive in publish order, also across a group's consumers. */
    bool order_per_key;
    /** A nacked message is redelivered (after its delay), with attempt + 1. */
    bool nack_redelivery;
    /** A message neither acked nor nacked is redelivered after the visibility timeout. */
    bool visibility_timeout;
    /** The adapter's visibility timeout in ms, as configured by the factory (the suite waits
     *  up to 20 times this plus 10 s for a redelivery). */
    uint32_t visibility_timeout_ms;
    /** Unsettled messages of a closed consumer go to another consumer of its group. */
    bool redeliver_on_close;
    /** Largest data the transport carries, in bytes (the 1 MB test needs 1 MiB + 64 KiB). */
    size_t max_payload;
    /** The transport itself drops a message published again with the same dedupe key
     *  (eventc_dedupe_key) within its window, as JetStream does by Nats-Msg-Id: the second copy
     *  is acknowledged to the publisher and never delivered. */
    bool publish_dedupe;
    /** A publish returns only once a consumer settled the message (an HTTP webhook answers a
     *  delivery when its handler is done): the suite then publishes from a thread of its own
     *  wherever it would otherwise publish before it consumes, and watches the dead-letter topic
     *  from a thread too. */
    bool publish_waits_for_consumer;
} eventc_conformance_features;

/** An adapter under test. */
typedef struct eventc_conformance_adapter {
    /** Its name, printed in the report. */
    const char *name;
    /** What it can do. */
    eventc_conformance_features features;
    /** Passed to every function below. */
    void *ctx;
    /** Prepares a fresh environment before each test (NULL: nothing to do). */
    eventc_status (*setup)(void *ctx, eventc_error *err);
    /** @return a new publisher (the suite closes it), or NULL with @p err set. */
    eventc_publisher *(*new_publisher)(void *ctx, eventc_error *err);
    /** @return a new, unsubscribed subscriber (the suite destroys it), or NULL with @p err set. */
    eventc_subscriber *(*new_subscriber)(void *ctx, eventc_error *err);
    /** Cleans up after each test, also a failed one (NULL: nothing to do). */
    void (*teardown)(void *ctx);
} eventc_conformance_adapter;

/** Runs the suite on @p a with the command-line options above. @return the exit status. */
int eventc_conformance_run(const eventc_conformance_adapter *a, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
