/**
 * @file kafka.h
 * @brief eventc::kafka: the publisher and subscriber ports (messaging.h) on Apache Kafka,
 *        through librdkafka.
 *
 * **Publisher.** An idempotent producer (`enable.idempotence=true`: no duplicates and no
 * reordering within a partition when librdkafka retries). Each message becomes one record of the
 * CloudEvents Kafka binding (binary or structured mode, the codec of the configuration); the
 * record key is the message's key (the routing's partition key: the aggregate id by default), so
 * every event of one aggregate goes to one partition, in order. publish returns once librdkafka
 * has reported the delivery of every message (the broker's acknowledgement, `acks=all`), with
 * each message's own outcome. Close flushes.
 *
 * **Subscriber.** One consumer of a consumer group per subscriber (the group of subscribe). The
 * partitions of the subscribed topic are spread over the group's consumers; each consumer holds
 * the records it fetched from its partitions and hands them out through fetch, at most one in
 * flight per key, so a key's messages are handled in order even with several threads fetching
 * from one subscriber. Offsets are committed only for acknowledged records: per partition, the
 * offset after the longest run of acknowledged records from the last commit (at-least-once;
 * nothing acknowledged later than an unacknowledged record is committed before it). A nack keeps
 * the record and hands it out again after its delay, before any later record with its key; other
 * keys and partitions go on meanwhile. A partition holding `max_buffered` records is paused
 * (librdkafka stops fetching it) until the consumer has settled some: back-pressure, not an
 * unbounded buffer. On a rebalance, a revoked partition's in-flight records are given a bounded
 * time to be settled, what was acknowledged is committed, and its state is dropped; the new owner
 * starts at that commit.
 *
 * A record that is not a readable CloudEvent (a value that does not decode, a header the binding
 * refuses, a header value holding a NUL byte) is delivered as a malformed message
 * (docs/messaging.md, "Malformed messages"): `malformed` says why, and the event is a stand-in
 * with id `<topic>/<partition>/<offset>`, source `/eventc/kafka`, type `eventc.malformed` and the
 * record's value as its data. The router dead-letters it; it never stalls the partition.
 *
 * See docs/messaging.md, section "The Kafka adapter".
 */
#ifndef EVENTC_KAFKA_H
#define EVENTC_KAFKA_H

#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One librdkafka configuration property (`name=value`, see librdkafka's CONFIGURATION.md). */
typedef struct eventc_kafka_property {
    const char *name;
    const char *value;
} eventc_kafka_property;

/** Configuration of a Kafka publisher or subscriber. Start from eventc_kafka_config_default(). */
typedef struct eventc_kafka_config {
    /** Bootstrap servers, `host:port[,host:port...]` (required). */
    const char *brokers;
    /** How events become records: eventc_ce_codec_kafka(BINARY) (the default, for NULL) or
     *  (STRUCTURED). A subscriber reads either mode whatever this says. Borrowed. */
    const eventc_ce_codec *codec;

    /* ---- publisher ---- */
    /** How long librdkafka may try to deliver a record before publish reports it failed
     *  (`message.timeout.ms`; default 30000). Retries within it are transparent. */
    int delivery_timeout_ms;
    /** How long publish waits for room in librdkafka's local queue before a message fails
     *  with EVENTC_E_FULL (default 1000). */
    int queue_timeout_ms;
    /** Most records in librdkafka's local queue (`queue.buffering.max.messages`; default
     *  100000). */
    size_t max_queued;
    /** Largest record (`message.max.bytes`; default 1000000, the broker's usual limit). */
    size_t max_message_bytes;
    /** How long close waits for outstanding deliveries (default 10000). */
    int close_timeout_ms;

    /* ---- subscriber ---- */
    /** Most records a subscriber holds per partition, delivered or not, before it pauses the
     *  partition (default 1000). */
    size_t max_buffered;
    /** Offsets of acknowledged records are committed at most this often (default 500 ms), and
     *  always on a revocation and on close. */
    int commit_interval_ms;
    /** The consumer group session timeout (`session.timeout.ms`; default 10000): a consumer
     *  that stops heartbeating for this long leaves the group. */
    int session_timeout_ms;
    /** On a revocation, how long the consumer waits for in-flight records of the revoked
     *  partitions to be settled before it commits and lets them go (default 5000). */
    int rebalance_drain_ms;
    /** Where a group without a committed offset starts: false (default) at the earliest record
     *  (every record the topic holds), true at the end (only records published later). */
    bool start_at_end;
    /** Decoding options (NULL: eventc_ce_options_default()). Copied. */
    const eventc_ce_options *decode;
    /** The clock of nack delays (NULL: monotonic). Borrowed; must outlive the subscriber. */
    const eventc_clock *clock;

    /* ---- both ---- */
    /** More librdkafka properties, applied after everything above (so they win). Copied. */
    const eventc_kafka_property *properties;
    size_t n_properties;
    /** librdkafka's log lines (level as syslog: 0 emergency .. 7 debug); NULL: discarded.
     *  Called from librdkafka's threads. */
    void (*on_log)(void *ctx, int level, const char *message);
    void *log_ctx;
} eventc_kafka_config;

/** @return no brokers, binary mode, and the defaults above. */
EVENTC_API eventc_kafka_config eventc_kafka_config_default(void);

/**
 * Creates a publisher. The configuration is checked at once (librdkafka refuses unknown or bad
 * properties with its message); the brokers are contacted in the background.
 * @return the publisher (release with eventc_publisher_close), or NULL with @p err set:
 *         EVENTC_E_INVALID_ARGUMENT for a bad configuration, EVENTC_E_NOMEM, EVENTC_E_IO.
 */
EVENTC_API EVENTC_NODISCARD eventc_publisher *
eventc_kafka_publisher_new(const eventc_kafka_config *cfg, eventc_error *err);

/**
 * Creates a subscriber (one consumer; it joins its group in subscribe). The configuration is
 * copied and checked at once.
 *
 * subscribe accepts one topic, or several separated by commas (`orders,payments`): one consumer
 * then serves all of them. A topic that does not exist yet is created by the broker when it
 * allows it (`allow.auto.create.topics`, on by default here).
 * @return the subscriber (release with eventc_subscriber_destroy), or NULL with @p err set.
 */
EVENTC_API EVENTC_NODISCARD eventc_subscriber *
eventc_kafka_subscriber_new(const eventc_kafka_config *cfg, eventc_error *err);

/** A subscriber factory for the typed layer (catalog.h): @p ctx is a `const
 *  eventc_kafka_config *`, which must outlive the call. */
EVENTC_API eventc_subscriber *eventc_kafka_subscriber_factory(void *ctx, const char *topic,
                                                              eventc_error *err);

/** Counters of a subscriber (eventc_kafka_subscriber_stats). */
typedef struct eventc_kafka_stats {
    uint64_t received;     /**< records received from librdkafka */
    uint64_t delivered;    /**< deliveries handed out by fetch (redeliveries included) */
    uint64_t acked;        /**< acks */
    uint64_t nacked;       /**< nacks */
    uint64_t malformed;    /**< records delivered as malformed messages */
    uint64_t commits;      /**< offset commits issued */
    uint64_t pauses;       /**< times a partition was paused because it held max_buffered */
    uint64_t resumes;      /**< times a paused partition was resumed */
    uint64_t revoked;      /**< partitions revoked by rebalances */
    uint64_t dropped;      /**< held records let go on a revocation (the new owner reads them) */
    uint64_t late_settles; /**< acks and nacks of records whose partition was revoked first */
    size_t held;           /**< records held now (all partitions) */
    size_t held_max;       /**< the most records one partition has held */
    size_t in_flight;      /**< records delivered and not settled now */
    size_t assigned;       /**< partitions assigned now */
    size_t paused;         /**< partitions paused now */
    size_t draining;       /**< partitions whose revocation waits for in-flight records now */
} eventc_kafka_stats;

/** Fills @p out with the counters of a subscriber made by eventc_kafka_subscriber_new
 *  (thread-safe). @return EVENTC_OK, or EVENTC_E_INVALID_ARGUMENT for another subscriber. */
EVENTC_API eventc_status eventc_kafka_subscriber_stats(eventc_subscriber *sub,
                                                       eventc_kafka_stats *out);

#ifdef __cplusplus
}
#endif

#endif
