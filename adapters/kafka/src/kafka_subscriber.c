/* The Kafka subscriber: one librdkafka consumer in a consumer group, with the records it fetched
 * held in kafka_held.c's lists.
 *
 * Whoever calls fetch first while nothing is ready becomes the poller: it calls
 * rd_kafka_consumer_poll outside the lock, decodes each record outside the lock and inserts it
 * under the lock; other fetchers wait on the condition variable. Only the poller talks to the
 * consumer's assignment (pause, resume, commit, the rebalance callback runs inside its poll), so
 * those calls are serialised without a lock of their own. close wakes the poller with
 * rd_kafka_queue_yield. */
#define _POSIX_C_SOURCE 200809L
#include "kafka_held.h"
#include "kafka_internal.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records polled in one round before the poller hands out what it has. */
#define POLL_BATCH 256
/* The longest single poll: bounds how late a nack delay on another clock is noticed. */
#define POLL_SLICE_MS 100

typedef struct ksub {
    eventc_subscriber base;
    ek_common common;      /* rd_kafka_opaque() */
    rd_kafka_conf_t *conf; /* until subscribe */
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue; /* the consumer queue, to wake the poller */
    const eventc_ce_codec *codec;
    eventc_ce_options decode;
    const eventc_clock *clock;
    int commit_interval_ms;
    int drain_ms;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* records ready, a poll round over, a settle, close */
    kheld held;
    bool subscribed;
    bool polling;
    atomic_bool closed;
    bool consumer_closed;
    int64_t last_commit_ms;
    uint64_t received, malformed, commits, pauses, resumes;
    eventc_error failure; /* a fatal consumer error, reported by fetch */
} ksub;

static ksub *sub_of(rd_kafka_t *rk)
{
    return (ksub *)(void *)((char *)rd_kafka_opaque(rk) - offsetof(ksub, common));
}

static int64_t clock_now(ksub *s)
{
    return eventc_clock_now(s->clock);
}

/* ---- decoding a record (no lock) ---- */

/* The stand-in event of a record that is no readable CloudEvent (docs/messaging.md, 7.4). */
static void stand_in(krec *r, const rd_kafka_message_t *m, const char *topic)
{
    char id[400];
    snprintf(id, sizeof(id), "%s/%d/%lld", topic, (int)m->partition, (long long)m->offset);
    eventc_ce_event *ev = &r->msg.event;
    eventc_ce_clear(ev);
    eventc_status st = eventc_ce_set_id(ev, id, NULL);
    if (st == EVENTC_OK) {
        st = eventc_ce_set_source(ev, "/eventc/kafka", NULL);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_type(ev, "eventc.malformed", NULL);
    }
    if (st == EVENTC_OK && m->payload != NULL && m->len > 0) {
        st = eventc_ce_set_datacontenttype(ev, "application/octet-stream", NULL);
        if (st == EVENTC_OK) {
            st = eventc_ce_set_data_binary(ev, m->payload, m->len, NULL);
        }
    }
    (void)st; /* out of memory: a thinner stand-in; the reason still travels */
    r->msg.malformed = &r->why;
}

/* Turns librdkafka's headers into the binding's (NUL-terminated copies in @p text). A header
 * value holding a NUL byte, or a CloudEvents header without a value, breaks the binding. */
static eventc_status read_headers(const rd_kafka_message_t *m, eventc_header **out, size_t *n,
                                  eventc_buf *text, eventc_error *err)
{
    rd_kafka_headers_t *hdrs = NULL;
    *out = NULL;
    *n = 0;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == NULL) {
        return EVENTC_OK;
    }
    size_t count = rd_kafka_header_cnt(hdrs);
    /* Offsets into `text` first (it may move while it grows), pointers at the end. */
    size_t *at = malloc(count * 2 * sizeof(size_t) + 1);
    eventc_header *h = malloc(count * sizeof(*h) + 1);
    if (at == NULL || h == NULL) {
        free(at);
        free(h);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    size_t kept = 0;
    eventc_status st = EVENTC_OK;
    for (size_t i = 0; i < count && st == EVENTC_OK; i++) {
        const char *name;
        const void *value;
        size_t size;
        if (rd_kafka_header_get_all(hdrs, i, &name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            break;
        }
        bool binding = strncmp(name, "ce_", 3) == 0 || strncmp(name, "CE_", 3) == 0 ||
                       strcmp(name, "content-type") == 0 || strcmp(name, "Content-Type") == 0;
        if (value == NULL || memchr(value, '\0', size) != NULL) {
            if (binding) {
                st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, name, "header %s",
                                      value == NULL ? "has no value" : "holds a NUL byte");
            }
            continue; /* another protocol's header: not ours to judge */
        }
        at[2 * kept] = text->len;
        st = eventc_buf_append(text, name, strlen(name) + 1);
        at[2 * kept + 1] = text->len;
        if (st == EVENTC_OK) {
            st = eventc_buf_append(text, value, size);
        }
        if (st == EVENTC_OK) {
            st = eventc_buf_putc(text, '\0');
        }
        if (st != EVENTC_OK) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        kept++;
    }
    if (st == EVENTC_OK) {
        for (size_t i = 0; i < kept; i++) {
            h[i].name = text->data + at[2 * i];
            h[i].value = text->data + at[2 * i + 1];
        }
        *out = h;
        *n = kept;
    } else {
        free(h);
    }
    free(at);
    return st;
}

/* A record from librdkafka as a delivered message; malformed when it does not decode. NULL
 * when out of memory (the record is then fetched again: see poll_round). */
static krec *decode_record(ksub *s, const rd_kafka_message_t *m, const char *topic)
{
    krec *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return NULL;
    }
    eventc_message_init(&r->msg, NULL);
    r->msg.handle = r;
    r->owner = s;
    r->offset = m->offset;
    if (m->key != NULL) {
        r->key = malloc(m->key_len + 1);
        if (r->key == NULL) {
            free(r);
            return NULL;
        }
        memcpy(r->key, m->key, m->key_len);
        r->key[m->key_len] = '\0';
        r->key_len = m->key_len;
    }
    eventc_buf text;
    eventc_buf_init(&text, NULL);
    eventc_header *headers = NULL;
    size_t n_headers = 0;
    eventc_error_clear(&r->why);
    eventc_status st = read_headers(m, &headers, &n_headers, &text, &r->why);
    if (st == EVENTC_OK) {
        eventc_ce_message in;
        memset(&in, 0, sizeof(in));
        in.headers = headers;
        in.n_headers = n_headers;
        in.body = m->payload;
        in.body_len = m->payload != NULL ? m->len : 0;
        in.key = r->key;
        in.key_len = r->key_len;
        st = s->codec->decode(s->codec, &r->msg.event, &in, &s->decode, &r->why);
    }
    free(headers);
    eventc_buf_free(&text);
    if (st == EVENTC_E_NOMEM) {
        krec_free(r);
        return NULL;
    }
    if (st != EVENTC_OK) {
        if (r->why.code == EVENTC_OK) {
            eventc_error_set(&r->why, st, NULL, NULL);
        }
        stand_in(r, m, topic);
    }
    return r;
}

/* ---- talking to librdkafka (the poller only) ---- */

static void set_paused(ksub *s, kpart *p, bool pause)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    if (l == NULL) {
        return;
    }
    rd_kafka_topic_partition_list_add(l, p->topic, p->partition);
    if (pause) {
        rd_kafka_pause_partitions(s->rk, l);
    } else {
        rd_kafka_resume_partitions(s->rk, l);
    }
    rd_kafka_topic_partition_list_destroy(l);
}

/* Applies the pauses and resumes the held counts ask for. Called with the lock; releases it
 * around librdkafka's calls, which only the poller makes. */
static void apply_pauses(ksub *s)
{
    for (bool again = true; again;) {
        again = false;
        for (kpart *p = s->held.parts; p != NULL; p = p->next) {
            if (p->paused != p->want_paused && !p->revoking) {
                bool pause = p->want_paused;
                p->paused = pause;
                if (pause) {
                    s->pauses++;
                } else {
                    s->resumes++;
                }
                /* The partition cannot go away meanwhile: only the poller revokes. */
                pthread_mutex_unlock(&s->lock);
                set_paused(s, p, pause);
                pthread_mutex_lock(&s->lock);
                again = true; /* the list may have changed shape: start over */
                break;
            }
        }
    }
}

/* The commit list of the partitions in @p only (or every assigned one when @p only is NULL)
 * whose acked position moved past the last commit; NULL when there is nothing to commit. Marks
 * those positions committed. Called with the lock. */
static rd_kafka_topic_partition_list_t *commit_list(ksub *s,
                                                    const rd_kafka_topic_partition_list_t *only)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    for (kpart *p = s->held.parts; p != NULL; p = p->next) {
        if (p->ack_pos < 0 || p->ack_pos <= p->committed) {
            continue;
        }
        if (only != NULL &&
            rd_kafka_topic_partition_list_find(only, p->topic, p->partition) == NULL) {
            continue;
        }
        if (l == NULL && (l = rd_kafka_topic_partition_list_new(4)) == NULL) {
            return NULL;
        }
        rd_kafka_topic_partition_list_add(l, p->topic, p->partition)->offset = p->ack_pos;
        p->committed = p->ack_pos;
    }
    return l;
}

/* Commits what was acked: synchronously (revocation, close) or in the background. Called with
 * the lock, which it releases around the commit. */
static void commit_acked(ksub *s, const rd_kafka_topic_partition_list_t *only, bool sync)
{
    rd_kafka_topic_partition_list_t *l = commit_list(s, only);
    s->last_commit_ms = ek_mono_ms();
    if (l == NULL) {
        return;
    }
    s->commits++;
    pthread_mutex_unlock(&s->lock);
    rd_kafka_resp_err_t e = rd_kafka_commit(s->rk, l, sync ? 0 : 1);
    pthread_mutex_lock(&s->lock);
    if (sync && e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        /* Not committed: the positions count as uncommitted again (a later commit retries; a
         * revoked partition's new owner starts earlier, which only means redeliveries). */
        for (int i = 0; i < l->cnt; i++) {
            kpart *p = kheld_find(&s->held, l->elems[i].topic, l->elems[i].partition);
            if (p != NULL && p->committed == l->elems[i].offset) {
                p->committed = -1;
            }
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
}

/* A background commit that failed is tried again with the next one. A request-level error
 * (coordinator unavailable or moved, a timeout) may leave the partitions' own error codes unset,
 * so any error counts for every partition of the request: committing an offset again is
 * harmless, believing a lost commit made leaves the partition uncommitted until its next ack. */
static void commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    (void)opaque;
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR || offsets == NULL) {
        return;
    }
    ksub *s = sub_of(rk);
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < offsets->cnt; i++) {
        const rd_kafka_topic_partition_t *t = &offsets->elems[i];
        kpart *p = kheld_find(&s->held, t->topic, t->partition);
        if (p != NULL && p->committed == t->offset) {
            p->committed = -1;
        }
    }
    pthread_mutex_unlock(&s->lock);
}

/* The partitions of @p l are revoked: wait (bounded) for their in-flight records, commit what
 * was acked (unless they were lost), drop the rest. Called without the lock, inside
 * librdkafka's rebalance callback. */
static void revoke(ksub *s, const rd_kafka_topic_partition_list_t *l, bool commit)
{
    pthread_mutex_lock(&s->lock);
    size_t in_flight = 0;
    for (int i = 0; i < l->cnt; i++) {
        kpart *p = kheld_find(&s->held, l->elems[i].topic, l->elems[i].partition);
        if (p != NULL) {
            kheld_revoke_begin(&s->held, p);
            in_flight += p->in_flight;
        }
    }
    /* Records in other threads' hands may still be acked: give them the drain time, so their
     * acks are committed instead of redelivered by the new owner. */
    struct timespec until = ek_deadline(s->drain_ms);
    while (in_flight > 0 && commit && !atomic_load(&s->closed)) {
        if (pthread_cond_timedwait(&s->changed, &s->lock, &until) != 0) {
            break;
        }
        in_flight = 0;
        for (int i = 0; i < l->cnt; i++) {
            kpart *p = kheld_find(&s->held, l->elems[i].topic, l->elems[i].partition);
            in_flight += p != NULL ? p->in_flight : 0;
        }
    }
    /* Committed in the background: a synchronous commit inside librdkafka's callback can wait
     * forever while the group terminates, and librdkafka finishes its commits in progress
     * before the unassignment completes. On close, ksub_close committed already. */
    if (commit && !atomic_load(&s->closed)) {
        commit_acked(s, l, false);
    }
    /* librdkafka keeps a partition paused by the application across assignments: resume it
     * now, or it would never be fetched again if it comes back. */
    rd_kafka_topic_partition_list_t *paused = NULL;
    for (int i = 0; i < l->cnt; i++) {
        kpart *p = kheld_find(&s->held, l->elems[i].topic, l->elems[i].partition);
        if (p != NULL) {
            if (p->paused && (paused != NULL || (paused = rd_kafka_topic_partition_list_new(1)))) {
                rd_kafka_topic_partition_list_add(paused, p->topic, p->partition);
            }
            kheld_revoke_end(&s->held, p);
        }
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    if (paused != NULL) {
        rd_kafka_resume_partitions(s->rk, paused);
        rd_kafka_topic_partition_list_destroy(paused);
    }
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    (void)opaque;
    ksub *s = sub_of(rk);
    const char *protocol = rd_kafka_rebalance_protocol(rk);
    bool cooperative = protocol != NULL && strcmp(protocol, "COOPERATIVE") == 0;
    if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        pthread_mutex_lock(&s->lock);
        for (int i = 0; i < parts->cnt; i++) {
            /* Out of memory: the partition is fetched and its records dropped, none committed;
             * the next rebalance hands it out again. */
            (void)kheld_assign(&s->held, parts->elems[i].topic, parts->elems[i].partition);
        }
        pthread_mutex_unlock(&s->lock);
        if (cooperative) {
            rd_kafka_error_t *error = rd_kafka_incremental_assign(rk, parts);
            if (error != NULL) {
                rd_kafka_error_destroy(error);
            }
        } else {
            rd_kafka_assign(rk, parts);
        }
    } else {
        bool lost = e != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk);
        revoke(s, parts, !lost);
        if (cooperative) {
            rd_kafka_error_t *error = rd_kafka_incremental_unassign(rk, parts);
            if (error != NULL) {
                rd_kafka_error_destroy(error);
            }
        } else {
            rd_kafka_assign(rk, NULL);
        }
    }
}

/* One poll round by the poller: up to POLL_BATCH records, the first waited for up to
 * @p wait_ms. Called with the lock, which it releases while polling and decoding. */
static void poll_round(ksub *s, int wait_ms, size_t want)
{
    apply_pauses(s);
    for (size_t got = 0; got < POLL_BATCH; got++) {
        if (atomic_load(&s->closed) || (got > 0 && s->held.n_ready >= want)) {
            break;
        }
        if (s->held.spare == NULL) {
            s->held.spare = malloc(sizeof(kkey));
        }
        pthread_mutex_unlock(&s->lock);
        rd_kafka_message_t *m = rd_kafka_consumer_poll(s->rk, got == 0 ? wait_ms : 0);
        krec *r = NULL;
        char topic[256] = "";
        if (m != NULL && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            snprintf(topic, sizeof(topic), "%s", rd_kafka_topic_name(m->rkt));
            r = decode_record(s, m, topic);
            if (r == NULL) {
                /* Out of memory: read it again later rather than lose it. */
                rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
                if (l != NULL) {
                    rd_kafka_topic_partition_list_add(l, topic, m->partition)->offset = m->offset;
                    rd_kafka_error_t *error = rd_kafka_seek_partitions(s->rk, l, 1000);
                    if (error != NULL) {
                        rd_kafka_error_destroy(error);
                    }
                    rd_kafka_topic_partition_list_destroy(l);
                }
            }
        }
        pthread_mutex_lock(&s->lock);
        if (m == NULL) {
            break;
        }
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
                char why[256];
                rd_kafka_fatal_error(s->rk, why, sizeof(why));
                eventc_error_set(&s->failure, EVENTC_E_UNAVAILABLE, NULL,
                                 "the consumer failed for good: %s", why);
            } else if (m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                       m->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
                ek_fail(&s->failure, m->err, NULL, "consumer");
            }
            /* Anything else (end of partition, a broker down, a topic not there yet) is
             * librdkafka telling us what it retries by itself. */
        } else if (r != NULL) {
            s->received++;
            if (r->msg.malformed != NULL) {
                s->malformed++;
            }
            kpart *p = NULL;
            if (kheld_insert(&s->held, r, topic, m->partition)) {
                p = kheld_find(&s->held, topic, m->partition);
            }
            if (p != NULL && p->want_paused && !p->paused) {
                apply_pauses(s);
            }
        }
        pthread_mutex_unlock(&s->lock);
        rd_kafka_message_destroy(m);
        pthread_mutex_lock(&s->lock);
    }
    if (s->commit_interval_ms >= 0 && ek_mono_ms() - s->last_commit_ms >= s->commit_interval_ms) {
        commit_acked(s, NULL, false);
    }
    apply_pauses(s);
}

/* ---- the port ---- */

static eventc_status ksub_subscribe(eventc_subscriber *base, const char *topic, const char *group,
                                    eventc_error *err)
{
    ksub *s = (ksub *)base;
    if (topic == NULL || topic[0] == '\0' || group == NULL || group[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "a topic and a group");
    }
    pthread_mutex_lock(&s->lock);
    eventc_status st = EVENTC_OK;
    if (atomic_load(&s->closed)) {
        st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
    } else if (s->subscribed) {
        st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "already subscribed");
    }
    pthread_mutex_unlock(&s->lock);
    if (st != EVENTC_OK) {
        return st;
    }
    char why[512];
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    if (topics == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    for (const char *t = topic; st == EVENTC_OK;) {
        const char *end = strchr(t, ',');
        size_t len = end != NULL ? (size_t)(end - t) : strlen(t);
        if (len == 0 || len >= 250) {
            st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic",
                                  "an empty or too long topic name in '%s'", topic);
            break;
        }
        char name[256];
        memcpy(name, t, len);
        name[len] = '\0';
        rd_kafka_topic_partition_list_add(topics, name, RD_KAFKA_PARTITION_UA);
        if (end == NULL) {
            break;
        }
        t = end + 1;
    }
    if (st == EVENTC_OK &&
        rd_kafka_conf_set(s->conf, "group.id", group, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
        st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "group", "%s", why);
    }
    if (st == EVENTC_OK) {
        s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, s->conf, why, sizeof(why));
        if (s->rk == NULL) {
            st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "%s", why);
        } else {
            s->conf = NULL; /* the handle owns it */
            rd_kafka_poll_set_consumer(s->rk);
            s->queue = rd_kafka_queue_get_consumer(s->rk);
            rd_kafka_resp_err_t e = rd_kafka_subscribe(s->rk, topics);
            if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
                st = ek_fail(err, e, "topic", "subscribe");
            }
        }
    }
    rd_kafka_topic_partition_list_destroy(topics);
    if (st == EVENTC_OK) {
        pthread_mutex_lock(&s->lock);
        s->subscribed = true;
        s->last_commit_ms = ek_mono_ms();
        pthread_mutex_unlock(&s->lock);
    }
    return st;
}

static eventc_status ksub_fetch(eventc_subscriber *base, size_t max, int timeout_ms,
                                eventc_message **out, size_t *n, eventc_error *err)
{
    ksub *s = (ksub *)base;
    *n = 0;
    if (max == 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "max is 0");
    }
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : ek_mono_ms() + timeout_ms;
    pthread_mutex_lock(&s->lock);
    eventc_status st = EVENTC_OK;
    bool polled = false;
    for (;;) {
        if (atomic_load(&s->closed)) {
            st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
            break;
        }
        if (!s->subscribed) {
            st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "not subscribed");
            break;
        }
        if (s->failure.code != EVENTC_OK) {
            st = s->failure.code;
            if (err != NULL) {
                *err = s->failure;
            }
            break;
        }
        kheld_promote(&s->held, clock_now(s));
        krec *r;
        while (*n < max && (r = kheld_take(&s->held)) != NULL) {
            out[(*n)++] = &r->msg;
        }
        if (*n > 0) {
            break;
        }
        int64_t now = ek_mono_ms();
        /* Even without time to wait, what librdkafka already has is looked at once. */
        if (now >= deadline && (polled || s->polling)) {
            st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, "nothing to fetch in %d ms",
                                  timeout_ms);
            break;
        }
        int64_t wait = deadline > now ? deadline - now : 0;
        int64_t next = kheld_next_ready_at(&s->held);
        if (next != INT64_MAX) {
            int64_t until = next - clock_now(s);
            wait = until < wait ? (until > 0 ? until : 0) : wait;
        }
        if (wait > POLL_SLICE_MS) {
            wait = POLL_SLICE_MS;
        }
        if (!s->polling) {
            s->polling = true;
            polled = true;
            poll_round(s, (int)wait, max);
            s->polling = false;
            pthread_cond_broadcast(&s->changed);
        } else {
            struct timespec until = ek_deadline(wait > 0 ? wait : 1);
            pthread_cond_timedwait(&s->changed, &s->lock, &until);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* Checks that @p m is an unsettled message of @p s; sets err otherwise. */
static krec *settling(ksub *s, eventc_message *m, eventc_error *err, eventc_status *st)
{
    krec *r = m != NULL ? (krec *)m->handle : NULL;
    if (r == NULL || &r->msg != m || r->owner != s) {
        *st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                               "not a message this subscriber delivered");
        return NULL;
    }
    if (atomic_load(&s->closed)) {
        *st = eventc_error_set(err, EVENTC_E_CLOSED, NULL,
                               "the subscriber is closed; the message goes back to the group");
        return NULL;
    }
    if (r->state != KREC_INFLIGHT) {
        *st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "the message is settled");
        return NULL;
    }
    if (r->part->revoked) {
        kheld_settle_orphan(&s->held, r);
        *st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL,
                               "its partition was revoked first: the new owner redelivers it");
        return NULL;
    }
    *st = EVENTC_OK;
    return r;
}

/* Wakes whoever waits for ready records or a drained revocation after a settle. */
static void settled(ksub *s, bool readied)
{
    pthread_cond_broadcast(&s->changed);
    if (readied && s->polling && s->queue != NULL) {
        rd_kafka_queue_yield(s->queue); /* the poller hands out what became ready */
    }
}

static eventc_status ksub_ack(eventc_subscriber *base, eventc_message *m, eventc_error *err)
{
    ksub *s = (ksub *)base;
    eventc_status st;
    pthread_mutex_lock(&s->lock);
    krec *r = settling(s, m, err, &st);
    if (r != NULL) {
        settled(s, kheld_ack(&s->held, r));
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static eventc_status ksub_nack(eventc_subscriber *base, eventc_message *m, uint32_t delay_ms,
                               eventc_error *err)
{
    ksub *s = (ksub *)base;
    eventc_status st;
    pthread_mutex_lock(&s->lock);
    krec *r = settling(s, m, err, &st);
    if (r != NULL) {
        int64_t now = clock_now(s);
        bool readied = kheld_nack(&s->held, r, now + (int64_t)delay_ms, now);
        settled(s, readied || delay_ms > 0);
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static void ksub_close(eventc_subscriber *base)
{
    ksub *s = (ksub *)base;
    pthread_mutex_lock(&s->lock);
    if (atomic_load(&s->closed)) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    atomic_store(&s->closed, true);
    pthread_cond_broadcast(&s->changed);
    while (s->polling) {
        if (s->queue != NULL) {
            rd_kafka_queue_yield(s->queue);
        }
        struct timespec until = ek_deadline(10);
        pthread_cond_timedwait(&s->changed, &s->lock, &until);
    }
    if (s->rk != NULL) {
        commit_acked(s, NULL, true);
    }
    pthread_mutex_unlock(&s->lock);
    if (s->rk != NULL) {
        /* Leaves the group (the revocation runs here, without waiting: the subscriber is
         * closed): unsettled records go to the partitions' next owners. */
        rd_kafka_consumer_close(s->rk);
    }
}

static void ksub_destroy(eventc_subscriber *base)
{
    ksub *s = (ksub *)base;
    ksub_close(base);
    if (s->queue != NULL) {
        rd_kafka_queue_destroy(s->queue);
    }
    if (s->rk != NULL) {
        rd_kafka_destroy(s->rk);
    }
    if (s->conf != NULL) {
        rd_kafka_conf_destroy(s->conf);
    }
    kheld_free(&s->held);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const eventc_subscriber_methods ksub_methods = {
    EVENTC_SUBSCRIBER_VERSION,
    "kafka",
    ksub_subscribe,
    ksub_fetch,
    ksub_ack,
    ksub_nack,
    ksub_close,
    ksub_destroy,
};

eventc_subscriber *eventc_kafka_subscriber_new(const eventc_kafka_config *cfg, eventc_error *err)
{
    if (cfg != NULL &&
        (cfg->max_buffered == 0 || cfg->session_timeout_ms <= 0 || cfg->rebalance_drain_ms < 0)) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                         "max_buffered and session_timeout_ms must be > 0, rebalance_drain_ms "
                         ">= 0");
        return NULL;
    }
    ksub *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    s->base.methods = &ksub_methods;
    pthread_mutex_init(&s->lock, NULL);
    if (ek_cond_init(&s->changed) != 0) {
        pthread_mutex_destroy(&s->lock);
        free(s);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "cannot make a condition variable");
        return NULL;
    }
    atomic_init(&s->closed, false);
    s->conf = ek_conf_new(cfg, false, &s->common, err);
    if (s->conf == NULL) {
        ksub_destroy(&s->base);
        return NULL;
    }
    rd_kafka_conf_set_rebalance_cb(s->conf, rebalance_cb);
    rd_kafka_conf_set_offset_commit_cb(s->conf, commit_cb);
    s->common.on_log = cfg->on_log;
    s->common.log_ctx = cfg->log_ctx;
    s->codec = cfg->codec != NULL ? cfg->codec : eventc_ce_codec_kafka(EVENTC_CE_MODE_BINARY);
    s->decode = cfg->decode != NULL ? *cfg->decode : eventc_ce_options_default();
    s->clock = cfg->clock;
    s->commit_interval_ms = cfg->commit_interval_ms;
    s->drain_ms = cfg->rebalance_drain_ms;
    s->held.max_buffered = cfg->max_buffered;
    s->held.resume_mark = cfg->max_buffered / 2;
    return &s->base;
}

eventc_subscriber *eventc_kafka_subscriber_factory(void *ctx, const char *topic, eventc_error *err)
{
    (void)topic;
    return eventc_kafka_subscriber_new(ctx, err);
}

eventc_status eventc_kafka_subscriber_stats(eventc_subscriber *sub, eventc_kafka_stats *out)
{
    if (sub == NULL || out == NULL || sub->methods != &ksub_methods) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    ksub *s = (ksub *)sub;
    pthread_mutex_lock(&s->lock);
    *out = s->held.stats;
    out->received = s->received;
    out->malformed = s->malformed;
    out->commits = s->commits;
    out->pauses = s->pauses;
    out->resumes = s->resumes;
    out->held = out->in_flight = out->assigned = out->paused = out->draining = 0;
    for (kpart *p = s->held.parts; p != NULL; p = p->next) {
        out->held += p->held;
        out->in_flight += p->in_flight;
        out->assigned++;
        out->paused += p->paused;
        out->draining += p->revoking;
    }
    for (kpart *p = s->held.orphans; p != NULL; p = p->next) {
        out->in_flight += p->in_flight;
    }
    pthread_mutex_unlock(&s->lock);
    return EVENTC_OK;
}
