/* The webhook receiver's queues and its subscriber port (http_rx.h).
 *
 * A topic holds the events of the deliveries waiting for its consumers, in arrival order. As on
 * the in-memory bus, events with the same key also form a FIFO, and only the first event of a
 * key (its head) is handed out, so order per key holds across competing consumers, batches and
 * redeliveries. An event stays in the topic until it is settled: acked, nacked, rejected, or
 * ended with its request (ack timeout, close). Its request is answered once none of its events
 * is waiting or in flight.
 *
 * The attempt of a delivered event counts the deliveries of the same event (source and id) that
 * were not acked before: a nack answers its request 503 and the sender posts the event again, so
 * the count lives in a bounded table per topic, forgotten on ack (oldest first when full). */
#define _POSIX_C_SOURCE 200809L
#include "http_rx.h"
#include "keyq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rx_payload {
    size_t refs;
    eventc_ce_event event;
    char *key;   /* NULL: no key */
    char *ident; /* source "\n" id: the attempts table's key */
    size_t hash; /* of key */
} rx_payload;

typedef struct rx_delivery rx_delivery;

struct rx_entry {
    rx_entry *prev, *next; /* the topic's list, arrival order */
    eventc_keyq_item kq;   /* its place in the FIFO of its key */
    rx_payload *p;
    rx_request *req;
    uint32_t attempt;
    bool in_flight;
    rx_delivery *d;
};

typedef struct seen {
    struct seen *next; /* bucket chain */
    struct seen *older, *newer;
    char *ident;
    size_t hash;
    uint32_t attempts;
} seen;

struct rx_topic {
    rx_topic *next;
    char *name;
    char *group;
    rx_entry *first, *last;
    size_t count;
    size_t consumers; /* subscribed and not destroyed */
    eventc_keyq keys;
    pthread_cond_t ready;
    /* attempts of events delivered and not acked */
    seen **seen_buckets;
    size_t n_seen_buckets, n_seen;
    seen *oldest, *newest;
};

typedef struct rx_consumer rx_consumer;

struct rx_delivery {
    eventc_message msg; /* first: the message handed out is the delivery */
    rx_delivery *prev, *next;
    rx_consumer *owner;
    rx_entry *e; /* NULL once it no longer holds its entry */
    rx_payload *p;
};

struct rx_consumer {
    eventc_subscriber base;
    eventc_http_receiver *r;
    rx_topic *t;
    atomic_bool closed;
    rx_delivery *live;
};

static void payload_unref(rx_payload *p)
{
    if (--p->refs == 0) {
        eventc_ce_clear(&p->event);
        free(p->key);
        free(p->ident);
        free(p);
    }
}

/* ---- attempts of earlier deliveries ---- */

static seen *seen_find(rx_topic *t, const char *ident, size_t h)
{
    if (t->n_seen_buckets == 0) {
        return NULL;
    }
    for (seen *s = t->seen_buckets[h & (t->n_seen_buckets - 1)]; s != NULL; s = s->next) {
        if (s->hash == h && strcmp(s->ident, ident) == 0) {
            return s;
        }
    }
    return NULL;
}

static void seen_remove(rx_topic *t, seen *s)
{
    seen **link = &t->seen_buckets[s->hash & (t->n_seen_buckets - 1)];
    while (*link != s) {
        link = &(*link)->next;
    }
    *link = s->next;
    if (s->older != NULL) {
        s->older->newer = s->newer;
    } else {
        t->oldest = s->newer;
    }
    if (s->newer != NULL) {
        s->newer->older = s->older;
    } else {
        t->newest = s->older;
    }
    t->n_seen--;
    free(s->ident);
    free(s);
}

static uint32_t seen_attempts(rx_topic *t, const char *ident)
{
    seen *s = seen_find(t, ident, eventc_keyq_hash(ident));
    return s != NULL ? s->attempts : 0;
}

/* Records that the event `ident` was delivered `attempts` times without an ack. Best effort:
 * out of memory, the count is not kept (a later delivery then counts from 1). */
static void seen_set(const eventc_http_receiver *r, rx_topic *t, const char *ident,
                     uint32_t attempts)
{
    size_t h = eventc_keyq_hash(ident);
    seen *s = seen_find(t, ident, h);
    if (s != NULL) {
        s->attempts = attempts;
        return;
    }
    size_t cap = 4 * r->cfg.capacity;
    if (t->n_seen >= cap && t->oldest != NULL) {
        seen_remove(t, t->oldest);
    }
    if (t->n_seen_buckets == 0) {
        size_t n = 64;
        while (n < cap) {
            n *= 2;
        }
        if ((t->seen_buckets = calloc(n, sizeof(seen *))) == NULL) {
            return;
        }
        t->n_seen_buckets = n;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->ident = http_strdup(ident)) == NULL) {
        free(s);
        return;
    }
    s->hash = h;
    s->attempts = attempts;
    s->next = t->seen_buckets[h & (t->n_seen_buckets - 1)];
    t->seen_buckets[h & (t->n_seen_buckets - 1)] = s;
    s->older = t->newest;
    if (t->newest != NULL) {
        t->newest->newer = s;
    } else {
        t->oldest = s;
    }
    t->newest = s;
    t->n_seen++;
}

static void seen_forget(rx_topic *t, const char *ident)
{
    seen *s = seen_find(t, ident, eventc_keyq_hash(ident));
    if (s != NULL) {
        seen_remove(t, s);
    }
}

/* ---- topics ---- */

rx_topic *rx_topic_find(eventc_http_receiver *r, const char *name)
{
    for (rx_topic *t = r->topics; t != NULL; t = t->next) {
        if (strcmp(t->name, name) == 0) {
            return t;
        }
    }
    return NULL;
}

const char *rx_topic_name(const rx_topic *t)
{
    return t->name;
}

bool rx_topic_has_room(const eventc_http_receiver *r, const rx_topic *t, size_t n)
{
    return t->count + n <= r->cfg.capacity;
}

static void topic_free(rx_topic *t)
{
    rx_entry *e = t->first;
    while (e != NULL) {
        rx_entry *next = e->next;
        payload_unref(e->p);
        free(e);
        e = next;
    }
    eventc_keyq_free(&t->keys);
    while (t->oldest != NULL) {
        seen_remove(t, t->oldest);
    }
    free(t->seen_buckets);
    pthread_cond_destroy(&t->ready);
    free(t->name);
    free(t->group);
    free(t);
}

void rx_topics_free(eventc_http_receiver *r)
{
    rx_topic *t = r->topics;
    while (t != NULL) {
        rx_topic *next = t->next;
        topic_free(t);
        t = next;
    }
    r->topics = NULL;
}

void rx_wake_all(eventc_http_receiver *r)
{
    for (rx_topic *t = r->topics; t != NULL; t = t->next) {
        pthread_cond_broadcast(&t->ready);
    }
}

/* ---- entries ---- */

/* Takes a settled or abandoned entry out of its topic (it is the head of its key, or was never
 * delivered: a pending sibling of a batch). */
static void entry_remove(eventc_http_receiver *r, rx_topic *t, rx_entry *e)
{
    if (e->prev != NULL) {
        e->prev->next = e->next;
    } else {
        t->first = e->next;
    }
    if (e->next != NULL) {
        e->next->prev = e->prev;
    } else {
        t->last = e->prev;
    }
    t->count--;
    r->events_now--;
    eventc_keyq_remove(&t->keys, &e->kq);
    if (e->d != NULL) {
        e->d->e = NULL;
    }
    payload_unref(e->p);
    free(e);
    pthread_cond_broadcast(&t->ready); /* a new head may be deliverable */
}

/* The key of an event: its partitionkey extension, as a canonical string. */
static eventc_status event_key(const eventc_ce_event *ev, char **out)
{
    *out = NULL;
    const eventc_ce_value *v = eventc_ce_get_ext(ev, "partitionkey");
    if (v == NULL) {
        return EVENTC_OK;
    }
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    eventc_status st = eventc_ce_value_to_string(v, &b);
    if (st == EVENTC_OK) {
        *out = eventc_buf_detach(&b, NULL);
        st = *out != NULL ? EVENTC_OK : EVENTC_E_NOMEM;
    }
    eventc_buf_free(&b);
    return st;
}

static char *event_ident(const eventc_ce_event *ev)
{
    size_t ns = strlen(ev->source), ni = strlen(ev->id);
    char *s = malloc(ns + ni + 2);
    if (s != NULL) {
        memcpy(s, ev->source, ns);
        s[ns] = '\n';
        memcpy(s + ns + 1, ev->id, ni + 1);
    }
    return s;
}

eventc_status rx_queue_events(eventc_http_receiver *r, rx_request *req, eventc_ce_batch *b)
{
    rx_topic *t = req->topic;
    size_t n = b->n_events;
    rx_entry **es = calloc(n > 0 ? n : 1, sizeof(*es));
    eventc_keyq_node **nodes = calloc(n > 0 ? n : 1, sizeof(*nodes));
    bool ok = es != NULL && nodes != NULL;
    /* Everything that can fail first, so that a failure queues nothing. */
    for (size_t i = 0; ok && i < n; i++) {
        rx_entry *e = es[i] = calloc(1, sizeof(rx_entry));
        rx_payload *p = e != NULL ? calloc(1, sizeof(rx_payload)) : NULL;
        if (p == NULL) {
            ok = false;
            break;
        }
        e->p = p;
        p->refs = 1;
        ok = event_key(&b->events[i], &p->key) == EVENTC_OK &&
             (p->ident = event_ident(&b->events[i])) != NULL;
        if (ok && p->key != NULL) {
            p->hash = eventc_keyq_hash(p->key);
            ok = eventc_keyq_prepare(&t->keys, p->key, p->hash, n + 1, &nodes[i]);
        }
    }
    if (!ok) {
        for (size_t i = 0; es != NULL && i < n; i++) {
            if (es[i] != NULL && es[i]->p != NULL) {
                free(es[i]->p->key);
                free(es[i]->p->ident);
                free(es[i]->p);
            }
            free(es[i]);
            if (nodes != NULL) {
                free(nodes[i]);
            }
        }
        free(es);
        free(nodes);
        return EVENTC_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        rx_entry *e = es[i];
        rx_payload *p = e->p;
        p->event = b->events[i]; /* moved: the payload owns its arena now */
        e->req = req;
        e->attempt = seen_attempts(t, p->ident);
        e->prev = t->last;
        if (t->last != NULL) {
            t->last->next = e;
        } else {
            t->first = e;
        }
        t->last = e;
        t->count++;
        eventc_keyq_push(&t->keys, &e->kq, p->key, p->hash, &nodes[i]);
    }
    for (size_t i = 0; i < n; i++) {
        free(nodes[i]);
    }
    free(nodes);
    b->n_events = 0; /* the events belong to the entries */
    eventc_ce_batch_clear(b);
    req->entries = es;
    req->n_entries = n;
    req->outstanding = n;
    r->events_now += n;
    r->stats.events_queued += n;
    if (r->events_now > r->stats.peak_events) {
        r->stats.peak_events = r->events_now;
    }
    pthread_cond_broadcast(&t->ready);
    return EVENTC_OK;
}

/* ---- requests ---- */

static void unlink_waiting(eventc_http_receiver *r, rx_request *req)
{
    if (req->wait_prev != NULL) {
        req->wait_prev->wait_next = req->wait_next;
    } else if (r->waiting == req) {
        r->waiting = req->wait_next;
    }
    if (req->wait_next != NULL) {
        req->wait_next->wait_prev = req->wait_prev;
    } else if (r->waiting_tail == req) {
        r->waiting_tail = req->wait_prev;
    }
    req->wait_prev = req->wait_next = NULL;
}

/* Drops the request's entries that were not handed out (they will come again, or never). */
static void drop_pending(eventc_http_receiver *r, rx_request *req)
{
    for (size_t i = 0; i < req->n_entries; i++) {
        rx_entry *e = req->entries[i];
        if (e != NULL && !e->in_flight) {
            req->entries[i] = NULL;
            req->outstanding--;
            entry_remove(r, req->topic, e);
        }
    }
}

/* The request has nothing outstanding: decide its answer and queue it for resumption. */
static void finish(eventc_http_receiver *r, rx_request *req, rx_request **resume)
{
    if (req->outcome == RX_WAITING) {
        req->outcome = RX_ACKED;
    }
    unlink_waiting(r, req);
    if (req->c != NULL) {
        pthread_mutex_lock(&r->conn_lock); /* always taken after the receiver's lock */
        req->c->waiting = false;
        pthread_mutex_unlock(&r->conn_lock);
    }
    if (req->suspended) {
        req->suspended = false;
        req->resume_next = *resume;
        *resume = req;
    }
}

void rx_request_end(eventc_http_receiver *r, rx_request *req, rx_outcome outcome,
                    rx_request **resume)
{
    if (req->outcome == RX_WAITING || req->outcome == RX_ACKED) {
        req->outcome = outcome;
    }
    drop_pending(r, req);
    for (size_t i = 0; i < req->n_entries; i++) {
        rx_entry *e = req->entries[i];
        if (e == NULL) {
            continue;
        }
        /* in flight: its consumer's ack will fail with EVENTC_E_TIMEOUT */
        req->entries[i] = NULL;
        req->outstanding--;
        seen_set(r, req->topic, e->p->ident, e->attempt);
        if (outcome == RX_EXPIRED) {
            r->stats.events_expired++;
        }
        entry_remove(r, req->topic, e);
    }
    finish(r, req, resume);
}

void rx_request_forget(eventc_http_receiver *r, rx_request *req)
{
    if (req->outstanding > 0) {
        /* Not expected (a request completes only once answered), but nothing may keep
         * pointing at it. */
        rx_request *none = NULL;
        req->suspended = false;
        rx_request_end(r, req, RX_CLOSED, &none);
    }
    unlink_waiting(r, req);
    free(req->entries);
    req->entries = NULL;
    req->n_entries = 0;
}

void rx_resume(rx_request *list)
{
    while (list != NULL) {
        rx_request *next = list->resume_next;
        list->resume_next = NULL;
        MHD_resume_connection(list->conn);
        list = next;
    }
}

/* Settles an entry its consumer handled (ack), refused (nack) or rejected. */
static void settle_entry(eventc_http_receiver *r, rx_entry *e, rx_outcome how, uint32_t delay,
                         const eventc_error *reason, rx_request **resume)
{
    rx_request *req = e->req;
    for (size_t i = 0; i < req->n_entries; i++) {
        if (req->entries[i] == e) {
            req->entries[i] = NULL;
            break;
        }
    }
    req->outstanding--;
    if (how == RX_ACKED) {
        r->stats.events_acked++;
        seen_forget(req->topic, e->p->ident);
    } else {
        seen_set(r, req->topic, e->p->ident, e->attempt);
        if (how == RX_NACKED) {
            r->stats.events_nacked++;
            if (delay > req->max_delay_ms) {
                req->max_delay_ms = delay;
            }
        } else {
            r->stats.events_rejected++;
            if (req->outcome != RX_REJECTED && reason != NULL) {
                req->reason = *reason;
            }
        }
        if (req->outcome == RX_WAITING || req->outcome == RX_NACKED) {
            req->outcome = how;
        }
        /* The request will not succeed: what was not handed out yet is not handled. */
        drop_pending(r, req);
    }
    entry_remove(r, req->topic, e);
    if (req->outstanding == 0) {
        finish(r, req, resume);
    }
}

/* ---- the subscriber port ---- */

static eventc_status rx_subscribe(eventc_subscriber *sub, const char *topic, const char *group,
                                  eventc_error *err)
{
    rx_consumer *c = (rx_consumer *)sub;
    eventc_http_receiver *r = c->r;
    if (c->t != NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "this subscriber is already subscribed (to %s)", c->t->name);
    }
    if (strchr(topic, '/') != NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic",
                                "an HTTP topic is one path segment: '%s' holds a '/'", topic);
    }
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&r->lock);
    rx_topic *t = rx_topic_find(r, topic);
    if (atomic_load(&c->closed) || r->closed) {
        st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "closed");
    } else if (t != NULL && strcmp(t->group, group) != 0 && (t->consumers > 0 || t->count > 0)) {
        st = eventc_error_set(err, EVENTC_E_UNSUPPORTED, "group",
                              "topic %s has consumers in group %s, and an HTTP receiver keeps one "
                              "group per topic",
                              topic, t->group);
    } else if (t != NULL && strcmp(t->group, group) != 0) {
        char *g = http_strdup(group); /* nobody left in the old group: the new one takes over */
        if (g == NULL) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        } else {
            free(t->group);
            t->group = g;
        }
    } else if (t == NULL) {
        t = calloc(1, sizeof(*t));
        if (t == NULL || (t->name = http_strdup(topic)) == NULL ||
            (t->group = http_strdup(group)) == NULL || http_cond_init(&t->ready) != 0) {
            if (t != NULL) {
                free(t->name);
                free(t->group);
            }
            free(t);
            t = NULL;
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        } else {
            t->next = r->topics;
            r->topics = t;
        }
    }
    if (st == EVENTC_OK) {
        c->t = t;
        t->consumers++;
    }
    pthread_mutex_unlock(&r->lock);
    return st;
}

static rx_delivery *deliver(rx_consumer *c, rx_entry *e)
{
    rx_delivery *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return NULL;
    }
    e->attempt++;
    e->in_flight = true;
    e->d = d;
    d->e = e;
    d->p = e->p;
    d->p->refs++;
    d->owner = c;
    /* A read-only view of the event: no arena of its own. */
    d->msg.event = e->p->event;
    d->msg.event.arena_ = NULL;
    d->msg.event.exts_cap_ = 0;
    d->msg.topic = c->t->name;
    d->msg.key = e->p->key;
    d->msg.attempt = e->attempt;
    d->msg.handle = d;
    d->next = c->live;
    if (c->live != NULL) {
        c->live->prev = d;
    }
    c->live = d;
    return d;
}

static eventc_status rx_fetch(eventc_subscriber *sub, size_t max, int timeout_ms,
                              eventc_message **out, size_t *n, eventc_error *err)
{
    rx_consumer *c = (rx_consumer *)sub;
    eventc_http_receiver *r = c->r;
    *n = 0;
    if (c->t == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "fetch before subscribe");
    }
    rx_topic *t = c->t;
    int64_t deadline = timeout_ms < 0 ? -1 : http_mono_ms() + timeout_ms;
    eventc_status st = EVENTC_OK;
    size_t got = 0;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        if (atomic_load(&c->closed) || r->closed) {
            st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
            break;
        }
        bool nomem = false;
        for (rx_entry *e = t->first; e != NULL && got < max; e = e->next) {
            if (e->in_flight || !e->kq.head) {
                continue;
            }
            rx_delivery *d = deliver(c, e);
            if (d == NULL) {
                nomem = got == 0;
                break;
            }
            out[got++] = &d->msg;
        }
        if (got > 0) {
            break;
        }
        if (nomem) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            break;
        }
        if (deadline >= 0 && http_mono_ms() >= deadline) {
            st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, "no message within %d ms",
                                  timeout_ms);
            break;
        }
        http_cond_wait_until(&t->ready, &r->lock, deadline);
    }
    pthread_mutex_unlock(&r->lock);
    *n = got;
    return st;
}

static void delivery_free(rx_consumer *c, rx_delivery *d)
{
    if (d->prev != NULL) {
        d->prev->next = d->next;
    } else {
        c->live = d->next;
    }
    if (d->next != NULL) {
        d->next->prev = d->prev;
    }
    if (d->e != NULL) {
        d->e->d = NULL;
    }
    payload_unref(d->p);
    free(d);
}

static const eventc_subscriber_methods rx_subscriber_methods;

static eventc_status settle(eventc_subscriber *sub, eventc_message *m, rx_outcome how,
                            uint32_t delay, const eventc_error *reason, eventc_error *err)
{
    rx_consumer *c = (rx_consumer *)sub;
    rx_delivery *d = m != NULL ? (rx_delivery *)m->handle : NULL;
    if (c->t == NULL || d == NULL || (eventc_message *)d != m || d->owner != c) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "not a message this subscriber delivered");
    }
    eventc_http_receiver *r = c->r;
    eventc_status st = EVENTC_OK;
    rx_request *resume = NULL;
    pthread_mutex_lock(&r->lock);
    if (atomic_load(&c->closed)) {
        st = eventc_error_set(err, EVENTC_E_CLOSED, NULL,
                              "the subscriber is closed; the message was given back");
        pthread_mutex_unlock(&r->lock);
        return st;
    }
    rx_entry *e = d->e;
    if (e == NULL) {
        st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL,
                              "its delivery was answered before it was settled (ack timeout or "
                              "close); the sender delivers it again");
    } else {
        e->d = NULL;
        d->e = NULL;
        settle_entry(r, e, how, delay, reason, &resume);
    }
    delivery_free(c, d);
    pthread_mutex_unlock(&r->lock);
    rx_resume(resume);
    return st;
}

static eventc_status rx_ack(eventc_subscriber *sub, eventc_message *m, eventc_error *err)
{
    return settle(sub, m, RX_ACKED, 0, NULL, err);
}

static eventc_status rx_nack(eventc_subscriber *sub, eventc_message *m, uint32_t delay_ms,
                             eventc_error *err)
{
    return settle(sub, m, RX_NACKED, delay_ms, NULL, err);
}

eventc_status eventc_http_reject(eventc_subscriber *sub, eventc_message *m,
                                 const eventc_error *reason, eventc_error *err)
{
    if (sub == NULL || sub->methods != &rx_subscriber_methods) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "not a subscriber of an HTTP receiver");
    }
    eventc_error why;
    if (reason != NULL) {
        why = *reason;
    } else {
        eventc_error_set(&why, EVENTC_E_INVALID_ARGUMENT, NULL, "rejected by the consumer");
    }
    return settle(sub, m, RX_REJECTED, 0, &why, err);
}

static void rx_close_sub(eventc_subscriber *sub)
{
    rx_consumer *c = (rx_consumer *)sub;
    eventc_http_receiver *r = c->r;
    pthread_mutex_lock(&r->lock);
    if (!atomic_load(&c->closed)) {
        atomic_store(&c->closed, true);
        /* Unsettled messages go back to the topic, in place, for another consumer. */
        for (rx_delivery *d = c->live; d != NULL; d = d->next) {
            if (d->e != NULL) {
                d->e->in_flight = false;
                d->e->d = NULL;
                d->e = NULL;
            }
        }
    }
    if (c->t != NULL) {
        pthread_cond_broadcast(&c->t->ready);
    }
    pthread_mutex_unlock(&r->lock);
}

static void rx_destroy_sub(eventc_subscriber *sub)
{
    rx_consumer *c = (rx_consumer *)sub;
    rx_close_sub(sub);
    pthread_mutex_lock(&c->r->lock);
    while (c->live != NULL) {
        delivery_free(c, c->live);
    }
    if (c->t != NULL) {
        c->t->consumers--;
    }
    pthread_mutex_unlock(&c->r->lock);
    free(c);
}

static const eventc_subscriber_methods rx_subscriber_methods = {EVENTC_SUBSCRIBER_VERSION,
                                                                "http",
                                                                rx_subscribe,
                                                                rx_fetch,
                                                                rx_ack,
                                                                rx_nack,
                                                                rx_close_sub,
                                                                rx_destroy_sub};

eventc_subscriber *eventc_http_receiver_subscriber(eventc_http_receiver *r, eventc_error *err)
{
    rx_consumer *c = r != NULL ? calloc(1, sizeof(*c)) : NULL;
    if (c == NULL) {
        eventc_error_set(err, r == NULL ? EVENTC_E_INVALID_ARGUMENT : EVENTC_E_NOMEM, NULL,
                         r == NULL ? "no receiver" : "out of memory");
        return NULL;
    }
    c->base.methods = &rx_subscriber_methods;
    c->r = r;
    atomic_init(&c->closed, false);
    return &c->base;
}

eventc_subscriber *eventc_http_subscriber_factory(void *ctx, const char *topic, eventc_error *err)
{
    (void)topic;
    return eventc_http_receiver_subscriber(ctx, err);
}
