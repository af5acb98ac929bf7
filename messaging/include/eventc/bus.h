/**
 * @file bus.h
 * @brief The in-memory bus: a publisher and subscriber pair for one process, thread-safe,
 *        bounded, with consumer groups, order per key, nack delays and visibility timeouts.
 *
 * **Model.** A topic has any number of groups, created by the first subscribe naming them. A
 * publish puts the message into every group of its topic (a topic without groups discards it,
 * like a fan-out exchange without queues: subscribe first). The consumers (subscribers) of one
 * group compete for its messages. A group keeps its messages in publish order until they are
 * acked; groups live as long as the bus, so consumers may come and go without loss.
 *
 * **Order per key.** Within a group, a message is delivered only when no earlier message with
 * the same key is in flight or waiting for redelivery: at most one message per key is in
 * flight, and a nacked message is redelivered before any later one with its key. Messages
 * without a key are not ordered against anything.
 *
 * **Bounds.** Each group holds at most `capacity` unacked messages (in flight or not). A publish
 * waits up to `publish_timeout_ms` for room in every group of the topic, then fails with
 * EVENTC_E_FULL having put the message nowhere (a message is in all groups or in none).
 *
 * **Redelivery.** A nacked message becomes deliverable again after its delay; a delivered
 * message neither acked nor nacked within `visibility_timeout_ms` becomes deliverable again
 * (acking it late then fails with EVENTC_E_TIMEOUT). Each delivery increments `attempt`.
 *
 * **Close.** eventc_subscriber_close gives the consumer's unsettled messages back to its group
 * at once (attempt + 1 on their next delivery) and wakes its blocked fetch; the group's other
 * messages stay. eventc_bus_close wakes every blocked publish and fetch (EVENTC_E_CLOSED) and
 * refuses everything afterwards; messages still queued are discarded by eventc_bus_free (the
 * bus is memory: nothing survives it).
 *
 * Locking: one mutex per topic (its groups' queues) with one condition variable per group for
 * consumers and one per topic for publishers; a registry mutex only while looking topics up.
 */
#ifndef EVENTC_BUS_H
#define EVENTC_BUS_H

#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of a bus. Start from eventc_bus_config_default(). */
typedef struct eventc_bus_config {
    /** Most unacked messages one group holds (default 1024). */
    size_t capacity;
    /** How long a publish waits for room (default 1000 ms; 0: not at all). */
    int publish_timeout_ms;
    /** How long a delivered message may stay unsettled before it is redelivered (default
     *  30000 ms). */
    uint32_t visibility_timeout_ms;
    /** Time source for delays and visibility (NULL: monotonic). Borrowed; must outlive the
     *  bus. With a clock other than the default, blocked fetches re-read it every few ms. */
    const eventc_clock *clock;
} eventc_bus_config;

/** @return capacity 1024, publish timeout 1 s, visibility timeout 30 s, monotonic clock. */
EVENTC_API eventc_bus_config eventc_bus_config_default(void);

/** The bus. Opaque. */
typedef struct eventc_bus eventc_bus;

/** Creates a bus. @p cfg NULL: the defaults. @return the bus or NULL (out of memory, or a
 *  zero capacity: err says which). */
EVENTC_API EVENTC_NODISCARD eventc_bus *eventc_bus_new(const eventc_bus_config *cfg,
                                                       eventc_error *err);

/** @return a new publisher on @p bus (release with eventc_publisher_close), or NULL when out
 *  of memory. The bus must outlive it. */
EVENTC_API EVENTC_NODISCARD eventc_publisher *eventc_bus_publisher(eventc_bus *bus);

/** @return a new subscriber (consumer) on @p bus (release with eventc_subscriber_destroy), or
 *  NULL when out of memory. The bus must outlive it. */
EVENTC_API EVENTC_NODISCARD eventc_subscriber *eventc_bus_subscriber(eventc_bus *bus);

/** @return the number of unacked messages (in flight or waiting) in @p group of @p topic; 0 for
 *  an unknown group. */
EVENTC_API size_t eventc_bus_pending(eventc_bus *bus, const char *topic, const char *group);

/** Wakes every blocked publish and fetch with EVENTC_E_CLOSED and refuses later calls.
 *  Idempotent; callable from any thread. */
EVENTC_API void eventc_bus_close(eventc_bus *bus);

/** Releases the bus and the messages it still holds. Every publisher and subscriber made from
 *  it must have been closed/destroyed first. NULL-safe. */
EVENTC_API void eventc_bus_free(eventc_bus *bus);

#ifdef __cplusplus
}
#endif

#endif
