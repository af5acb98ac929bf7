/* The NATS JetStream subscriber: one consumer of a group, pulling from the group's durable pull
 * consumers (one per partition of the stream) over one inbox subscription of its own.
 *
 * fetch sends each consumer that has no request open a pull request of `no_wait` kind with an
 * expiry: the server delivers at once what is there, at most the batch, and ends the request
 * (408) once nothing more is; with nothing there it waits up to the expiry for the first message.
 * Requests ask for at most the messages fetch was asked for (one per partition on a partitioned
 * stream, whose consumers hold one unacknowledged message each), so the consumer receives only
 * what it asked for; a partition's message that comes after fetch returned is held for the next
 * fetch. Messages are decoded with the codec as they are taken; what does not decode is
 * delivered as a malformed message with a stand-in event. Acks, nacks and terminations are
 * published to the message's reply subject. */
#define _POSIX_C_SOURCE 200809L
#include "nats_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A request is over this long after its expiry, whether or not its end (a 408) came: the server
 * delivers nothing for an expired request, and sends its end only when it next looks at its
 * waiting requests. */
#define PULL_GRACE_MS 20
/* A request the server ended at once without a message (other consumers' requests claim what is
 * pending) is not sent again before this. */
#define PULL_BACKOFF_MS 50
/* The longest a single pull request waits; longer fetches send new ones. */
#define PULL_MAX_WAIT_MS 30000
/* The expiry of a request made by a fetch that does not wait. */
#define PULL_POLL_MS 5

typedef struct delivery {
    eventc_message msg; /* first: the message handed out; msg.handle is the delivery */
    struct nats_sub *owner;
    natsMsg *nm;
    struct delivery *prev, *next;
    unsigned part;
    int64_t received_at;
    bool poison;    /* malformed or JetStream's last delivery: an ack terminates it */
    bool malformed; /* not a readable CloudEvent */
    bool returned;  /* handed out by fetch (else held for the next fetch) */
    eventc_error why;
    char *key;
} delivery;

typedef struct part_state {
    uint32_t pull_id;      /* the current request's id */
    unsigned outstanding;  /* messages the open request may still deliver (0: none open) */
    unsigned pull_got;     /* messages the current request delivered */
    int64_t pull_deadline; /* when the open request expires */
    int64_t not_before;    /* no new request before (after one the server turned down) */
    unsigned held;         /* received from this consumer, not yet handed out */
    unsigned in_flight;    /* handed out, not settled */
} part_state;

typedef struct dlist {
    delivery *head, *tail;
    size_t n;
} dlist;

typedef struct nats_sub {
    eventc_subscriber base;
    nats_conf conf;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    natsConnection *nc;
    jsCtx *js;
    natsSubscription *inbox_sub;
    char inbox[64];
    char *topic;
    char *group;
    nats_stream stream;
    unsigned n_parts;
    part_state *parts;
    char **pull_subjects;
    bool subscribed, closed, fetching, reensure;
    unsigned rr;
    natsStatistics *nstats; /* the fetcher's, to notice reconnections */
    uint64_t reconnects;
    dlist held;   /* received, waiting for fetch, in arrival order */
    dlist flying; /* handed out, unsettled */
    dlist kept;   /* given back at close: readable until destroy */
    eventc_nats_subscriber_stats stats;
} nats_sub;

static const eventc_subscriber_methods sub_methods;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void list_push(dlist *l, delivery *d)
{
    d->prev = l->tail;
    d->next = NULL;
    if (l->tail != NULL) {
        l->tail->next = d;
    } else {
        l->head = d;
    }
    l->tail = d;
    l->n++;
}

static void list_remove(dlist *l, delivery *d)
{
    if (d->prev != NULL) {
        d->prev->next = d->next;
    } else {
        l->head = d->next;
    }
    if (d->next != NULL) {
        d->next->prev = d->prev;
    } else {
        l->tail = d->prev;
    }
    d->prev = d->next = NULL;
    l->n--;
}

static void delivery_free(delivery *d)
{
    if (d == NULL) {
        return;
    }
    eventc_message_clear(&d->msg);
    natsMsg_Destroy(d->nm);
    free(d->key);
    free(d);
}

/* ---- settling ---- */

/* Publishes an acknowledgement kind to the message's reply subject. */
static natsStatus send_ack(nats_sub *s, delivery *d, const char *body)
{
    const char *reply = natsMsg_GetReply(d->nm);
    return natsConnection_PublishString(s->nc, reply, body);
}

static natsStatus send_nak(nats_sub *s, delivery *d, uint32_t delay_ms)
{
    char body[64];
    if (delay_ms == 0) {
        return send_ack(s, d, "-NAK");
    }
    snprintf(body, sizeof(body), "-NAK {\"delay\":%lld}", (long long)delay_ms * 1000000LL);
    return send_ack(s, d, body);
}

/* Whether a message received at `at` is past its visibility timeout (with a margin, since the
 * server's clock started a little before ours). */
static bool expired(const nats_sub *s, int64_t at, int64_t now)
{
    int64_t wait = s->conf.cfg.ack_wait_ms;
    return now - at >= wait - wait / 20;
}

static eventc_status settle(eventc_subscriber *sub, eventc_message *m, bool ack, uint32_t delay,
                            eventc_error *err)
{
    nats_sub *s = (nats_sub *)sub;
    delivery *d = m != NULL ? (delivery *)m->handle : NULL;
    if (d == NULL || (eventc_message *)d != m || d->owner != s) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "not a message this subscriber delivered");
    }
    pthread_mutex_lock(&s->mu);
    if (s->closed) {
        pthread_mutex_unlock(&s->mu);
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL,
                                "the subscriber is closed; the message was given back");
    }
    if (!d->returned) {
        pthread_mutex_unlock(&s->mu);
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "not a message this subscriber delivered");
    }
    list_remove(&s->flying, d);
    s->parts[d->part].in_flight--;
    eventc_status st = EVENTC_OK;
    if (expired(s, d->received_at, now_ms())) {
        s->stats.late_acks++;
        st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL,
                              "the visibility timeout (%d ms) expired; the message is redelivered",
                              s->conf.cfg.ack_wait_ms);
    } else {
        natsStatus r;
        if (ack) {
            r = send_ack(s, d, d->poison ? "+TERM" : "+ACK");
            s->stats.acked++;
            s->stats.terminated += d->poison;
        } else {
            r = send_nak(s, d, delay);
            s->stats.nacked++;
        }
        if (r != NATS_OK) {
            /* Not sent: the server delivers it again after the visibility timeout. */
            st = nats_fail(err, r, ack ? "cannot acknowledge" : "cannot nack");
        }
    }
    pthread_mutex_unlock(&s->mu);
    delivery_free(d);
    return st;
}

static eventc_status sub_ack(eventc_subscriber *sub, eventc_message *m, eventc_error *err)
{
    return settle(sub, m, true, 0, err);
}

static eventc_status sub_nack(eventc_subscriber *sub, eventc_message *m, uint32_t delay_ms,
                              eventc_error *err)
{
    return settle(sub, m, false, delay_ms, err);
}

/* ---- reading messages ---- */

/* Builds the stand-in event of a message that is not a readable CloudEvent. */
static eventc_status stand_in(nats_sub *s, delivery *d, uint64_t seq)
{
    char id[NATS_NAME_MAX + 32];
    snprintf(id, sizeof(id), "%s/%llu", s->stream.name, (unsigned long long)seq);
    eventc_ce_event *ev = &d->msg.event;
    eventc_ce_clear(ev);
    eventc_status st = eventc_ce_set_id(ev, id, NULL);
    if (st == EVENTC_OK) {
        st = eventc_ce_set_source(ev, "/eventc/nats", NULL);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_type(ev, "eventc.malformed", NULL);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_datacontenttype(ev, "application/octet-stream", NULL);
    }
    int len = natsMsg_GetDataLength(d->nm);
    if (st == EVENTC_OK && len > 0) {
        st = eventc_ce_set_data_binary(ev, natsMsg_GetData(d->nm), (size_t)len, NULL);
    }
    return st;
}

/* Collects the message's headers as a list (a name with several values appears once per
 * value). Returns false when the client cannot read the header block. */
static bool read_headers(natsMsg *nm, eventc_header **out, size_t *n, char **why)
{
    const char **keys = NULL;
    int n_keys = 0;
    *out = NULL;
    *n = 0;
    natsStatus r = natsMsgHeader_Keys(nm, &keys, &n_keys);
    if (r == NATS_NOT_FOUND) {
        return true;
    }
    if (r != NATS_OK) {
        *why = "the header block cannot be read";
        return false;
    }
    size_t cap = (size_t)n_keys + 8;
    eventc_header *h = malloc(cap * sizeof(*h));
    bool ok = h != NULL;
    for (int i = 0; ok && i < n_keys; i++) {
        const char **values = NULL;
        int n_values = 0;
        if (natsMsgHeader_Values(nm, keys[i], &values, &n_values) != NATS_OK) {
            continue;
        }
        for (int k = 0; ok && k < n_values; k++) {
            if (*n == cap) {
                eventc_header *bigger = realloc(h, cap * 2 * sizeof(*h));
                ok = bigger != NULL;
                if (ok) {
                    h = bigger;
                    cap *= 2;
                }
            }
            if (ok) {
                h[*n].name = keys[i];
                h[*n].value = values[k] != NULL ? values[k] : "";
                (*n)++;
            }
        }
        free((void *)values);
    }
    free((void *)keys);
    if (!ok) {
        free(h);
        *n = 0;
        *why = "out of memory";
        return false;
    }
    *out = h;
    return true;
}

/* The key from the Eventc-Key header (percent-decoded), else the event's partitionkey, else its
 * subject. NULL for none. */
static char *read_key(natsMsg *nm, const eventc_ce_event *ev, bool event_ok)
{
    const char *v = NULL;
    eventc_buf b;
    char *out = NULL;
    eventc_buf_init(&b, NULL);
    if (natsMsgHeader_Get(nm, NATS_KEY_HEADER, &v) == NATS_OK && v != NULL) {
        if (eventc_ce_percent_decode(&b, v, strlen(v), NULL) != EVENTC_OK) {
            eventc_buf_free(&b);
            return NULL;
        }
    } else if (event_ok) {
        const eventc_ce_value *pk = eventc_ce_get_ext(ev, "partitionkey");
        if (pk != NULL) {
            if (eventc_ce_value_to_string(pk, &b) != EVENTC_OK) {
                eventc_buf_free(&b);
                return NULL;
            }
        } else if (ev->subject != NULL) {
            eventc_buf_append_str(&b, ev->subject);
        } else {
            eventc_buf_free(&b);
            return NULL;
        }
    } else {
        eventc_buf_free(&b);
        return NULL;
    }
    if (!b.failed && memchr(b.data ? b.data : "", 0, b.len) == NULL) {
        out = malloc(b.len + 1);
        if (out != NULL) {
            memcpy(out, b.data ? b.data : "", b.len);
            out[b.len] = '\0';
        }
    }
    eventc_buf_free(&b);
    return out;
}

/* Turns a JetStream message into a delivery (the fetcher, mu not held). NULL when it cannot be
 * (no JetStream reply subject: not a delivery; out of memory: left to its redelivery). */
static delivery *make_delivery(nats_sub *s, natsMsg *nm, unsigned part)
{
    uint64_t delivered = 0, seq = 0;
    if (!nats_ack_meta(natsMsg_GetReply(nm), &delivered, &seq, NULL, NULL)) {
        natsMsg_Destroy(nm);
        return NULL;
    }
    delivery *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        natsMsg_Destroy(nm); /* not acknowledged: delivered again after the AckWait */
        return NULL;
    }
    d->owner = s;
    d->nm = nm;
    d->part = part;
    d->received_at = now_ms();
    eventc_message_init(&d->msg, NULL);
    d->msg.handle = d;
    d->msg.topic = s->topic;
    d->msg.attempt = delivered > UINT32_MAX ? UINT32_MAX : (uint32_t)delivered;

    eventc_header *h = NULL;
    size_t n_h = 0;
    char *why = NULL;
    eventc_status st = EVENTC_OK;
    if (!read_headers(nm, &h, &n_h, &why)) {
        eventc_error_set(&d->why, EVENTC_E_CLOUDEVENTS, "headers", "%s", why);
        st = d->why.code;
    } else {
        eventc_ce_message in;
        memset(&in, 0, sizeof(in));
        in.headers = h;
        in.n_headers = n_h;
        in.body = natsMsg_GetData(nm);
        in.body_len = (size_t)natsMsg_GetDataLength(nm);
        if (in.body == NULL) {
            in.body = "";
        }
        st = s->conf.cfg.codec->decode(s->conf.cfg.codec, &d->msg.event, &in, &s->conf.decode,
                                       &d->why);
        free(h);
    }
    if (st == EVENTC_E_NOMEM) {
        delivery_free(d);
        return NULL;
    }
    d->key = read_key(nm, &d->msg.event, st == EVENTC_OK);
    d->msg.key = d->key;
    if (st != EVENTC_OK) {
        if (stand_in(s, d, seq) != EVENTC_OK) {
            delivery_free(d);
            return NULL;
        }
        d->poison = true;
        d->malformed = true;
        d->msg.malformed = &d->why;
    } else if (s->conf.cfg.max_deliver > 0 && delivered >= (uint64_t)s->conf.cfg.max_deliver) {
        eventc_error_set(&d->why, EVENTC_E_UNAVAILABLE, NULL,
                         "delivery %llu is the last one JetStream makes (MaxDeliver %d)",
                         (unsigned long long)delivered, s->conf.cfg.max_deliver);
        d->poison = true;
        d->msg.malformed = &d->why;
    }
    return d;
}

/* Parses the reply subject of a message on our inbox: <inbox>.<part>.<pull id>. */
static bool inbox_token(const nats_sub *s, const char *subject, unsigned *part, uint32_t *id)
{
    size_t pre = strlen(s->inbox);
    char *end = NULL;
    if (subject == NULL || strncmp(subject, s->inbox, pre) != 0 || subject[pre] != '.') {
        return false;
    }
    unsigned long p = strtoul(subject + pre + 1, &end, 10);
    if (end == NULL || *end != '.' || p >= s->n_parts) {
        return false;
    }
    *part = (unsigned)p;
    *id = (uint32_t)strtoul(end + 1, NULL, 10);
    return true;
}

/* The partition a JetStream message came from: its consumer's name ends in _<partition>. */
static bool message_part(const nats_sub *s, natsMsg *nm, unsigned *part)
{
    const char *consumer = NULL;
    size_t len = 0;
    if (!nats_ack_meta(natsMsg_GetReply(nm), NULL, NULL, &consumer, &len)) {
        return false;
    }
    *part = 0;
    if (s->stream.partitions == 0) {
        return true;
    }
    size_t k = len;
    while (k > 0 && consumer[k - 1] >= '0' && consumer[k - 1] <= '9') {
        k--;
    }
    if (k == 0 || k == len || consumer[k - 1] != '_' || len - k > 4) {
        return false;
    }
    unsigned p = 0;
    for (size_t i = k; i < len; i++) {
        p = p * 10 + (unsigned)(consumer[i] - '0');
    }
    if (p >= s->n_parts) {
        return false;
    }
    *part = p;
    return true;
}

/* Handles one message of the inbox (the fetcher; takes mu). Returns the delivery to hand out,
 * or NULL (a status, or nothing usable). Messages come with the subject they were published on
 * and a $JS.ACK reply subject; the statuses that end requests come on the request's own reply
 * subject, <inbox>.<partition>.<request id>. */
static delivery *take(nats_sub *s, natsMsg *nm)
{
    unsigned part = 0;
    uint32_t id = 0;
    const char *status = NULL;
    if (natsMsg_GetDataLength(nm) == 0 && natsMsgHeader_Get(nm, "Status", &status) == NATS_OK &&
        status != NULL) {
        if (!inbox_token(s, natsMsg_GetSubject(nm), &part, &id)) {
            natsMsg_Destroy(nm);
            return NULL;
        }
        /* 100: a heartbeat; 404, 408, 409: the request is over. */
        pthread_mutex_lock(&s->mu);
        part_state *ps = &s->parts[part];
        if (strncmp(status, "100", 3) != 0 && ps->pull_id == id) {
            int64_t now = now_ms();
            if (ps->pull_got == 0 && now + PULL_POLL_MS < ps->pull_deadline) {
                ps->not_before = now + PULL_BACKOFF_MS;
            }
            ps->outstanding = 0;
            const char *desc = NULL;
            if (strncmp(status, "409", 3) == 0 &&
                natsMsgHeader_Get(nm, "Description", &desc) == NATS_OK && desc != NULL &&
                strstr(desc, "Deleted") != NULL) {
                s->reensure = true;
            }
        }
        pthread_mutex_unlock(&s->mu);
        natsMsg_Destroy(nm);
        return NULL;
    }
    if (!message_part(s, nm, &part)) {
        natsMsg_Destroy(nm); /* not a delivery of ours */
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    s->stats.received++;
    part_state *ps = &s->parts[part];
    if (ps->outstanding > 0) {
        ps->outstanding--;
        ps->pull_got++;
    }
    pthread_mutex_unlock(&s->mu);
    return make_delivery(s, nm, part);
}

/* Sends a pull request to every consumer without one open (mu held; released around the
 * sends). `want` bounds the messages asked for. Returns the earliest time pull should be called
 * again: when a consumer turned down may be asked again, or an open request is over
 * (INT64_MAX: never). */
static int64_t pull(nats_sub *s, size_t want, int64_t wait_ms)
{
    int64_t again = INT64_MAX;
    int64_t now = now_ms();
    /* Requests open before a reconnection died with the connection: forget them. */
    uint64_t reconnects = 0;
    if (s->nstats != NULL && natsConnection_GetStats(s->nc, s->nstats) == NATS_OK &&
        natsStatistics_GetCounts(s->nstats, NULL, NULL, NULL, NULL, &reconnects) == NATS_OK &&
        reconnects != s->reconnects) {
        s->reconnects = reconnects;
        for (unsigned i = 0; i < s->n_parts; i++) {
            s->parts[i].outstanding = 0;
        }
    }
    if (wait_ms > PULL_MAX_WAIT_MS) {
        wait_ms = PULL_MAX_WAIT_MS;
    }
    if (wait_ms < PULL_POLL_MS) {
        wait_ms = PULL_POLL_MS;
    }
    unsigned start = s->rr++;
    for (unsigned k = 0; k < s->n_parts; k++) {
        unsigned i = (start + k) % s->n_parts;
        part_state *ps = &s->parts[i];
        if (ps->outstanding > 0 && now > ps->pull_deadline + PULL_GRACE_MS) {
            ps->outstanding = 0;
        }
        if (ps->outstanding > 0) {
            int64_t over = ps->pull_deadline + PULL_GRACE_MS + 1;
            again = over < again ? over : again;
            continue;
        }
        if (s->stream.partitions > 0 && ps->held > 0) {
            continue;
        }
        if (now < ps->not_before) {
            again = ps->not_before < again ? ps->not_before : again;
            continue;
        }
        /* Any partition may be the one with a message: each is asked for one (its consumer has
         * at most one unacknowledged anyway). */
        unsigned batch = s->stream.partitions > 0 ? 1 : (unsigned)(want > 1000000 ? 1000000 : want);
        ps->pull_id++;
        ps->outstanding = batch;
        ps->pull_got = 0;
        ps->pull_deadline = now + wait_ms;
        s->stats.pulls++;
        char reply[96], body[96];
        snprintf(reply, sizeof(reply), "%s.%u.%u", s->inbox, i, (unsigned)ps->pull_id);
        snprintf(body, sizeof(body), "{\"batch\":%u,\"no_wait\":true,\"expires\":%lld}", batch,
                 (long long)wait_ms * 1000000LL);
        pthread_mutex_unlock(&s->mu);
        natsStatus r = natsConnection_PublishRequestString(s->nc, s->pull_subjects[i], reply, body);
        pthread_mutex_lock(&s->mu);
        if (r != NATS_OK) {
            ps->outstanding = 0;
        }
    }
    return again;
}

/* Moves held deliveries into out (mu held), dropping those past their visibility timeout. */
static size_t hand_out(nats_sub *s, eventc_message **out, size_t got, size_t max)
{
    int64_t now = now_ms();
    while (got < max && s->held.head != NULL) {
        delivery *d = s->held.head;
        list_remove(&s->held, d);
        s->parts[d->part].held--;
        if (expired(s, d->received_at, now)) {
            s->stats.stale++; /* the server has delivered it again, or is about to */
            pthread_mutex_unlock(&s->mu);
            delivery_free(d);
            pthread_mutex_lock(&s->mu);
            continue;
        }
        d->returned = true;
        list_push(&s->flying, d);
        s->parts[d->part].in_flight++;
        s->stats.delivered++;
        s->stats.malformed += d->malformed;
        out[got++] = &d->msg;
    }
    return got;
}

/* Files a delivery as held (mu held). */
static void hold(nats_sub *s, delivery *d)
{
    list_push(&s->held, d);
    s->parts[d->part].held++;
}

static eventc_status sub_fetch(eventc_subscriber *sub, size_t max, int timeout_ms,
                               eventc_message **out, size_t *n, eventc_error *err)
{
    nats_sub *s = (nats_sub *)sub;
    *n = 0;
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : now_ms() + timeout_ms;
    pthread_mutex_lock(&s->mu);
    if (!s->subscribed) {
        pthread_mutex_unlock(&s->mu);
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "fetch before subscribe");
    }
    while (s->fetching && !s->closed) {
        if (now_ms() >= deadline) {
            pthread_mutex_unlock(&s->mu);
            return eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, "nothing arrived in %d ms",
                                    timeout_ms);
        }
        struct timespec ts;
        int64_t until = deadline == INT64_MAX ? now_ms() + 1000 : deadline;
        ts.tv_sec = (time_t)(until / 1000);
        ts.tv_nsec = (long)(until % 1000) * 1000000L;
        pthread_cond_timedwait(&s->cond, &s->mu, &ts);
    }
    if (s->closed) {
        pthread_mutex_unlock(&s->mu);
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
    }
    s->fetching = true;
    if (s->reensure) {
        s->reensure = false;
        pthread_mutex_unlock(&s->mu);
        eventc_error e2;
        (void)nats_consumers_ensure(s->js, &s->conf, s->topic, &s->stream, s->group, &e2);
        pthread_mutex_lock(&s->mu);
    }
    size_t got = hand_out(s, out, 0, max);
    eventc_status st = EVENTC_OK;
    while (got < max && !s->closed) {
        int64_t now = now_ms();
        int64_t left = deadline == INT64_MAX ? PULL_MAX_WAIT_MS : deadline - now;
        int64_t again = INT64_MAX;
        if (got == 0) {
            again = pull(s, max - got, left);
        }
        pthread_mutex_unlock(&s->mu);
        /* With something in hand, only take what is already here; else wait, but not past the
         * moment another request may be sent. */
        int64_t slice = got > 0 || left < 0 ? 0 : left;
        if (again != INT64_MAX && again - now < slice) {
            slice = again - now > 0 ? again - now : 1;
        }
        if (slice > PULL_MAX_WAIT_MS) {
            slice = PULL_MAX_WAIT_MS;
        }
        natsMsg *nm = NULL;
        natsStatus r = natsSubscription_NextMsg(&nm, s->inbox_sub, slice);
        delivery *d = r == NATS_OK ? take(s, nm) : NULL;
        pthread_mutex_lock(&s->mu);
        if (d != NULL) {
            hold(s, d);
            if (!s->closed) {
                got = hand_out(s, out, got, max);
            }
            continue;
        }
        if (r == NATS_OK) {
            continue; /* a status or a stray message */
        }
        if (r == NATS_NO_RESPONDERS) {
            /* A request found no consumer (deleted?): forget open requests, check them. */
            for (unsigned i = 0; i < s->n_parts; i++) {
                s->parts[i].outstanding = 0;
                s->parts[i].not_before = now_ms() + PULL_BACKOFF_MS;
            }
            s->reensure = true;
            continue;
        }
        if (r == NATS_TIMEOUT) {
            if (got > 0 || now_ms() >= deadline) {
                break;
            }
            continue;
        }
        if (s->closed || r == NATS_INVALID_SUBSCRIPTION) {
            break;
        }
        st = nats_fail(err, r, "cannot read from the server");
        break;
    }
    s->fetching = false;
    pthread_cond_broadcast(&s->cond);
    if (s->closed) {
        /* close gave back what was handed out; what came in since goes back too. */
        while (s->held.head != NULL) {
            delivery *d = s->held.head;
            list_remove(&s->held, d);
            if (send_nak(s, d, 0) == NATS_OK) {
                s->stats.nacked++;
            }
            list_push(&s->kept, d);
        }
        pthread_mutex_unlock(&s->mu);
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
    }
    pthread_mutex_unlock(&s->mu);
    if (st != EVENTC_OK) {
        /* Hand out what came before the failure; report it next time. */
        if (got > 0) {
            *n = got;
            return EVENTC_OK;
        }
        return st;
    }
    if (got == 0) {
        return eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, "nothing arrived in %d ms",
                                timeout_ms);
    }
    *n = got;
    return EVENTC_OK;
}

/* ---- subscribe, close, destroy ---- */

static eventc_status sub_subscribe(eventc_subscriber *sub, const char *topic, const char *group,
                                   eventc_error *err)
{
    nats_sub *s = (nats_sub *)sub;
    if (topic == NULL || topic[0] == '\0' || group == NULL || group[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "topic and group required");
    }
    pthread_mutex_lock(&s->mu);
    bool busy = s->subscribed || s->topic != NULL, closed = s->closed;
    if (!busy && !closed) {
        s->topic = nats_strdup(topic); /* claims the subscription */
    }
    pthread_mutex_unlock(&s->mu);
    if (closed) {
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
    }
    if (busy) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "already subscribed");
    }
    s->group = nats_strdup(group);
    if (s->topic == NULL || s->group == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_status st = nats_stream_ensure(s->js, &s->conf, topic, &s->stream, err);
    if (st == EVENTC_OK) {
        st = nats_consumers_ensure(s->js, &s->conf, topic, &s->stream, group, err);
    }
    if (st != EVENTC_OK) {
        return st;
    }
    s->n_parts = s->stream.partitions == 0 ? 1 : s->stream.partitions;
    s->parts = calloc(s->n_parts, sizeof(*s->parts));
    s->pull_subjects = calloc(s->n_parts, sizeof(char *));
    if (s->parts == NULL || s->pull_subjects == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    for (unsigned i = 0; i < s->n_parts; i++) {
        char durable[NATS_NAME_MAX], subject[2 * NATS_NAME_MAX + 64];
        if ((st = nats_durable_name(group, &s->stream, i, durable, sizeof(durable), err)) !=
            EVENTC_OK) {
            return st;
        }
        snprintf(subject, sizeof(subject), "$JS.API.CONSUMER.MSG.NEXT.%s.%s", s->stream.name,
                 durable);
        if ((s->pull_subjects[i] = nats_strdup(subject)) == NULL) {
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
    }
    natsInbox *inbox = NULL;
    char subject[96];
    natsStatus r = natsInbox_Create(&inbox);
    if (r == NATS_OK) {
        snprintf(s->inbox, sizeof(s->inbox), "%s", (const char *)inbox);
        snprintf(subject, sizeof(subject), "%s.*.*", s->inbox);
        r = natsConnection_SubscribeSync(&s->inbox_sub, s->nc, subject);
    }
    natsInbox_Destroy(inbox);
    if (r == NATS_OK) {
        /* Bounded by the requests, never by the client's limits. */
        r = natsSubscription_SetPendingLimits(s->inbox_sub, -1, -1);
    }
    if (r != NATS_OK) {
        return nats_fail(err, r, "cannot subscribe to the inbox");
    }
    pthread_mutex_lock(&s->mu);
    s->subscribed = true;
    pthread_mutex_unlock(&s->mu);
    return EVENTC_OK;
}

static void sub_close(eventc_subscriber *sub)
{
    nats_sub *s = (nats_sub *)sub;
    pthread_mutex_lock(&s->mu);
    if (s->closed) {
        pthread_mutex_unlock(&s->mu);
        return;
    }
    s->closed = true;
    /* Messages handed out and not settled, and those held, go back to the group now. */
    while (s->flying.head != NULL || s->held.head != NULL) {
        delivery *d = s->flying.head != NULL ? s->flying.head : s->held.head;
        list_remove(d->returned ? &s->flying : &s->held, d);
        if (send_nak(s, d, 0) == NATS_OK) {
            s->stats.nacked++;
        }
        list_push(&s->kept, d);
    }
    natsSubscription *inbox = s->inbox_sub;
    pthread_mutex_unlock(&s->mu);
    if (inbox != NULL) {
        /* Those already in the inbox too; then wake a blocked fetch. */
        natsMsg *nm = NULL;
        while (natsSubscription_NextMsg(&nm, inbox, 0) == NATS_OK) {
            const char *reply = natsMsg_GetReply(nm);
            if (reply != NULL && strncmp(reply, "$JS.ACK.", 8) == 0) {
                natsConnection_PublishString(s->nc, reply, "-NAK");
            }
            natsMsg_Destroy(nm);
        }
        natsSubscription_Unsubscribe(inbox);
    }
    natsConnection_FlushTimeout(s->nc, 1000);
    pthread_mutex_lock(&s->mu);
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

static void free_list(dlist *l)
{
    while (l->head != NULL) {
        delivery *d = l->head;
        list_remove(l, d);
        delivery_free(d);
    }
}

static void sub_free(nats_sub *s)
{
    free_list(&s->held);
    free_list(&s->flying);
    free_list(&s->kept);
    natsSubscription_Destroy(s->inbox_sub);
    natsStatistics_Destroy(s->nstats);
    jsCtx_Destroy(s->js);
    natsConnection_Destroy(s->nc);
    for (unsigned i = 0; s->pull_subjects != NULL && i < s->n_parts; i++) {
        free(s->pull_subjects[i]);
    }
    free(s->pull_subjects);
    free(s->parts);
    free(s->topic);
    free(s->group);
    nats_conf_free(&s->conf);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s);
}

static void sub_destroy(eventc_subscriber *sub)
{
    if (sub == NULL) {
        return;
    }
    nats_sub *s = (nats_sub *)sub;
    sub_close(sub);
    pthread_mutex_lock(&s->mu);
    while (s->fetching) {
        pthread_cond_wait(&s->cond, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    sub_free(s);
}

static const eventc_subscriber_methods sub_methods = {EVENTC_SUBSCRIBER_VERSION,
                                                      "nats",
                                                      sub_subscribe,
                                                      sub_fetch,
                                                      sub_ack,
                                                      sub_nack,
                                                      sub_close,
                                                      sub_destroy};

eventc_subscriber *eventc_nats_subscriber_new(const eventc_nats_config *cfg, eventc_error *err)
{
    nats_sub *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    if (nats_conf_copy(&s->conf, cfg, err) != EVENTC_OK) {
        free(s);
        return NULL;
    }
    s->base.methods = &sub_methods;
    pthread_mutex_init(&s->mu, NULL);
    nats_cond_init(&s->cond);
    eventc_status st = nats_connect(&s->conf, true, &s->nc, err);
    if (st == EVENTC_OK) {
        natsStatus r = natsConnection_JetStream(&s->js, s->nc, NULL);
        if (r == NATS_OK) {
            r = natsStatistics_Create(&s->nstats);
        }
        if (r != NATS_OK) {
            st = nats_fail(err, r, "cannot use JetStream");
        }
    }
    for (size_t i = 0; st == EVENTC_OK && i < cfg->n_topics; i++) {
        nats_stream ns;
        st = nats_stream_ensure(s->js, &s->conf, cfg->topics[i], &ns, err);
    }
    if (st != EVENTC_OK) {
        sub_free(s);
        return NULL;
    }
    return &s->base;
}

eventc_subscriber *eventc_nats_subscriber_factory(void *ctx, const char *topic, eventc_error *err)
{
    (void)topic;
    return eventc_nats_subscriber_new((const eventc_nats_config *)ctx, err);
}

eventc_status eventc_nats_subscriber_stats_get(eventc_subscriber *sub,
                                               eventc_nats_subscriber_stats *out)
{
    if (sub == NULL || sub->methods != &sub_methods || out == NULL) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    nats_sub *s = (nats_sub *)sub;
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    out->in_flight = s->flying.n;
    out->held = s->held.n;
    pthread_mutex_unlock(&s->mu);
    return EVENTC_OK;
}
