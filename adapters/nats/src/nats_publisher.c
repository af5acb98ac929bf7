/* The NATS JetStream publisher: the CloudEvents NATS binding, one JetStream message per event
 * with its dedupe key as Nats-Msg-Id, sent asynchronously with a reply subject of our own per
 * message; the server's acknowledgement (or its error) arrives there.
 *
 * No callback of the client ever runs into this object: acknowledgements are read from a
 * synchronous subscription by whichever publishing thread is waiting (one at a time), and the
 * connection does not reconnect by itself. A lost connection is noticed by that reader (the
 * subscription reports it closed), every message waiting on it is marked for a resend, and the
 * next round connects again. So a message is never sent before an earlier message of its call
 * that still waits to be sent again, and nothing is buffered by the client while disconnected. */
#define _POSIX_C_SOURCE 200809L
#include "nats_internal.h"

#include <eventc/dedupe.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a reader waits on the acknowledgement subscription before it looks around again. */
#define READ_SLICE_MS 50

enum { SLOT_TODO, SLOT_SENT, SLOT_DONE };

/* One message of a publish call. */
typedef struct pub_slot {
    size_t *call_sent;         /* the call's count of SENT slots */
    const eventc_message *msg; /* borrowed for the call */
    bool prepared;             /* encoded */
    const char *topic_name;    /* borrowed for the call */
    const char *msg_key;       /* borrowed for the call */
    struct topic_entry *topic;
    eventc_ce_message enc; /* headers and payload, kept for resends */
    const char *subject;   /* owned by the topic cache */
    char *msg_id;          /* percent-encoded dedupe key */
    char *key;             /* percent-encoded key, or NULL when the receiver derives it */
    int state;
    bool retry;     /* the last try failed in a way a resend may cure */
    unsigned table; /* index in the in-flight table while SENT */
    int64_t sent_at;
    eventc_error err; /* the outcome once DONE */
} pub_slot;

/* One connection and what hangs on it; replaced as a whole when lost. */
typedef struct pub_conn {
    natsConnection *nc;
    jsCtx *js;
    natsSubscription *acks;
    char inbox[64];
    unsigned refs;
    bool lost;
} pub_conn;

/* A message waiting for its acknowledgement: found by the token of its reply subject. */
typedef struct inflight {
    pub_slot *slot;  /* NULL: free */
    uint32_t serial; /* bumped at each use, so a late acknowledgement of an earlier use is
                        recognised */
    unsigned next_free;
} inflight;

typedef struct topic_entry {
    char *topic;
    nats_stream stream;
    char **subjects; /* one per partition (or the topic itself) */
    unsigned count;
    struct topic_entry *next;
} topic_entry;

typedef struct nats_pub {
    eventc_publisher base;
    nats_conf conf;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    pub_conn *conn;  /* NULL while disconnected */
    bool connecting; /* a thread is making conn */
    bool reading;    /* a thread is reading acknowledgements */
    unsigned gen;    /* connections made */
    inflight *table; /* max_pending entries */
    unsigned free_head;
    size_t in_flight;
    int64_t last_expire;
    bool recheck; /* a "no responders" came back: check the streams again */
    pthread_mutex_t topics_mu;
    topic_entry *topics;
    atomic_uint round_robin;
    eventc_nats_publisher_stats stats;
} nats_pub;

static const eventc_publisher_methods pub_methods;

/* Frees in-flight entry idx (under mu) and takes its slot out of SENT. */
static pub_slot *unflight(struct nats_pub *p, unsigned idx);

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits on p->cond until `until` (monotonic ms) at the latest. */
static void wait_until(nats_pub *p, int64_t until)
{
    struct timespec ts;
    int64_t ms = until;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    pthread_cond_timedwait(&p->cond, &p->mu, &ts);
}

static void sleep_ms(int64_t ms)
{
    if (ms <= 0) {
        return;
    }
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pub_slot *unflight(nats_pub *p, unsigned idx)
{
    inflight *f = &p->table[idx];
    pub_slot *s = f->slot;
    f->slot = NULL;
    f->next_free = p->free_head;
    p->free_head = idx;
    p->in_flight--;
    s->state = SLOT_TODO;
    (*s->call_sent)--;
    return s;
}

/* ---- connections ---- */

static void conn_destroy(pub_conn *c)
{
    if (c == NULL) {
        return;
    }
    natsSubscription_Destroy(c->acks);
    jsCtx_Destroy(c->js);
    natsConnection_Destroy(c->nc);
    free(c);
}

static eventc_status conn_open(nats_pub *p, pub_conn **out, eventc_error *err)
{
    pub_conn *c = calloc(1, sizeof(*c));
    natsInbox *inbox = NULL;
    char subject[80];
    eventc_status st;
    *out = NULL;
    if (c == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    st = nats_connect(&p->conf, false, &c->nc, err);
    if (st == EVENTC_OK) {
        natsStatus s = natsConnection_JetStream(&c->js, c->nc, NULL);
        if (s == NATS_OK) {
            s = natsInbox_Create(&inbox);
        }
        if (s == NATS_OK) {
            snprintf(c->inbox, sizeof(c->inbox), "%s", (const char *)inbox);
            snprintf(subject, sizeof(subject), "%s.*.*", c->inbox);
            s = natsConnection_SubscribeSync(&c->acks, c->nc, subject);
        }
        if (s == NATS_OK) {
            /* Bounded by max_pending, never by the client's limits. */
            s = natsSubscription_SetPendingLimits(c->acks, -1, -1);
        }
        natsInbox_Destroy(inbox);
        if (s != NATS_OK) {
            st = nats_fail(err, s, "cannot set up the publisher's connection");
        }
    }
    if (st != EVENTC_OK) {
        conn_destroy(c);
        return st;
    }
    c->refs = 1; /* the publisher's own */
    *out = c;
    return EVENTC_OK;
}

static void conn_release(nats_pub *p, pub_conn *c)
{
    (void)p;
    if (c != NULL && --c->refs == 0) {
        conn_destroy(c);
    }
}

/* Marks the current connection lost (under mu): every message waiting on it goes back to be
 * sent again, and the publisher drops its reference. */
static void conn_lost(nats_pub *p, pub_conn *c)
{
    if (c == NULL || c->lost) {
        return;
    }
    c->lost = true;
    for (unsigned i = 0; p->in_flight > 0 && i < p->conf.cfg.max_pending; i++) {
        if (p->table[i].slot != NULL) {
            pub_slot *s = unflight(p, i);
            s->retry = true;
            eventc_error_set(&s->err, EVENTC_E_UNAVAILABLE, NULL,
                             "the connection to the server was lost");
        }
    }
    if (p->conn == c) {
        p->conn = NULL;
        conn_release(p, c);
    }
    pthread_cond_broadcast(&p->cond);
}

/* Returns the current connection with a reference taken (under mu), connecting when there is
 * none. NULL with err set when the connection cannot be made. */
static pub_conn *conn_get(nats_pub *p, eventc_error *err)
{
    while (p->conn == NULL && p->connecting) {
        wait_until(p, now_ms() + READ_SLICE_MS);
    }
    if (p->conn != NULL && natsConnection_IsClosed(p->conn->nc)) {
        conn_lost(p, p->conn); /* found closed with nothing in flight to notice it */
    }
    if (p->conn == NULL) {
        pub_conn *c = NULL;
        p->connecting = true;
        pthread_mutex_unlock(&p->mu);
        eventc_status st = conn_open(p, &c, err);
        pthread_mutex_lock(&p->mu);
        p->connecting = false;
        pthread_cond_broadcast(&p->cond);
        if (st != EVENTC_OK) {
            return NULL;
        }
        if (p->gen++ > 0) {
            p->stats.reconnects++;
        }
        p->conn = c;
    }
    p->conn->refs++;
    return p->conn;
}

/* ---- acknowledgements ---- */

/* Reads the JSON acknowledgement of a publish: {"stream":..,"seq":..[,"duplicate":true]} or
 * {"error":{"code":..,"err_code":..,"description":".."}}. */
static void parse_ack(const char *d, int len, pub_slot *s, eventc_nats_publisher_stats *stats)
{
    char text[512];
    size_t n = len < 0 ? 0 : (size_t)len;
    if (n >= sizeof(text)) {
        n = sizeof(text) - 1;
    }
    memcpy(text, d != NULL ? d : "", n);
    text[n] = '\0';
    const char *e = strstr(text, "\"error\"");
    if (e == NULL && strstr(text, "\"seq\"") != NULL) {
        eventc_error_clear(&s->err);
        stats->acked++;
        const char *dup = strstr(text, "\"duplicate\"");
        if (dup != NULL) {
            dup += 11;
            while (*dup == ' ' || *dup == ':') {
                dup++;
            }
            stats->duplicates += strncmp(dup, "true", 4) == 0;
        }
        return;
    }
    long code = 0;
    const char *c = e ? strstr(e, "\"err_code\":") : NULL;
    if (c != NULL) {
        code = strtol(c + 11, NULL, 10);
    }
    const char *desc = e ? strstr(e, "\"description\":\"") : NULL;
    char why[300] = "a malformed acknowledgement";
    if (desc != NULL) {
        desc += 15;
        size_t k = 0;
        while (desc[k] != '\0' && desc[k] != '"' && k + 1 < sizeof(why)) {
            why[k] = desc[k];
            k++;
        }
        why[k] = '\0';
    }
    /* 10077 and 10023: the stream or the server is out of room. 503 codes: unavailable. */
    eventc_status st =
        code == 10077 || code == 10023 || code == 10047 ? EVENTC_E_FULL : EVENTC_E_IO;
    eventc_error_set(&s->err, st, NULL, "the server refused the message: %s (err_code %ld)", why,
                     code);
    s->retry = strstr(text, "\"code\":503") != NULL;
}

/* Settles the in-flight entry an acknowledgement message is for (under mu). */
static void dispatch_ack(nats_pub *p, pub_conn *c, natsMsg *m)
{
    const char *subject = natsMsg_GetSubject(m);
    size_t pre = strlen(c->inbox);
    unsigned long idx, serial;
    char *end = NULL;
    if (subject == NULL || strncmp(subject, c->inbox, pre) != 0 || subject[pre] != '.') {
        return;
    }
    idx = strtoul(subject + pre + 1, &end, 10);
    if (end == NULL || *end != '.' || idx >= p->conf.cfg.max_pending) {
        return;
    }
    serial = strtoul(end + 1, NULL, 10);
    inflight *f = &p->table[idx];
    if (f->slot == NULL || f->serial != (uint32_t)serial) {
        return; /* an acknowledgement of a message given up on, sent again since */
    }
    pub_slot *s = unflight(p, (unsigned)idx);
    s->state = SLOT_DONE;
    s->retry = false;
    parse_ack(natsMsg_GetData(m), natsMsg_GetDataLength(m), s, &p->stats);
    pthread_cond_broadcast(&p->cond);
}

/* The client hands a "no responders" reply over without the message, so which publish it
 * answered is unknown: every message in flight is sent again, after the streams are checked
 * (one may have been deleted). Duplicates are dropped by the server (Nats-Msg-Id). */
static void no_responders(nats_pub *p)
{
    for (unsigned i = 0; p->in_flight > 0 && i < p->conf.cfg.max_pending; i++) {
        if (p->table[i].slot != NULL) {
            pub_slot *s = unflight(p, i);
            s->retry = true;
            eventc_error_set(&s->err, EVENTC_E_UNAVAILABLE, NULL,
                             "no stream answered on subject %s (no responders)", s->subject);
        }
    }
    p->recheck = true;
}

/* Gives up waiting for acknowledgements sent ack_timeout ago (under mu); looks at most every
 * READ_SLICE_MS. */
static void expire(nats_pub *p, int64_t now)
{
    if (now - p->last_expire < READ_SLICE_MS) {
        return;
    }
    p->last_expire = now;
    for (unsigned i = 0; p->in_flight > 0 && i < p->conf.cfg.max_pending; i++) {
        pub_slot *s = p->table[i].slot;
        if (s != NULL && now - s->sent_at >= p->conf.cfg.ack_timeout_ms) {
            unflight(p, i);
            s->retry = true;
            eventc_error_set(&s->err, EVENTC_E_UNAVAILABLE, NULL, "no acknowledgement within %d ms",
                             p->conf.cfg.ack_timeout_ms);
        }
    }
}

/* Waits (under mu) until `until` or a change, reading acknowledgements when no other thread
 * does. */
static void wait_or_read(nats_pub *p, int64_t until)
{
    pub_conn *c = p->conn;
    if (p->reading || c == NULL) {
        wait_until(p, until);
        return;
    }
    p->reading = true;
    c->refs++;
    int64_t slice = until - now_ms();
    if (slice > READ_SLICE_MS) {
        slice = READ_SLICE_MS;
    }
    pthread_mutex_unlock(&p->mu);
    natsMsg *m = NULL;
    natsStatus s = natsSubscription_NextMsg(&m, c->acks, slice > 0 ? slice : 1);
    pthread_mutex_lock(&p->mu);
    /* Take whatever else is there without waiting, in one go under the lock. */
    while (s == NATS_OK || s == NATS_NO_RESPONDERS) {
        if (s == NATS_OK) {
            dispatch_ack(p, c, m);
            natsMsg_Destroy(m);
        } else {
            no_responders(p);
        }
        m = NULL;
        s = natsSubscription_NextMsg(&m, c->acks, 0);
    }
    if (s != NATS_TIMEOUT) {
        conn_lost(p, c);
    } else if (natsConnection_IsClosed(c->nc)) {
        conn_lost(p, c);
    }
    p->reading = false;
    conn_release(p, c);
    expire(p, now_ms());
    pthread_cond_broadcast(&p->cond);
}

/* ---- topics ---- */

static void topics_free(topic_entry *t)
{
    while (t != NULL) {
        topic_entry *next = t->next;
        for (unsigned i = 0; i < t->count; i++) {
            free(t->subjects[i]);
        }
        free(t->subjects);
        free(t->topic);
        free(t);
        t = next;
    }
}

/* The topic's entry, its stream ensured on first use. */
static topic_entry *topic_get(nats_pub *p, const char *topic, eventc_error *err)
{
    pthread_mutex_lock(&p->topics_mu);
    for (topic_entry *t = p->topics; t != NULL; t = t->next) {
        if (strcmp(t->topic, topic) == 0) {
            pthread_mutex_unlock(&p->topics_mu);
            return t;
        }
    }
    topic_entry *t = calloc(1, sizeof(*t));
    eventc_status st = t != NULL ? EVENTC_OK : EVENTC_E_NOMEM;
    if (st == EVENTC_OK) {
        pthread_mutex_lock(&p->mu);
        pub_conn *c = conn_get(p, err);
        pthread_mutex_unlock(&p->mu);
        if (c == NULL) {
            free(t);
            pthread_mutex_unlock(&p->topics_mu);
            return NULL;
        }
        st = nats_stream_ensure(c->js, &p->conf, topic, &t->stream, err);
        pthread_mutex_lock(&p->mu);
        conn_release(p, c);
        pthread_mutex_unlock(&p->mu);
        if (st != EVENTC_OK) {
            free(t);
            pthread_mutex_unlock(&p->topics_mu);
            return NULL;
        }
        size_t tn = strlen(topic);
        t->count = t->stream.partitions == 0 ? 1 : t->stream.partitions;
        t->topic = malloc(tn + 1);
        t->subjects = calloc(t->count, sizeof(char *));
        st = t->topic != NULL && t->subjects != NULL ? EVENTC_OK : EVENTC_E_NOMEM;
        if (t->topic != NULL) {
            memcpy(t->topic, topic, tn + 1);
        }
        for (unsigned i = 0; i < t->count && st == EVENTC_OK; i++) {
            t->subjects[i] = malloc(tn + 8);
            if (t->subjects[i] == NULL) {
                st = EVENTC_E_NOMEM;
            } else if (t->stream.partitions == 0) {
                memcpy(t->subjects[i], topic, tn + 1);
            } else {
                snprintf(t->subjects[i], tn + 8, "%s.%u", topic, i);
            }
        }
    }
    if (st != EVENTC_OK) {
        topics_free(t);
        pthread_mutex_unlock(&p->topics_mu);
        eventc_error_set(err, st, NULL, "out of memory");
        return NULL;
    }
    t->next = p->topics;
    p->topics = t;
    pthread_mutex_unlock(&p->topics_mu);
    return t;
}

/* Checks again (creating when missing) the streams of the slots still to send, after a "no
 * responders". mu not held. */
static void recheck_streams(nats_pub *p, pub_slot *slots, size_t n)
{
    topic_entry *done[16];
    size_t n_done = 0;
    for (size_t i = 0; i < n; i++) {
        topic_entry *t = slots[i].topic;
        bool seen = false;
        for (size_t k = 0; k < n_done && !seen; k++) {
            seen = done[k] == t;
        }
        if (slots[i].state != SLOT_TODO || t == NULL || seen) {
            continue;
        }
        if (n_done < sizeof(done) / sizeof(done[0])) {
            done[n_done++] = t;
        }
        eventc_error err;
        pthread_mutex_lock(&p->mu);
        pub_conn *c = conn_get(p, &err);
        pthread_mutex_unlock(&p->mu);
        if (c == NULL) {
            return;
        }
        nats_stream st;
        (void)nats_stream_ensure(c->js, &p->conf, t->topic, &st, &err);
        pthread_mutex_lock(&p->mu);
        conn_release(p, c);
        pthread_mutex_unlock(&p->mu);
    }
}

/* ---- publishing ---- */

static char *percent_dup(const char *s, size_t n)
{
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    char *out = NULL;
    if (eventc_ce_percent_encode(&b, s, n) == EVENTC_OK) {
        out = malloc(b.len + 1);
        if (out != NULL) {
            memcpy(out, b.data ? b.data : "", b.len);
            out[b.len] = '\0';
        }
    }
    eventc_buf_free(&b);
    return out;
}

/* The key a receiver works out from the event alone: partitionkey, else subject. */
static bool derived_key(const eventc_ce_event *ev, eventc_buf *out)
{
    const eventc_ce_value *pk = eventc_ce_get_ext(ev, "partitionkey");
    if (pk != NULL) {
        return eventc_ce_value_to_string(pk, out) == EVENTC_OK;
    }
    if (ev->subject != NULL) {
        return eventc_buf_append_str(out, ev->subject) == EVENTC_OK;
    }
    return false;
}

/* Encodes message m for topic into s. */
static eventc_status prepare(nats_pub *p, const eventc_message *m, pub_slot *s, eventc_error *err)
{
    eventc_status st = p->conf.cfg.codec->encode(p->conf.cfg.codec, &m->event, &s->enc, err);
    if (st != EVENTC_OK) {
        return st;
    }
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    st = eventc_dedupe_key(&m->event, &b, err);
    if (st == EVENTC_OK && (s->msg_id = percent_dup(b.data, b.len)) == NULL) {
        st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_buf_reset(&b);
    bool has = derived_key(&m->event, &b);
    if (st == EVENTC_OK && m->key != NULL &&
        (!has || b.len != strlen(m->key) || memcmp(b.data, m->key, b.len) != 0) &&
        (s->key = percent_dup(m->key, strlen(m->key))) == NULL) {
        st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_buf_free(&b);
    s->msg_key = m->key;
    return st;
}

/* Finds the subject of slot s (mu not held): its topic's stream is made or read on first use.
 * A failure a later try may cure leaves the slot to be tried again. */
static void resolve(nats_pub *p, pub_slot *s)
{
    eventc_error err;
    topic_entry *t = topic_get(p, s->topic_name, &err);
    if (t == NULL) {
        s->err = err;
        /* The server out of reach may come back; a stream of another shape will not. */
        s->retry = err.code == EVENTC_E_UNAVAILABLE || err.code == EVENTC_E_TIMEOUT ||
                   err.code == EVENTC_E_IO;
        if (!s->retry) {
            s->state = SLOT_DONE;
        }
        return;
    }
    s->topic = t;
    unsigned part = 0;
    if (t->stream.partitions > 0) {
        part = s->msg_key != NULL
                   ? eventc_nats_partition(s->msg_key, strlen(s->msg_key), t->stream.partitions)
                   : atomic_fetch_add(&p->round_robin, 1) % t->stream.partitions;
    }
    s->subject = t->subjects[part];
}

/* Builds and sends slot s on connection c with reply token table[idx] (mu not held). */
static natsStatus send_one(pub_conn *c, pub_slot *s, unsigned idx, uint32_t serial)
{
    char reply[96];
    natsMsg *m = NULL;
    snprintf(reply, sizeof(reply), "%s.%u.%u", c->inbox, idx, (unsigned)serial);
    natsStatus r = natsMsg_Create(&m, s->subject, reply, s->enc.body, (int)s->enc.body_len);
    for (size_t i = 0; r == NATS_OK && i < s->enc.n_headers; i++) {
        r = natsMsgHeader_Add(m, s->enc.headers[i].name, s->enc.headers[i].value);
    }
    if (r == NATS_OK) {
        r = natsMsgHeader_Set(m, NATS_MSG_ID_HEADER, s->msg_id);
    }
    if (r == NATS_OK && s->key != NULL) {
        r = natsMsgHeader_Set(m, NATS_KEY_HEADER, s->key);
    }
    if (r == NATS_OK) {
        r = natsConnection_PublishMsg(c->nc, m);
    }
    natsMsg_Destroy(m);
    return r;
}

/* Sends the TODO slots of one call in order (under mu); stops at the first that cannot go. */
static void send_round(nats_pub *p, pub_slot *slots, size_t n, int64_t deadline)
{
    for (size_t i = 0; i < n; i++) {
        pub_slot *s = &slots[i];
        if (s->state != SLOT_TODO) {
            continue;
        }
        if (!s->prepared || s->subject == NULL) {
            /* Encoded as it goes, so the server works on the earlier messages meanwhile. */
            pthread_mutex_unlock(&p->mu);
            if (!s->prepared) {
                s->prepared = true;
                if (prepare(p, s->msg, s, &s->err) != EVENTC_OK) {
                    s->state = SLOT_DONE;
                    s->retry = false;
                }
            }
            if (s->state == SLOT_TODO) {
                resolve(p, s);
            }
            pthread_mutex_lock(&p->mu);
            if (s->state != SLOT_TODO) {
                continue; /* this one cannot be sent; the others go on */
            }
            if (s->subject == NULL) {
                return; /* its stream cannot be reached now: nothing after it goes first */
            }
        }
        while (p->in_flight >= p->conf.cfg.max_pending && now_ms() < deadline) {
            wait_or_read(p, deadline);
        }
        if (p->in_flight >= p->conf.cfg.max_pending) {
            eventc_error_set(&s->err, EVENTC_E_FULL, NULL,
                             "%zu messages were waiting for their acknowledgement the whole "
                             "time (max_pending)",
                             p->conf.cfg.max_pending);
            s->retry = false;
            return;
        }
        eventc_error gerr;
        pub_conn *c = conn_get(p, &gerr);
        if (c == NULL) {
            s->err = gerr;
            s->retry = true;
            return;
        }
        if (c->lost) {
            conn_release(p, c);
            return;
        }
        unsigned idx = p->free_head;
        inflight *f = &p->table[idx];
        p->free_head = f->next_free;
        f->slot = s;
        f->serial++;
        uint32_t serial = f->serial;
        p->in_flight++;
        s->state = SLOT_SENT;
        (*s->call_sent)++;
        s->table = idx;
        s->sent_at = now_ms();
        p->stats.sent++;
        pthread_mutex_unlock(&p->mu);
        natsStatus r = send_one(c, s, idx, serial);
        pthread_mutex_lock(&p->mu);
        if (r != NATS_OK && s->state == SLOT_SENT && f->slot == s && f->serial == serial) {
            unflight(p, idx);
            s->retry = nats_transient(r);
            nats_fail(&s->err, r, "cannot send the message");
            if (!s->retry) {
                s->state = SLOT_DONE;
            } else {
                conn_lost(p, c);
            }
        }
        bool stop = r != NATS_OK;
        conn_release(p, c);
        if (stop) {
            return;
        }
    }
}

static eventc_status nats_publish(eventc_publisher *pub, const char *topic,
                                  const eventc_message *const *msgs, size_t n,
                                  eventc_error *outcomes, eventc_error *err)
{
    nats_pub *p = (nats_pub *)pub;
    int64_t start = now_ms(), deadline = start + p->conf.cfg.publish_timeout_ms;
    pub_slot *slots = calloc(n, sizeof(*slots));
    if (slots == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    size_t todo = 0, sent = 0;
    for (size_t i = 0; i < n; i++) {
        pub_slot *s = &slots[i];
        const char *t = topic != NULL ? topic : msgs[i]->topic;
        s->call_sent = &sent;
        s->topic_name = t;
        s->msg = msgs[i];
        eventc_ce_message_init(&s->enc, NULL);
        s->state = SLOT_DONE;
        if (t == NULL) {
            eventc_error_set(&s->err, EVENTC_E_INVALID_ARGUMENT, NULL, "message without a topic");
        } else {
            s->state = SLOT_TODO;
            todo++;
        }
    }
    int64_t backoff = 50;
    pthread_mutex_lock(&p->mu);
    while (todo > 0) {
        send_round(p, slots, n, deadline);
        /* Wait for every message sent in this round. */
        while (sent > 0) {
            wait_or_read(p, deadline + p->conf.cfg.ack_timeout_ms);
        }
        todo = 0;
        bool full = false;
        for (size_t i = 0; i < n; i++) {
            pub_slot *s = &slots[i];
            if (s->state == SLOT_TODO || (s->state == SLOT_DONE && s->retry)) {
                s->state = SLOT_TODO;
                full = full || s->err.code == EVENTC_E_FULL;
                todo++;
            }
        }
        if (todo == 0 || now_ms() >= deadline || full) {
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (slots[i].state == SLOT_TODO) {
                p->stats.resent++;
            }
        }
        /* Something failed that a new try may cure: wait a little, then try again. */
        int64_t pause = backoff < deadline - now_ms() ? backoff : deadline - now_ms();
        bool recheck = p->recheck;
        p->recheck = false;
        pthread_mutex_unlock(&p->mu);
        sleep_ms(pause);
        if (recheck) {
            recheck_streams(p, slots, n);
        }
        pthread_mutex_lock(&p->mu);
        backoff = backoff * 2 > 1000 ? 1000 : backoff * 2;
    }
    eventc_status first = EVENTC_OK;
    bool full = false;
    for (size_t i = 0; i < n; i++) {
        pub_slot *s = &slots[i];
        if (s->state == SLOT_TODO) {
            s->state = SLOT_DONE;
            if (s->err.code == EVENTC_OK && full) {
                eventc_error_set(&s->err, EVENTC_E_FULL, NULL,
                                 "not sent: no room among the pending messages (max_pending)");
            } else if (s->err.code == EVENTC_OK) {
                eventc_error_set(&s->err, EVENTC_E_UNAVAILABLE, NULL, "not sent");
            }
            full = full || s->err.code == EVENTC_E_FULL;
            if (s->err.code != EVENTC_E_FULL) {
                char why[EVENTC_ERROR_MESSAGE_MAX];
                snprintf(why, sizeof(why), "%s", s->err.message);
                eventc_error_set(&s->err, EVENTC_E_UNAVAILABLE, NULL,
                                 "not acknowledged within %d ms: %s",
                                 p->conf.cfg.publish_timeout_ms, why);
            }
        }
        if (s->err.code != EVENTC_OK) {
            p->stats.failed++;
            if (first == EVENTC_OK) {
                first = s->err.code;
                if (err != NULL) {
                    *err = s->err;
                    snprintf(err->path, sizeof(err->path), "[%zu]", i);
                }
            }
        }
        if (outcomes != NULL) {
            outcomes[i] = s->err;
        }
    }
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < n; i++) {
        eventc_ce_message_clear(&slots[i].enc);
        free(slots[i].msg_id);
        free(slots[i].key);
    }
    free(slots);
    return first;
}

static eventc_status nats_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    /* publish returns once every message is acknowledged: nothing is ever left to flush. */
    (void)pub, (void)timeout_ms, (void)err;
    return EVENTC_OK;
}

static void pub_free(nats_pub *p)
{
    if (p->conn != NULL) {
        conn_release(p, p->conn);
        p->conn = NULL;
    }
    topics_free(p->topics);
    free(p->table);
    pthread_mutex_destroy(&p->topics_mu);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cond);
    nats_conf_free(&p->conf);
    free(p);
}

static void nats_close(eventc_publisher *pub)
{
    if (pub != NULL) {
        pub_free((nats_pub *)pub);
    }
}

static const eventc_publisher_methods pub_methods = {EVENTC_PUBLISHER_VERSION, "nats", nats_publish,
                                                     nats_flush, nats_close};

eventc_publisher *eventc_nats_publisher_new(const eventc_nats_config *cfg, eventc_error *err)
{
    nats_pub *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    if (nats_conf_copy(&p->conf, cfg, err) != EVENTC_OK) {
        free(p);
        return NULL;
    }
    p->base.methods = &pub_methods;
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->topics_mu, NULL);
    nats_cond_init(&p->cond);
    atomic_init(&p->round_robin, 0);
    size_t cap = p->conf.cfg.max_pending;
    p->table = cap <= UINT32_MAX ? calloc(cap, sizeof(*p->table)) : NULL;
    if (p->table == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        pub_free(p);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++) {
        p->table[i].next_free = (unsigned)(i + 1);
    }
    pthread_mutex_lock(&p->mu);
    pub_conn *c = conn_get(p, err);
    if (c != NULL) {
        conn_release(p, c);
    }
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; c != NULL && i < cfg->n_topics; i++) {
        if (topic_get(p, cfg->topics[i], err) == NULL) {
            c = NULL;
        }
    }
    if (c == NULL) {
        pub_free(p);
        return NULL;
    }
    return &p->base;
}

eventc_status eventc_nats_publisher_stats_get(eventc_publisher *pub,
                                              eventc_nats_publisher_stats *out)
{
    if (pub == NULL || pub->methods != &pub_methods || out == NULL) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    nats_pub *p = (nats_pub *)pub;
    pthread_mutex_lock(&p->mu);
    *out = p->stats;
    pthread_mutex_unlock(&p->mu);
    return EVENTC_OK;
}
