/**
 * @file nats.h
 * @brief eventc::nats: the publisher and subscriber ports (messaging.h) on NATS JetStream,
 *        through the NATS C client (cnats).
 *
 * **Streams.** Each topic is one JetStream stream, named after the topic (every character
 * outside `A-Z a-z 0-9 _ -` becomes `_`: topic `com.example.order` is stream
 * `com_example_order`). A stream of `partitions` P > 0 holds the subjects `<topic>.0` ...
 * `<topic>.<P-1>`, and a message with key K goes to subject `<topic>.<fnv1a32(K) % P>` (32-bit
 * FNV-1a over the key's bytes; a message without a key goes to the partitions in turn). A stream
 * of P = 0 holds the one subject `<topic>`. Publishers and subscribers create the stream when it
 * does not exist (with the configuration's partitions, storage, replicas and duplicate window)
 * and otherwise read its layout from its subjects, so every process agrees with the stream
 * whatever its own configuration says; a stream of that name holding other subjects is refused.
 *
 * **Publisher.** Each message becomes one NATS message of the CloudEvents NATS binding (binary
 * or structured mode, the codec of the configuration), published with JetStream's asynchronous
 * publish. Its `Nats-Msg-Id` header is the message's dedupe key (eventc_dedupe_key: the
 * `idempotencykey` extension, else source and id), so the server drops a message published again
 * within the stream's duplicate window. A key the receiver could not work out from the event
 * (its `partitionkey`, else its `subject`) travels in an `Eventc-Key` header, percent-encoded.
 * publish returns once every message has the server's acknowledgement (stored), or its failure.
 * At most `max_pending` messages wait for their acknowledgement at once (a publish waits for
 * room, then fails with EVENTC_E_FULL). A message whose acknowledgement does not come (the server
 * died, the connection broke, `ack_timeout_ms` passed) is published again, in order and with the
 * same `Nats-Msg-Id`, until `publish_timeout_ms` has passed since the call began; then it fails
 * with EVENTC_E_UNAVAILABLE. The publisher reconnects by itself, only between such rounds, so a
 * message never overtakes an earlier one of the same call that is waiting to be sent again.
 *
 * **Subscriber.** A group is a durable pull consumer (per partition: `<group>_<i>`, filtered on
 * `<topic>.<i>`, with at most one unacknowledged message, so a partition, and every key in it,
 * is handled in order also by competing consumers and across nacks; for P = 0: `<group>`, with
 * `max_ack_pending`). fetch pulls what is there with no-wait requests of at most `max` messages,
 * and when there is nothing, waits on requests of one message each, so a consumer only receives
 * what it asked for (back-pressure); on a partitioned stream it may receive one message more per
 * partition it waited on, which the next fetch returns first. ack acknowledges, nack sends a
 * negative acknowledgement with the delay (redelivered no sooner), and the consumer's AckWait
 * (`ack_wait_ms`) is the visibility timeout. `attempt` is JetStream's delivery count.
 *
 * **Poison.** A message that is not a readable CloudEvent (a payload that does not decode, a
 * header the binding refuses) is delivered as a malformed message (docs/messaging.md, "Malformed
 * messages"): `malformed` says why, the event is a stand-in with id `<stream>/<sequence>`, source
 * `/eventc/nats`, type `eventc.malformed` and the payload as its data. With `max_deliver` set, the
 * last delivery JetStream will make of a message is delivered as malformed too (its event
 * unchanged), so the router dead-letters it instead of JetStream dropping it. An ack of such a
 * message terminates it (`+TERM`) rather than acknowledging it.
 *
 * See docs/messaging.md, section "The NATS JetStream adapter".
 */
#ifndef EVENTC_NATS_H
#define EVENTC_NATS_H

#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of a NATS publisher or subscriber. Start from eventc_nats_config_default(). */
typedef struct eventc_nats_config {
    /** Server URL, `nats://host:port`, or several separated by commas (required). */
    const char *url;
    /** A name for the connections (shown by the server's monitoring); NULL: none. */
    const char *name;
    /** How events become NATS messages: eventc_ce_codec_nats(BINARY) (the default, for NULL)
     *  or (STRUCTURED). A subscriber reads either mode whatever this says. Borrowed. */
    const eventc_ce_codec *codec;
    /** Connection timeout in ms (default 2000). */
    int connect_timeout_ms;
    /** Wait between reconnection attempts in ms (default 100). */
    int reconnect_wait_ms;

    /* ---- streams (when this process creates one) ---- */
    /** Partitions of a new stream (default 8; 0: one subject per topic, no order per key
     *  between competing consumers, the highest throughput). At most 1024. */
    unsigned partitions;
    /** Replicas of a new stream (default 1). */
    int replicas;
    /** Keep a new stream in memory rather than in files (default false). */
    bool memory_storage;
    /** The duplicate window of a new stream in ms (default 120000): a message published again
     *  with the same Nats-Msg-Id within it is dropped by the server. */
    int64_t duplicate_window_ms;
    /** Topics whose streams are created or checked when the publisher or subscriber is made
     *  (others on first use). Borrowed for the call. */
    const char *const *topics;
    size_t n_topics;

    /* ---- publisher ---- */
    /** How long one publish may keep trying a message, reconnections and resends included
     *  (default 30000); then it fails with EVENTC_E_UNAVAILABLE (or EVENTC_E_FULL when it never
     *  found room among the pending messages). */
    int publish_timeout_ms;
    /** How long a sent message waits for its acknowledgement before it is sent again
     *  (default 5000). */
    int ack_timeout_ms;
    /** Most messages waiting for their acknowledgement at once, over all concurrent publish
     *  calls (default 4096). */
    size_t max_pending;

    /* ---- subscriber ---- */
    /** The consumers' AckWait in ms, the visibility timeout (default 30000): an unsettled
     *  message is delivered again after it. */
    int ack_wait_ms;
    /** The consumers' MaxDeliver (default 0: no limit). Keep it above the dead-letter
     *  middleware's max_deliveries (docs/messaging.md explains how they fit together). */
    int max_deliver;
    /** Most unacknowledged messages of an unpartitioned group (default 1024); partitioned
     *  groups have one per partition. */
    size_t max_ack_pending;
    /** Where a new group starts: false (default) with the first message the stream holds, true
     *  with the messages published after the group was created. */
    bool deliver_new;
    /** Decoding options (NULL: eventc_ce_options_default()). Copied. */
    const eventc_ce_options *decode;
} eventc_nats_config;

/** @return no URL, binary mode, and the defaults above. */
EVENTC_API eventc_nats_config eventc_nats_config_default(void);

/**
 * Creates a publisher: connects to the server and creates or checks the streams of
 * `cfg->topics`. The configuration is copied.
 * @return the publisher (release with eventc_publisher_close), or NULL with @p err set:
 *         EVENTC_E_INVALID_ARGUMENT for a bad configuration or topic, EVENTC_E_UNAVAILABLE when
 *         the server cannot be reached or has no JetStream, EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_publisher *
eventc_nats_publisher_new(const eventc_nats_config *cfg, eventc_error *err);

/**
 * Creates a subscriber (one consumer of the group it subscribes to): connects to the server.
 * subscribe creates or checks the topic's stream and the group's durable consumers. The
 * configuration is copied.
 * @return the subscriber (release with eventc_subscriber_destroy), or NULL with @p err set.
 */
EVENTC_API EVENTC_NODISCARD eventc_subscriber *
eventc_nats_subscriber_new(const eventc_nats_config *cfg, eventc_error *err);

/** A subscriber factory for the typed layer (catalog.h): @p ctx is a `const
 *  eventc_nats_config *`, which must outlive the call. */
EVENTC_API eventc_subscriber *eventc_nats_subscriber_factory(void *ctx, const char *topic,
                                                             eventc_error *err);

/**
 * Computes the stream name of @p topic into @p out (@p cap bytes with the NUL).
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT for a topic that is no valid subject (empty, a
 *         wildcard, white space, an empty token) or too long for @p out.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_nats_stream_name(const char *topic, char *out,
                                                                  size_t cap, eventc_error *err);

/** @return the partition of @p key (@p len bytes) among @p partitions (> 0): 32-bit FNV-1a of
 *          the bytes modulo @p partitions. */
EVENTC_API unsigned eventc_nats_partition(const char *key, size_t len, unsigned partitions);

/** Counters of a publisher (eventc_nats_publisher_stats). */
typedef struct eventc_nats_publisher_stats {
    uint64_t sent;       /**< messages sent (resends included) */
    uint64_t acked;      /**< acknowledgements (duplicates included) */
    uint64_t duplicates; /**< acknowledgements saying the server dropped a duplicate */
    uint64_t resent;     /**< messages sent again after a failure */
    uint64_t reconnects; /**< connections made after a lost one */
    uint64_t failed;     /**< messages whose publish failed in the end */
} eventc_nats_publisher_stats;

/** Fills @p out with the counters of a publisher made by eventc_nats_publisher_new
 *  (thread-safe). @return EVENTC_OK, or EVENTC_E_INVALID_ARGUMENT for another publisher. */
EVENTC_API eventc_status eventc_nats_publisher_stats_get(eventc_publisher *pub,
                                                         eventc_nats_publisher_stats *out);

/** Counters of a subscriber (eventc_nats_subscriber_stats). */
typedef struct eventc_nats_subscriber_stats {
    uint64_t pulls;      /**< pull requests sent */
    uint64_t received;   /**< messages received from the server */
    uint64_t delivered;  /**< messages handed out by fetch */
    uint64_t acked;      /**< acks sent (terminations included) */
    uint64_t terminated; /**< poison messages terminated */
    uint64_t nacked;     /**< negative acknowledgements sent */
    uint64_t malformed;  /**< messages delivered as malformed */
    uint64_t late_acks;  /**< acks and nacks refused after the visibility timeout */
    uint64_t stale;      /**< received messages dropped unreturned after their AckWait */
    size_t in_flight;    /**< messages delivered and not settled now */
    size_t held;         /**< received messages waiting for the next fetch now */
} eventc_nats_subscriber_stats;

/** Fills @p out with the counters of a subscriber made by eventc_nats_subscriber_new
 *  (thread-safe). @return EVENTC_OK, or EVENTC_E_INVALID_ARGUMENT for another subscriber. */
EVENTC_API eventc_status eventc_nats_subscriber_stats_get(eventc_subscriber *sub,
                                                          eventc_nats_subscriber_stats *out);

#ifdef __cplusplus
}
#endif

#endif
