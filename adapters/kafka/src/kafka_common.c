/* The configuration of both ports, errors and time helpers (kafka_internal.h). */
#define _POSIX_C_SOURCE 200809L
#include "kafka_internal.h"

#include <stdio.h>
#include <string.h>

eventc_kafka_config eventc_kafka_config_default(void)
{
    eventc_kafka_config c;
    memset(&c, 0, sizeof(c));
    c.delivery_timeout_ms = 30000;
    c.queue_timeout_ms = 1000;
    c.max_queued = 100000;
    c.max_message_bytes = 1000000;
    c.close_timeout_ms = 10000;
    c.max_buffered = 1000;
    c.commit_interval_ms = 500;
    c.session_timeout_ms = 10000;
    c.rebalance_drain_ms = 5000;
    return c;
}

int64_t ek_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec ek_deadline(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ms < 0) {
        ms = 0;
    }
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int ek_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    if (rc != 0) {
        return rc;
    }
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0) {
        rc = pthread_cond_init(cond, &attr);
    }
    pthread_condattr_destroy(&attr);
    return rc;
}

eventc_status ek_status(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
        return EVENTC_OK;
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
        return EVENTC_E_FULL;
    case RD_KAFKA_RESP_ERR__DESTROY:
        return EVENTC_E_CLOSED;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
        return EVENTC_E_LIMIT;
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
        return EVENTC_E_INVALID_ARGUMENT;
    default:
        /* Timeouts, transport failures, leader changes, brokers down, fatal producer errors:
         * the broker (or a new producer) may take the message later. */
        return EVENTC_E_UNAVAILABLE;
    }
}

eventc_status ek_fail(eventc_error *err, rd_kafka_resp_err_t e, const char *path, const char *what)
{
    return eventc_error_set(err, ek_status(e), path, "%s: %s (%s)", what, rd_kafka_err2str(e),
                            rd_kafka_err2name(e));
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    ek_common *c = rd_kafka_opaque(rk);
    if (c != NULL && c->on_log != NULL) {
        char line[1024];
        snprintf(line, sizeof(line), "%s: %s: %s", rd_kafka_name(rk), fac, buf);
        c->on_log(c->log_ctx, level, line);
    }
}

static bool set(rd_kafka_conf_t *conf, const char *name, const char *value, eventc_error *err)
{
    char why[512];
    if (rd_kafka_conf_set(conf, name, value, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, name, "%s", why);
        return false;
    }
    return true;
}

static bool set_int(rd_kafka_conf_t *conf, const char *name, long long value, eventc_error *err)
{
    char text[32];
    snprintf(text, sizeof(text), "%lld", value);
    return set(conf, name, text, err);
}

rd_kafka_conf_t *ek_conf_new(const eventc_kafka_config *cfg, bool producer, ek_common *opaque,
                             eventc_error *err)
{
    if (cfg == NULL || cfg->brokers == NULL || cfg->brokers[0] == '\0') {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "brokers", "no bootstrap servers");
        return NULL;
    }
    if (cfg->n_properties > 0 && cfg->properties == NULL) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "properties", "NULL with a count");
        return NULL;
    }
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (conf == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    /* publish waits for its acknowledgements: Nagle's algorithm would hold small requests back
     * for a delayed ACK of the previous one (40 ms on Linux). */
    bool ok = set(conf, "bootstrap.servers", cfg->brokers, err) &&
              set(conf, "socket.nagle.disable", "true", err);
    if (producer) {
        ok = ok && set(conf, "enable.idempotence", "true", err) && set(conf, "acks", "all", err) &&
             /* Keys land where the Java client puts them, so mixed producers agree. */
             set(conf, "partitioner", "murmur2_random", err) &&
             set_int(conf, "message.timeout.ms", cfg->delivery_timeout_ms, err) &&
             set_int(conf, "queue.buffering.max.messages", (long long)cfg->max_queued, err) &&
             set_int(conf, "message.max.bytes", (long long)cfg->max_message_bytes, err);
    } else {
        int session = cfg->session_timeout_ms;
        int heartbeat = session / 3 < 3000 ? session / 3 : 3000;
        ok = ok && set(conf, "enable.auto.commit", "false", err) &&
             set(conf, "enable.auto.offset.store", "false", err) &&
             set(conf, "auto.offset.reset", cfg->start_at_end ? "latest" : "earliest", err) &&
             set(conf, "allow.auto.create.topics", "true", err) &&
             set_int(conf, "session.timeout.ms", session, err) &&
             set_int(conf, "heartbeat.interval.ms", heartbeat > 100 ? heartbeat : 100, err);
    }
    for (size_t i = 0; ok && i < cfg->n_properties; i++) {
        const eventc_kafka_property *p = &cfg->properties[i];
        if (p->name == NULL || p->value == NULL) {
            eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "properties", "property %zu is NULL",
                             i);
            ok = false;
        } else {
            ok = set(conf, p->name, p->value, err);
        }
    }
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_opaque(conf, opaque);
    return conf;
}
