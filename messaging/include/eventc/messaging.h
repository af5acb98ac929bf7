/**
 * @file messaging.h
 * @brief libeventc-messaging: the message, the ports every transport adapter implements
 *        (publisher, subscriber, CloudEvents codec), routing of events to topics and keys,
 *        and the clock the delivery code reads time from.
 *
 * **Ports.** A port is a struct holding a pointer to a table of methods, in the style of
 * sqlite3_vfs / sqlite3_io_methods: the table starts with a version number (so it can grow
 * without breaking adapters written against an older one), and every method takes the object
 * itself first. An adapter defines its own struct whose FIRST member is the port struct, fills a
 * `static const` methods table, and hands out a pointer to the port struct:
 *
 *     typedef struct my_pub { eventc_publisher base; ...state... } my_pub;
 *     static const eventc_publisher_methods my_pub_methods = {
 *         EVENTC_PUBLISHER_VERSION, "my", my_publish, my_flush, my_close};
 *     ... p->base.methods = &my_pub_methods; return &p->base;
 *
 * Callers use the eventc_publisher_* / eventc_subscriber_* wrappers, which check arguments and
 * the methods' version before calling through. See docs/messaging.md, "Writing an adapter".
 *
 * **Semantics** (docs/messaging.md): delivery is at-least-once; messages with the same key are
 * delivered in publish order within a subscription; a message stays owned by the subscriber
 * until it is acked or nacked; every blocking call takes a timeout.
 *
 * **Threads.** Unless a method says otherwise: publish may run concurrently on one publisher
 * from any number of threads; fetch, ack and nack may run concurrently on one subscriber; close
 * may be called from any thread while a fetch blocks (it wakes it); destroy and a publisher's
 * close must be the last call on the object, after every other call returned.
 */
#ifndef EVENTC_MESSAGING_H
#define EVENTC_MESSAGING_H

#include "eventc/buf.h"
#include "eventc/cloudevents.h"
#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the messaging library. */
#define EVENTC_MESSAGING_VERSION_STRING "0.1.0"

/* ---------------------------------------------------------------------------------------------
 * Clock
 * ------------------------------------------------------------------------------------------- */

/**
 * Where the delivery code reads time (visibility timeouts, nack delays, retry back-off, TTLs,
 * throttling) and how it sleeps. Milliseconds from an origin the clock chooses. A NULL
 * `const eventc_clock *` means the monotonic clock (CLOCK_MONOTONIC) and nanosleep.
 *
 * Tests inject a manual clock (eventc_manual_clock_new) so that nothing depends on wall-clock
 * speed: its sleep advances its time at once.
 */
typedef struct eventc_clock {
    /** @return the current time in milliseconds. Must be thread-safe and never go backwards. */
    int64_t (*now_ms)(void *ctx);
    /** Sleeps @p ms milliseconds (@p ms > 0). NULL: nanosleep on the real clock. */
    void (*sleep_ms)(void *ctx, int64_t ms);
    void *ctx;
} eventc_clock;

/** @return the time of @p clock (NULL: CLOCK_MONOTONIC) in milliseconds. */
EVENTC_API int64_t eventc_clock_now(const eventc_clock *clock);

/** Sleeps @p ms milliseconds on @p clock (NULL: the real clock); nothing for @p ms <= 0. */
EVENTC_API void eventc_clock_sleep(const eventc_clock *clock, int64_t ms);

/** @return a clock reading CLOCK_REALTIME (milliseconds since the Unix epoch), for state that
 *          outlives a process, such as a durable dedupe store. A static object. */
EVENTC_API const eventc_clock *eventc_clock_realtime(void);

/** A clock that only moves when told to (tests). Opaque; thread-safe. */
typedef struct eventc_manual_clock eventc_manual_clock;

/** @return a manual clock reading @p start_ms, or NULL when out of memory. Free with
 *          eventc_manual_clock_free. Its sleep advances it by the requested time. */
EVENTC_API EVENTC_NODISCARD eventc_manual_clock *eventc_manual_clock_new(int64_t start_ms);

/** @return the eventc_clock view of @p c, valid as long as @p c. */
EVENTC_API const eventc_clock *eventc_manual_clock_get(eventc_manual_clock *c);

/** Moves @p c forward by @p ms milliseconds (ignored when negative). */
EVENTC_API void eventc_manual_clock_advance(eventc_manual_clock *c, int64_t ms);

/** @return the total time all sleeps on @p c asked for, in milliseconds (tests). */
EVENTC_API int64_t eventc_manual_clock_slept(eventc_manual_clock *c);

/** Releases @p c. NULL-safe. */
EVENTC_API void eventc_manual_clock_free(eventc_manual_clock *c);

/* ---------------------------------------------------------------------------------------------
 * Message
 * ------------------------------------------------------------------------------------------- */

/**
 * A CloudEvent plus its delivery metadata.
 *
 * **Messages a caller builds** (to publish) own their event and their topic and key strings:
 * eventc_message_init, the setters, eventc_message_clear. The event may be filled with any
 * eventc_ce_* setter or decoder.
 *
 * **Messages a subscriber delivers** (fetch) belong to the subscriber: read them, never clear,
 * modify or free them; they stay valid until they are acked or nacked (or, after close, until
 * the subscriber is destroyed). Copy what must live longer (eventc_message_copy).
 */
typedef struct eventc_message {
    /** The CloudEvent. */
    eventc_ce_event event;
    /** The topic (NUL-terminated), or NULL when not set. */
    const char *topic;
    /** The partition key: messages with equal keys keep their order. NULL: no key (no order
     *  promised). */
    const char *key;
    /** Delivery attempt, 1 for the first delivery, +1 on each redelivery; 0 on a message that
     *  was not delivered by a subscriber. */
    uint32_t attempt;
    /**
     * Set by a subscriber when the transport message could not be read as a CloudEvent: the
     * reason. The event then holds a stand-in (see docs/messaging.md, "Malformed messages") and
     * the router treats the message as poison (never retried; dead-lettered). NULL otherwise.
     */
    const eventc_error *malformed;
    /** Free for the adapter that delivered the message (its delivery handle); NULL otherwise. */
    void *handle;
    /* Private. */
    char *topic_own_;
    char *key_own_;
    const eventc_allocator *alloc_;
} eventc_message;

/** Prepares an empty message (eventc_ce_init on the event; no topic, no key, attempt 0).
 *  Never allocates. @p alloc (NULL: malloc) is used for the event and the strings. */
EVENTC_API void eventc_message_init(eventc_message *m, const eventc_allocator *alloc);

/** Releases what @p m owns (event, topic, key) and leaves it as after eventc_message_init.
 *  NULL-safe. Only for messages the caller built or copied, never for delivered ones. */
EVENTC_API void eventc_message_clear(eventc_message *m);

/**
 * Deep-copies @p src (event, topic, key, attempt; not the handle nor the malformed reason)
 * into @p dst, which must be zero-filled, initialised or hold a message (released first).
 * @return EVENTC_OK or EVENTC_E_NOMEM (then @p dst is empty).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_message_copy(eventc_message *dst,
                                                              const eventc_message *src,
                                                              eventc_error *err);

/** Sets the topic to a copy of @p topic (NULL unsets). @return EVENTC_OK, EVENTC_E_NOMEM
 *  (message unchanged), or EVENTC_E_INVALID_ARGUMENT for an empty topic. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_message_set_topic(eventc_message *m,
                                                                   const char *topic,
                                                                   eventc_error *err);

/** Sets the key to a copy of @p key (NULL unsets). @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_message_set_key(eventc_message *m, const char *key,
                                                                 eventc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Publisher port
 * ------------------------------------------------------------------------------------------- */

/** The version of eventc_publisher_methods this header describes. */
#define EVENTC_PUBLISHER_VERSION 1

typedef struct eventc_publisher eventc_publisher;

/** The methods of a publisher. */
typedef struct eventc_publisher_methods {
    /** EVENTC_PUBLISHER_VERSION the adapter was written against. */
    int version;
    /** The adapter's name ("memory", "kafka", ...), for messages. */
    const char *name;
    /**
     * Publishes @p n messages. Each goes to @p topic, or to its own topic when @p topic is NULL
     * (a message without either fails with EVENTC_E_INVALID_ARGUMENT), keyed by its key. The
     * messages are borrowed for the duration of the call. Messages to one topic with one key
     * are published in array order.
     *
     * Returns only when each message has an outcome: EVENTC_OK means the transport accepted
     * the message durably as far as it can (broker acknowledgement; for the in-memory bus,
     * enqueued): it will be delivered to every subscription of the topic. A failed message was
     * not published (EVENTC_E_FULL: no room before the publisher's timeout; EVENTC_E_CLOSED;
     * EVENTC_E_UNAVAILABLE: transport down, retryable; a codec error for an event the binding
     * refuses).
     *
     * @param outcomes NULL, or @p n records receiving each message's outcome (EVENTC_OK or its
     *                 error).
     * @return EVENTC_OK when every message was published, else the first failure's status
     *         (with @p err describing it; err->path is `[i]` for message i).
     */
    eventc_status (*publish)(eventc_publisher *pub, const char *topic,
                             const eventc_message *const *msgs, size_t n, eventc_error *outcomes,
                             eventc_error *err);
    /**
     * Waits up to @p timeout_ms (negative: no limit) until everything accepted earlier is
     * acknowledged by the transport. Adapters whose publish already waits return EVENTC_OK.
     * @return EVENTC_OK, EVENTC_E_TIMEOUT, or a transport error.
     */
    eventc_status (*flush)(eventc_publisher *pub, int timeout_ms, eventc_error *err);
    /** Flushes (with an adapter-defined bound), then releases the publisher. Last call on it;
     *  never concurrent with publish. */
    void (*close)(eventc_publisher *pub);
} eventc_publisher_methods;

/** The publisher port: adapters embed it as the first member of their own struct. */
struct eventc_publisher {
    const eventc_publisher_methods *methods;
};

/** Calls pub->methods->publish after checking the arguments (NULL @p pub or a NULL message:
 *  EVENTC_E_INVALID_ARGUMENT; n = 0: EVENTC_OK). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_publisher_publish(
    eventc_publisher *pub, const char *topic, const eventc_message *const *msgs, size_t n,
    eventc_error *outcomes, eventc_error *err);

/** Publishes one message (see eventc_publisher_publish). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_publisher_publish1(eventc_publisher *pub,
                                                                    const char *topic,
                                                                    const eventc_message *msg,
                                                                    eventc_error *err);

/** Calls pub->methods->flush. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_publisher_flush(eventc_publisher *pub,
                                                                 int timeout_ms, eventc_error *err);

/** Calls pub->methods->close. NULL-safe. */
EVENTC_API void eventc_publisher_close(eventc_publisher *pub);

/* ---------------------------------------------------------------------------------------------
 * Subscriber port
 * ------------------------------------------------------------------------------------------- */

/** The version of eventc_subscriber_methods this header describes. */
#define EVENTC_SUBSCRIBER_VERSION 1

typedef struct eventc_subscriber eventc_subscriber;

/** The methods of a subscriber (a pull consumer). */
typedef struct eventc_subscriber_methods {
    /** EVENTC_SUBSCRIBER_VERSION the adapter was written against. */
    int version;
    /** The adapter's name, for messages. */
    const char *name;
    /**
     * Joins consumer group @p group on @p topic (both copied). Every group of a topic gets
     * every message published to it after the group was created; the consumers of one group
     * compete (each message goes to one of them). Called once, before fetch.
     * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT (NULL or empty name, second call);
     *         EVENTC_E_CLOSED; a transport error.
     */
    eventc_status (*subscribe)(eventc_subscriber *sub, const char *topic, const char *group,
                               eventc_error *err);
    /**
     * Waits up to @p timeout_ms (0: do not wait; negative: no limit) for messages and returns
     * at most @p max of them in @p out (an array of @p max pointers the caller provides). The
     * messages are owned by the subscriber until acked or nacked. A subscriber never holds
     * more messages in flight for this consumer than fetch returned: nothing is reserved for it
     * beyond what it asked for.
     * @param n receives the number of messages (0 unless EVENTC_OK).
     * @return EVENTC_OK (*n >= 1); EVENTC_E_TIMEOUT when nothing came in time;
     *         EVENTC_E_CLOSED once close was called (also to a fetch blocked at that time);
     *         EVENTC_E_INVALID_ARGUMENT (max 0, no subscription); a transport error.
     */
    eventc_status (*fetch)(eventc_subscriber *sub, size_t max, int timeout_ms, eventc_message **out,
                           size_t *n, eventc_error *err);
    /**
     * Settles @p m as handled: it will not be delivered to this group again. @p m is invalid
     * afterwards (unless the call failed with EVENTC_E_CLOSED, see close).
     * @return EVENTC_OK; EVENTC_E_TIMEOUT when the message's visibility timeout had expired
     *         (it was or will be redelivered); EVENTC_E_CLOSED; EVENTC_E_INVALID_ARGUMENT for a
     *         message this subscriber did not deliver or already settled; a transport error.
     */
    eventc_status (*ack)(eventc_subscriber *sub, eventc_message *m, eventc_error *err);
    /**
     * Settles @p m as not handled: it is redelivered (attempt + 1) to the group no sooner than
     * @p delay_ms from now, before any later message with the same key. @p m is invalid
     * afterwards. @return as ack.
     */
    eventc_status (*nack)(eventc_subscriber *sub, eventc_message *m, uint32_t delay_ms,
                          eventc_error *err);
    /**
     * Stops the consumer: a fetch blocked in another thread returns EVENTC_E_CLOSED, and so do
     * later fetch, ack and nack calls. Messages delivered to this consumer and not yet settled
     * are given back to the group for redelivery (no later than their visibility timeout);
     * their memory stays valid until destroy. Messages not yet delivered stay with the group.
     * Idempotent; callable from any thread.
     */
    void (*close)(eventc_subscriber *sub);
    /** Closes if needed and releases the subscriber and every message it delivered. Last call
     *  on it, after every other call has returned. */
    void (*destroy)(eventc_subscriber *sub);
} eventc_subscriber_methods;

/** The subscriber port: adapters embed it as the first member of their own struct. */
struct eventc_subscriber {
    const eventc_subscriber_methods *methods;
};

/** Wrappers calling through sub->methods after checking arguments. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_subscriber_subscribe(eventc_subscriber *sub,
                                                                      const char *topic,
                                                                      const char *group,
                                                                      eventc_error *err);
/** @copydoc eventc_subscriber_subscribe */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_subscriber_fetch(eventc_subscriber *sub,
                                                                  size_t max, int timeout_ms,
                                                                  eventc_message **out, size_t *n,
                                                                  eventc_error *err);
/** @copydoc eventc_subscriber_subscribe */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_subscriber_ack(eventc_subscriber *sub,
                                                                eventc_message *m,
                                                                eventc_error *err);
/** @copydoc eventc_subscriber_subscribe */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_subscriber_nack(eventc_subscriber *sub,
                                                                 eventc_message *m,
                                                                 uint32_t delay_ms,
                                                                 eventc_error *err);
/** Calls sub->methods->close. NULL-safe. */
EVENTC_API void eventc_subscriber_close(eventc_subscriber *sub);
/** Calls sub->methods->destroy. NULL-safe. */
EVENTC_API void eventc_subscriber_destroy(eventc_subscriber *sub);

/* ---------------------------------------------------------------------------------------------
 * CloudEvents codec port: how an adapter turns events into transport bytes and back
 * ------------------------------------------------------------------------------------------- */

/** The version of eventc_ce_codec this header describes. */
#define EVENTC_CE_CODEC_VERSION 1

/**
 * A protocol binding in one content mode, over the runtime's bindings (cloudevents.h). The
 * built-in codecs are static objects; a transport with a binding of its own defines its own.
 */
typedef struct eventc_ce_codec {
    /** EVENTC_CE_CODEC_VERSION. */
    int version;
    /** "http-binary", "http-structured", "kafka-binary", "kafka-structured", "nats-binary",
     *  "nats-structured", "json". */
    const char *name;
    /** The content mode. */
    eventc_ce_mode mode;
    /** Encodes @p ev into @p out (released first). @return as the binding's encoder. */
    eventc_status (*encode)(const struct eventc_ce_codec *codec, const eventc_ce_event *ev,
                            eventc_ce_message *out, eventc_error *err);
    /** Decodes @p in into @p ev. @p opts NULL: the defaults. @return as the binding's
     *  decoder; @p ev empty on error. */
    eventc_status (*decode)(const struct eventc_ce_codec *codec, eventc_ce_event *ev,
                            const eventc_ce_message *in, const eventc_ce_options *opts,
                            eventc_error *err);
    /** Free for the codec. */
    const void *ctx;
} eventc_ce_codec;

/** HTTP binding, binary or structured mode (a decoder reads either mode). */
EVENTC_API const eventc_ce_codec *eventc_ce_codec_http(eventc_ce_mode mode);
/** Kafka binding, binary or structured mode (a decoder reads either mode); the record key
 *  travels in eventc_ce_message.key. */
EVENTC_API const eventc_ce_codec *eventc_ce_codec_kafka(eventc_ce_mode mode);
/** The JSON event format alone: the body is the event, no headers. */
EVENTC_API const eventc_ce_codec *eventc_ce_codec_json(void);
/** NATS binding, binary or structured mode (a decoder reads either mode); the body is the NATS
 *  payload, the subject is the adapter's business. */
EVENTC_API const eventc_ce_codec *eventc_ce_codec_nats(eventc_ce_mode mode);

/* ---------------------------------------------------------------------------------------------
 * Routing: which topic and key an event goes to
 * ------------------------------------------------------------------------------------------- */

/**
 * One routing rule. @c match selects events by type: an exact type
 * (`com.example.messaging.customer.created`), a prefix ending in `.` or `*`
 * (`com.example.messaging.customer.`, `com.example.*`), or `*` for every event.
 */
typedef struct eventc_route {
    /** Which types the rule applies to (see above). */
    const char *match;
    /** The topic; NULL keeps the default topic. */
    const char *topic;
    /** The attribute whose canonical string is the key (`subject`, an extension name);
     *  NULL keeps the default key; "" means no key. */
    const char *key_attribute;
} eventc_route;

/**
 * A routing table. The default route, used when no rule matches (and for what a matching rule
 * leaves NULL): topic = the type without its last dot-separated segment, in lower case
 * (`com.example.messaging.customer.created` -> `com.example.messaging.customer`, one topic per
 * aggregate); key = the `partitionkey` extension, else `subject` (the aggregate id for catalog
 * events), else none. So each aggregate's events stay in order.
 *
 * Rules are tried most specific first: exact types, then the longest prefix, then `*`.
 * Opaque; thread-safe for eventc_routing_resolve once built.
 */
typedef struct eventc_routing eventc_routing;

/** @return an empty table (default route only), or NULL when out of memory. */
EVENTC_API EVENTC_NODISCARD eventc_routing *eventc_routing_new(void);

/** Adds (or replaces, for an equal @c match) a rule; strings are copied.
 *  @return EVENTC_OK, EVENTC_E_INVALID_ARGUMENT (empty match), EVENTC_E_NOMEM. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_routing_add(eventc_routing *r,
                                                             const eventc_route *route,
                                                             eventc_error *err);

/**
 * Computes the topic and key of @p ev. @p r may be NULL (the default route).
 * @param topic receives the topic (appended, NUL-terminated by eventc_buf_cstr)
 * @param key receives the key; @p has_key is set false when the event has none
 * @return EVENTC_OK; EVENTC_E_REQUIRED when @p ev has no type; EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_routing_resolve(const eventc_routing *r,
                                                                 const eventc_ce_event *ev,
                                                                 eventc_buf *topic, eventc_buf *key,
                                                                 bool *has_key, eventc_error *err);

/** Sets the topic and key of @p m from its event when they are not set yet (NULL @p r: the
 *  default route). @return as eventc_routing_resolve. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_routing_apply(const eventc_routing *r,
                                                               eventc_message *m,
                                                               eventc_error *err);

/** Releases @p r. NULL-safe. */
EVENTC_API void eventc_routing_free(eventc_routing *r);

/* ---------------------------------------------------------------------------------------------
 * Retry classification
 * ------------------------------------------------------------------------------------------- */

/**
 * @return true when a failure with status @p s may succeed if tried again: EVENTC_E_IO,
 *         EVENTC_E_NOMEM, EVENTC_E_TIMEOUT, EVENTC_E_FULL, EVENTC_E_CLOSED, EVENTC_E_CONFLICT,
 *         EVENTC_E_UNAVAILABLE. Everything else (a message that does not decode or validate,
 *         a bad signature, an illegal transition) is permanent: retrying cannot help.
 */
EVENTC_API bool eventc_status_retryable(eventc_status s);

#ifdef __cplusplus
}
#endif

#endif
