/* The mock cluster of the Kafka tests (kafka_mock.h). */
#include "kafka_mock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quiet(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk, (void)level, (void)fac, (void)buf;
}

int kafka_mock_start(kafka_mock *m, int brokers)
{
    memset(m, 0, sizeof(*m));
    char why[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, quiet);
    m->host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
    if (m->host == NULL) {
        fprintf(stderr, "mock host: %s\n", why);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    m->cluster = rd_kafka_mock_cluster_new(m->host, brokers);
    if (m->cluster == NULL) {
        fprintf(stderr, "cannot start a mock cluster\n");
        rd_kafka_destroy(m->host);
        m->host = NULL;
        return -1;
    }
    snprintf(m->brokers, sizeof(m->brokers), "%s", rd_kafka_mock_cluster_bootstraps(m->cluster));
    return 0;
}

void kafka_mock_stop(kafka_mock *m)
{
    if (m->cluster != NULL) {
        rd_kafka_mock_cluster_destroy(m->cluster);
        m->cluster = NULL;
    }
    if (m->host != NULL) {
        rd_kafka_destroy(m->host);
        m->host = NULL;
    }
}

/* The mock's sockets leave Nagle's algorithm on: a second request in flight on a connection
 * waits for the client's delayed ACK (40 ms). One request at a time, sent at once, avoids it.
 * KAFKA_TEST_DEBUG=<librdkafka debug contexts> adds librdkafka's debug log on standard error. */
static eventc_kafka_property mock_properties[] = {
    {"linger.ms", "0"}, {"max.in.flight", "1"}, {"debug", ""}};

static void log_line(void *ctx, int level, const char *message)
{
    (void)ctx;
    fprintf(stderr, "rdkafka %d %s\n", level, message);
}

eventc_kafka_config kafka_mock_config(const kafka_mock *m)
{
    eventc_kafka_config c = eventc_kafka_config_default();
    c.brokers = m->brokers;
    c.properties = mock_properties;
    c.n_properties = 2;
    const char *debug = getenv("KAFKA_TEST_DEBUG");
    if (debug != NULL && debug[0] != '\0') {
        mock_properties[2].value = debug;
        c.n_properties = 3;
        c.on_log = log_line;
    }
    c.session_timeout_ms = 3000;
    /* Under valgrind, heartbeats may come late: KAFKA_TEST_SESSION_MS gives more room. */
    const char *session = getenv("KAFKA_TEST_SESSION_MS");
    if (session != NULL && atoi(session) > 0) {
        c.session_timeout_ms = atoi(session);
    }
    c.commit_interval_ms = 100;
    return c;
}

long long kafka_mock_committed(const kafka_mock *m, const char *group, const char *topic,
                               int partition)
{
    char why[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, quiet);
    if (rd_kafka_conf_set(conf, "bootstrap.servers", m->brokers, why, sizeof(why)) ||
        rd_kafka_conf_set(conf, "group.id", group, why, sizeof(why))) {
        rd_kafka_conf_destroy(conf);
        return -2;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
    if (rk == NULL) {
        rd_kafka_conf_destroy(conf);
        return -2;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, partition);
    long long off = -2;
    if (rd_kafka_committed(rk, l, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        l->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        off = l->elems[0].offset < 0 ? -1 : (long long)l->elems[0].offset;
    }
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(rk);
    return off;
}
