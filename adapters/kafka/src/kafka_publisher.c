/* The Kafka publisher: an idempotent librdkafka producer. publish enqueues every message with
 * a slot for its outcome, and waits until the delivery report of each has filled its slot. The
 * reports are served by one thread per publisher that polls the producer. */
#define _POSIX_C_SOURCE 200809L
#include "kafka_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kpub {
    eventc_publisher base;
    ek_common common; /* rd_kafka_opaque() */
    rd_kafka_t *rk;
    const eventc_ce_codec *codec;
    int queue_timeout_ms;
    int close_timeout_ms;
    pthread_mutex_t lock; /* the batches' counters */
    pthread_cond_t done;  /* a batch completed */
    pthread_t poller;
    atomic_bool stop;
    bool poller_started;
} kpub;

/* One publish call: how many reports are still due, and the first
 * failure in array order. Guarded by the publisher's lock. */
typedef struct batch {
    size_t pending;
    eventc_error *outcomes; /* the caller's, may be NULL */
    size_t n;
    size_t first; /* index of the first failure so far; n when none */
    eventc_error first_err;
} batch;

/* What a record carries to its delivery report (rd_kafka_message_t._private). */
typedef struct slot {
    batch *b;
    size_t i;
} slot;

/* Records the failure of message i (under the lock). */
static void batch_fail(batch *b, size_t i, const eventc_error *e)
{
    if (b->outcomes != NULL) {
        b->outcomes[i] = *e;
    }
    if (i < b->first) {
        b->first = i;
        b->first_err = *e;
    }
}

static kpub *pub_of(rd_kafka_t *rk)
{
    return (kpub *)(void *)((char *)rd_kafka_opaque(rk) - offsetof(kpub, common));
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)opaque;
    kpub *p = pub_of(rk);
    if (m->_private == NULL) {
        return;
    }
    eventc_error e;
    eventc_error_clear(&e);
    if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        char why[256];
        rd_kafka_fatal_error(rk, why, sizeof(why));
        eventc_error_set(&e, EVENTC_E_UNAVAILABLE, NULL,
                         "the producer failed for good (make a new one): %s", why);
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        char what[300];
        snprintf(what, sizeof(what), "delivery to %s", rd_kafka_topic_name(m->rkt));
        ek_fail(&e, m->err, NULL, what);
    }
    /* The slot was written under the lock before the record was enqueued: read it under the
     * lock too (librdkafka's own queues are no synchronisation ThreadSanitizer sees). */
    pthread_mutex_lock(&p->lock);
    slot *s = m->_private;
    batch *b = s->b;
    if (e.code != EVENTC_OK) {
        batch_fail(b, s->i, &e);
    }
    if (--b->pending == 0) {
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
}

static void *poll_reports(void *arg)
{
    kpub *p = arg;
    while (!atomic_load(&p->stop)) {
        rd_kafka_poll(p->rk, 100);
    }
    return NULL;
}

/* Enqueues one encoded record, waiting up to the queue timeout for room. */
static rd_kafka_resp_err_t enqueue(kpub *p, const char *topic, const eventc_ce_message *rec,
                                   const char *key, size_t key_len, slot *s)
{
    int64_t give_up = ek_mono_ms() + p->queue_timeout_ms;
    for (;;) {
        rd_kafka_headers_t *hdrs = rd_kafka_headers_new(rec->n_headers);
        if (hdrs == NULL) {
            return RD_KAFKA_RESP_ERR__FAIL;
        }
        for (size_t h = 0; h < rec->n_headers; h++) {
            rd_kafka_header_add(hdrs, rec->headers[h].name, -1, rec->headers[h].value, -1);
        }
        /* rd_kafka_produceva rather than the RD_KAFKA_V_ macros: those are GNU extensions. */
        rd_kafka_vu_t vu[6];
        vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vu[0].u.cstr = topic;
        vu[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[1].u.i = RD_KAFKA_MSG_F_COPY;
        vu[2].vtype = RD_KAFKA_VTYPE_KEY;
        vu[2].u.mem.ptr = (void *)key;
        vu[2].u.mem.size = key_len;
        vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[3].u.mem.ptr = (void *)rec->body;
        vu[3].u.mem.size = rec->body_len;
        vu[4].vtype = RD_KAFKA_VTYPE_HEADERS;
        vu[4].u.headers = hdrs;
        vu[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
        vu[5].u.ptr = s;
        rd_kafka_error_t *error = rd_kafka_produceva(p->rk, vu, 6);
        rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (error != NULL) {
            e = rd_kafka_error_code(error);
            rd_kafka_error_destroy(error);
        }
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return e; /* the headers belong to the record now */
        }
        rd_kafka_headers_destroy(hdrs);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || ek_mono_ms() >= give_up) {
            return e;
        }
        /* The poller drains the queue as reports come in; wait for one. */
        pthread_mutex_lock(&p->lock);
        struct timespec until = ek_deadline(5);
        pthread_cond_timedwait(&p->done, &p->lock, &until);
        pthread_mutex_unlock(&p->lock);
    }
}

static eventc_status kpub_publish(eventc_publisher *base, const char *topic,
                                  const eventc_message *const *msgs, size_t n,
                                  eventc_error *outcomes, eventc_error *err)
{
    kpub *p = (kpub *)base;
    slot *slots = malloc(n * sizeof(*slots));
    if (slots == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    batch b;
    memset(&b, 0, sizeof(b));
    b.outcomes = outcomes;
    b.n = n;
    b.first = n;
    eventc_ce_message rec;
    eventc_ce_message_init(&rec, NULL);
    /* Once the local queue stayed full (or librdkafka refused a record), later messages are
     * not tried: a later message of a key must not overtake one that failed. */
    bool stop = false;
    for (size_t i = 0; i < n; i++) {
        eventc_error e;
        eventc_error_clear(&e);
        const eventc_message *m = msgs[i];
        const char *t = topic != NULL ? topic : m->topic;
        if (outcomes != NULL) {
            eventc_error_clear(&outcomes[i]);
        }
        eventc_status st;
        if (stop) {
            st = eventc_error_set(&e, EVENTC_E_UNAVAILABLE, NULL,
                                  "not published: an earlier message of the call failed");
        } else if (t == NULL || t[0] == '\0') {
            st = eventc_error_set(&e, EVENTC_E_INVALID_ARGUMENT, NULL, "no topic");
        } else {
            st = p->codec->encode(p->codec, &m->event, &rec, &e);
        }
        if (st == EVENTC_OK) {
            /* The routing's key wins over the binding's (the partitionkey extension). */
            const char *key = m->key != NULL ? m->key : rec.key;
            size_t key_len = m->key != NULL ? strlen(m->key) : rec.key_len;
            pthread_mutex_lock(&p->lock);
            slots[i].b = &b;
            slots[i].i = i;
            b.pending++;
            pthread_mutex_unlock(&p->lock);
            rd_kafka_resp_err_t ke = enqueue(p, t, &rec, key, key_len, &slots[i]);
            if (ke != RD_KAFKA_RESP_ERR_NO_ERROR) {
                if (ke == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    st = eventc_error_set(&e, EVENTC_E_FULL, NULL,
                                          "the local queue stayed full for %d ms",
                                          p->queue_timeout_ms);
                } else {
                    st = ek_fail(&e, ke, NULL, "enqueue");
                }
                stop = true;
                pthread_mutex_lock(&p->lock);
                b.pending--;
                pthread_mutex_unlock(&p->lock);
            }
        }
        if (st != EVENTC_OK) {
            pthread_mutex_lock(&p->lock);
            batch_fail(&b, i, &e);
            pthread_mutex_unlock(&p->lock);
        }
    }
    eventc_ce_message_clear(&rec);
    pthread_mutex_lock(&p->lock);
    while (b.pending > 0) {
        pthread_cond_wait(&p->done, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    eventc_status result = EVENTC_OK;
    if (b.first < n) {
        result = b.first_err.code;
        if (err != NULL) {
            *err = b.first_err;
            snprintf(err->path, sizeof(err->path), "[%zu]", b.first);
        }
    }
    free(slots);
    return result;
}

static eventc_status kpub_flush(eventc_publisher *base, int timeout_ms, eventc_error *err)
{
    kpub *p = (kpub *)base;
    rd_kafka_resp_err_t e = rd_kafka_flush(p->rk, timeout_ms < 0 ? -1 : timeout_ms);
    if (e == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        return eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, "%d records still undelivered",
                                rd_kafka_outq_len(p->rk));
    }
    return e == RD_KAFKA_RESP_ERR_NO_ERROR ? EVENTC_OK : ek_fail(err, e, NULL, "flush");
}

static void kpub_free(kpub *p)
{
    if (p->poller_started) {
        atomic_store(&p->stop, true);
        pthread_join(p->poller, NULL);
    }
    if (p->rk != NULL) {
        rd_kafka_destroy(p->rk);
    }
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void kpub_close(eventc_publisher *base)
{
    kpub *p = (kpub *)base;
    /* publish waits for its reports, so only records of a publish that failed half way can be
     * outstanding; librdkafka reports them (delivered or failed) within the flush. */
    (void)rd_kafka_flush(p->rk, p->close_timeout_ms);
    kpub_free(p);
}

static const eventc_publisher_methods kpub_methods = {
    EVENTC_PUBLISHER_VERSION, "kafka", kpub_publish, kpub_flush, kpub_close,
};

eventc_publisher *eventc_kafka_publisher_new(const eventc_kafka_config *cfg, eventc_error *err)
{
    if (cfg != NULL && (cfg->delivery_timeout_ms <= 0 || cfg->queue_timeout_ms < 0 ||
                        cfg->max_queued == 0 || cfg->max_message_bytes == 0)) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                         "delivery_timeout_ms, max_queued and max_message_bytes must be > 0, "
                         "queue_timeout_ms >= 0");
        return NULL;
    }
    kpub *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    p->base.methods = &kpub_methods;
    pthread_mutex_init(&p->lock, NULL);
    if (ek_cond_init(&p->done) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "cannot make a condition variable");
        return NULL;
    }
    atomic_init(&p->stop, false);
    rd_kafka_conf_t *conf = ek_conf_new(cfg, true, &p->common, err);
    if (conf == NULL) {
        kpub_free(p);
        return NULL;
    }
    p->common.on_log = cfg->on_log;
    p->common.log_ctx = cfg->log_ctx;
    p->codec = cfg->codec != NULL ? cfg->codec : eventc_ce_codec_kafka(EVENTC_CE_MODE_BINARY);
    p->queue_timeout_ms = cfg->queue_timeout_ms;
    p->close_timeout_ms = cfg->close_timeout_ms;
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    char why[512];
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
    if (p->rk == NULL) {
        rd_kafka_conf_destroy(conf);
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "%s", why);
        kpub_free(p);
        return NULL;
    }
    if (pthread_create(&p->poller, NULL, poll_reports, p) != 0) {
        eventc_error_set(err, EVENTC_E_IO, NULL, "cannot start the delivery report thread");
        kpub_free(p);
        return NULL;
    }
    p->poller_started = true;
    return &p->base;
}
