/* librdkafka's in-process mock cluster for the Kafka adapter's tests: brokers on 127.0.0.1 with
 * ephemeral ports, started and stopped by the test, and the fault injection it offers. */
#ifndef EVENTC_TEST_KAFKA_MOCK_H
#define EVENTC_TEST_KAFKA_MOCK_H

#include <eventc/kafka.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* Kafka protocol API keys the tests inject errors into (rdkafka_mock.h takes them as numbers). */
enum {
    KM_PRODUCE = 0,
    KM_FETCH = 1,
    KM_LIST_OFFSETS = 2,
    KM_METADATA = 3,
    KM_OFFSET_COMMIT = 8,
    KM_OFFSET_FETCH = 9,
    KM_FIND_COORDINATOR = 10,
    KM_JOIN_GROUP = 11,
    KM_HEARTBEAT = 12,
    KM_SYNC_GROUP = 14,
    KM_INIT_PRODUCER_ID = 22
};

typedef struct kafka_mock {
    rd_kafka_t *host; /* the handle the cluster lives on */
    rd_kafka_mock_cluster_t *cluster;
    char brokers[512];
} kafka_mock;

/* Starts a cluster of @p brokers brokers. Returns 0, or -1 after printing why. */
int kafka_mock_start(kafka_mock *m, int brokers);

/* Stops the cluster (NULL-safe, idempotent). */
void kafka_mock_stop(kafka_mock *m);

/* A configuration for the cluster with quick group rebalances (the mock waits the session
 * timeout minus a second before it completes one) and quick acknowledgements. */
eventc_kafka_config kafka_mock_config(const kafka_mock *m);

/* The offset group @p group committed for topic/partition, -1 for none, -2 on error. */
long long kafka_mock_committed(const kafka_mock *m, const char *group, const char *topic,
                               int partition);

#endif
