/* The in-memory bus (bus.h).
 *
 * A topic holds its groups; a group holds every unacked message in publish order (a doubly
 * linked list of entries). Entries with the same key also form a FIFO per key, found through a
 * hash table, and only the first entry of a key (its "head") may be delivered: that is what keeps
 * order per key with competing consumers and redeliveries. The event of a published message is
 * copied once into a payload shared by the entries of every group (reference counted under the
 * topic's mutex).
 *
 * Locks: the registry mutex guards the list of topics; each topic's mutex guards its groups, their
 * entries, the consumers' deliveries and the payloads' counts. Nothing takes two at once. */
#define _POSIX_C_SOURCE 200809L
#include "eventc/bus.h"
#include "shared/keyq.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct payload {
    size_t refs;
    eventc_ce_event event;
    char *key; /* NULL: no key */
} payload;

typedef struct delivery delivery;

typedef struct entry {
    struct entry *prev, *next; /* the group's list, publish order */
    eventc_keyq_item kq;       /* its place in the FIFO of its key */
    payload *p;
    uint32_t attempt;   /* deliveries so far */
    int64_t visible_at; /* pending: earliest delivery; in flight: visibility deadline */
    bool in_flight;
    delivery *d; /* the delivery holding it while in flight */
} entry;

typedef struct group {
    struct group *next;
    char *name;
    entry *first, *last;
    size_t count;
    eventc_keyq keys;
    pthread_cond_t ready;
} group;

typedef struct topic {
    struct topic *next;
    char *name;
    pthread_mutex_t lock;
    pthread_cond_t space;
    group *groups;
} topic;

struct eventc_bus {
    eventc_bus_config cfg;
    bool default_clock;
    atomic_bool closed;
    pthread_mutex_t lock;
    topic *topics;
};

typedef struct consumer consumer;

struct delivery {
    eventc_message msg; /* first: the message handed out is the delivery */
    delivery *prev, *next;
    consumer *owner;
    entry *e; /* NULL once it no longer holds its entry (expired, or the consumer closed) */
    payload *p;
};

struct consumer {
    eventc_subscriber base;
    eventc_bus *bus;
    topic *t;
    group *g;
    atomic_bool closed;
    delivery *live; /* every delivery not settled yet; guarded by t->lock once subscribed */
};

typedef struct producer {
    eventc_publisher base;
    eventc_bus *bus;
} producer;

/* ---- helpers ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

static int cond_init(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) {
        return -1;
    }
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

static int64_t mono_ms(void)
{
    return eventc_clock_now(NULL);
}

/* Waits on `c` until the monotonic time `until_ms` (negative: no limit). */
static void wait_until(pthread_cond_t *c, pthread_mutex_t *m, int64_t until_ms)
{
    if (until_ms < 0) {
        pthread_cond_wait(c, m);
        return;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)(until_ms / 1000);
    ts.tv_nsec = (long)(until_ms % 1000) * 1000000L;
    pthread_cond_timedwait(c, m, &ts);
}

static int64_t bus_now(const eventc_bus *bus)
{
    return eventc_clock_now(bus->cfg.clock);
}

static void payload_unref(payload *p)
{
    if (--p->refs == 0) {
        eventc_ce_clear(&p->event);
        free(p->key);
        free(p);
    }
}

/* ---- groups and topics ---- */

static void group_unlink(group *g, entry *e)
{
    if (e->prev != NULL) {
        e->prev->next = e->next;
    } else {
        g->first = e->next;
    }
    if (e->next != NULL) {
        e->next->prev = e->prev;
    } else {
        g->last = e->prev;
    }
    g->count--;
}

/* Removes a settled (acked) entry, which is the head of its key. */
static void entry_remove(group *g, entry *e)
{
    group_unlink(g, e);
    eventc_keyq_remove(&g->keys, &e->kq);
    payload_unref(e->p);
    free(e);
}

static void group_free(group *g)
{
    entry *e = g->first;
    while (e != NULL) {
        entry *next = e->next;
        payload_unref(e->p);
        free(e);
        e = next;
    }
    eventc_keyq_free(&g->keys);
    pthread_cond_destroy(&g->ready);
    free(g->name);
    free(g);
}

static topic *topic_get(eventc_bus *bus, const char *name, eventc_error *err)
{
    pthread_mutex_lock(&bus->lock);
    topic *t;
    for (t = bus->topics; t != NULL; t = t->next) {
        if (strcmp(t->name, name) == 0) {
            break;
        }
    }
    if (t == NULL) {
        t = calloc(1, sizeof(*t));
        if (t != NULL && (t->name = dup_str(name)) != NULL &&
            pthread_mutex_init(&t->lock, NULL) == 0) {
            if (cond_init(&t->space) == 0) {
                t->next = bus->topics;
                bus->topics = t;
            } else {
                pthread_mutex_destroy(&t->lock);
                free(t->name);
                free(t);
                t = NULL;
            }
        } else if (t != NULL) {
            free(t->name);
            free(t);
            t = NULL;
        }
    }
    pthread_mutex_unlock(&bus->lock);
    if (t == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    return t;
}

static group *group_find(topic *t, const char *name)
{
    for (group *g = t->groups; g != NULL; g = g->next) {
        if (strcmp(g->name, name) == 0) {
            return g;
        }
    }
    return NULL;
}

/* ---- the bus ---- */

eventc_bus_config eventc_bus_config_default(void)
{
    eventc_bus_config c;
    memset(&c, 0, sizeof(c));
    c.capacity = 1024;
    c.publish_timeout_ms = 1000;
    c.visibility_timeout_ms = 30000;
    return c;
}

eventc_bus *eventc_bus_new(const eventc_bus_config *cfg, eventc_error *err)
{
    eventc_bus_config c = cfg != NULL ? *cfg : eventc_bus_config_default();
    if (c.capacity == 0) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "capacity", "capacity must be >= 1");
        return NULL;
    }
    eventc_bus *bus = calloc(1, sizeof(*bus));
    if (bus == NULL || pthread_mutex_init(&bus->lock, NULL) != 0) {
        free(bus);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    bus->cfg = c;
    bus->default_clock = c.clock == NULL;
    atomic_init(&bus->closed, false);
    return bus;
}

void eventc_bus_close(eventc_bus *bus)
{
    if (bus == NULL) {
        return;
    }
    atomic_store(&bus->closed, true);
    pthread_mutex_lock(&bus->lock);
    for (topic *t = bus->topics; t != NULL; t = t->next) {
        pthread_mutex_lock(&t->lock);
        pthread_cond_broadcast(&t->space);
        for (group *g = t->groups; g != NULL; g = g->next) {
            pthread_cond_broadcast(&g->ready);
        }
        pthread_mutex_unlock(&t->lock);
    }
    pthread_mutex_unlock(&bus->lock);
}

void eventc_bus_free(eventc_bus *bus)
{
    if (bus == NULL) {
        return;
    }
    topic *t = bus->topics;
    while (t != NULL) {
        topic *next = t->next;
        group *g = t->groups;
        while (g != NULL) {
            group *gn = g->next;
            group_free(g);
            g = gn;
        }
        pthread_cond_destroy(&t->space);
        pthread_mutex_destroy(&t->lock);
        free(t->name);
        free(t);
        t = next;
    }
    pthread_mutex_destroy(&bus->lock);
    free(bus);
}

size_t eventc_bus_pending(eventc_bus *bus, const char *topic_name, const char *group_name)
{
    size_t n = 0;
    pthread_mutex_lock(&bus->lock);
    topic *t = bus->topics;
    while (t != NULL && strcmp(t->name, topic_name) != 0) {
        t = t->next;
    }
    pthread_mutex_unlock(&bus->lock);
    if (t != NULL) {
        pthread_mutex_lock(&t->lock);
        group *g = group_find(t, group_name);
        n = g != NULL ? g->count : 0;
        pthread_mutex_unlock(&t->lock);
    }
    return n;
}

/* ---- publishing ---- */

static bool has_room(const topic *t, size_t capacity)
{
    for (const group *g = t->groups; g != NULL; g = g->next) {
        if (g->count >= capacity) {
            return false;
        }
    }
    return true;
}

/* Appends an entry of `p` to every group of `t` (room was checked). On allocation failure
 * nothing is appended. */
static eventc_status enqueue(topic *t, payload *p, eventc_error *err)
{
    size_t n = 0;
    for (group *g = t->groups; g != NULL; g = g->next) {
        n++;
    }
    if (n == 0) {
        return EVENTC_OK;
    }
    entry **es = calloc(n, sizeof(*es));
    bool ok = es != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        es[i] = calloc(1, sizeof(entry));
        ok = es[i] != NULL;
    }
    /* Make sure each group can index the key before changing anything. */
    eventc_keyq_node **nodes = ok ? calloc(n, sizeof(*nodes)) : NULL;
    ok = ok && nodes != NULL;
    size_t h = p->key != NULL ? eventc_keyq_hash(p->key) : 0;
    size_t i = 0;
    for (group *g = t->groups; ok && g != NULL; g = g->next, i++) {
        ok = eventc_keyq_prepare(&g->keys, p->key, h, 1, &nodes[i]);
    }
    if (!ok) {
        for (size_t j = 0; es != NULL && j < n; j++) {
            free(es[j]);
            if (nodes != NULL) {
                free(nodes[j]);
            }
        }
        free(es);
        free(nodes);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    i = 0;
    for (group *g = t->groups; g != NULL; g = g->next, i++) {
        entry *e = es[i];
        e->p = p;
        p->refs++;
        e->prev = g->last;
        if (g->last != NULL) {
            g->last->next = e;
        } else {
            g->first = e;
        }
        g->last = e;
        g->count++;
        eventc_keyq_push(&g->keys, &e->kq, p->key, h, &nodes[i]);
        pthread_cond_broadcast(&g->ready);
    }
    for (size_t j = 0; j < n; j++) {
        free(nodes[j]);
    }
    free(es);
    free(nodes);
    return EVENTC_OK;
}

static eventc_status publish_one(producer *pr, const char *topic_name, const eventc_message *m,
                                 eventc_error *err)
{
    eventc_bus *bus = pr->bus;
    const char *name = topic_name != NULL ? topic_name : m->topic;
    if (name == NULL || name[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic", "no topic");
    }
    if (atomic_load(&bus->closed)) {
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the bus is closed");
    }
    eventc_status st = eventc_ce_validate(&m->event, err);
    if (st != EVENTC_OK) {
        return st;
    }
    topic *t = topic_get(bus, name, err);
    if (t == NULL) {
        return EVENTC_E_NOMEM;
    }
    /* Copy outside the lock. */
    payload *p = calloc(1, sizeof(*p));
    if (p == NULL || (m->key != NULL && (p->key = dup_str(m->key)) == NULL)) {
        free(p);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_ce_init(&p->event, NULL);
    st = eventc_ce_copy(&p->event, &m->event, NULL, err);
    if (st != EVENTC_OK) {
        free(p->key);
        free(p);
        return st;
    }
    p->refs = 1; /* ours, until the entries hold it */
    int64_t deadline =
        mono_ms() + (bus->cfg.publish_timeout_ms > 0 ? bus->cfg.publish_timeout_ms : 0);
    pthread_mutex_lock(&t->lock);
    for (;;) {
        if (atomic_load(&bus->closed)) {
            st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the bus is closed");
            break;
        }
        if (has_room(t, bus->cfg.capacity)) {
            st = enqueue(t, p, err);
            break;
        }
        if (mono_ms() >= deadline) {
            st = eventc_error_set(err, EVENTC_E_FULL, "topic",
                                  "topic %s: a group holds %zu unacked messages (its capacity) "
                                  "and none was acked in time",
                                  t->name, bus->cfg.capacity);
            break;
        }
        wait_until(&t->space, &t->lock, deadline);
    }
    payload_unref(p);
    pthread_mutex_unlock(&t->lock);
    return st;
}

static eventc_status bus_publish(eventc_publisher *pub, const char *topic_name,
                                 const eventc_message *const *msgs, size_t n,
                                 eventc_error *outcomes, eventc_error *err)
{
    producer *pr = (producer *)pub;
    eventc_status first = EVENTC_OK;
    for (size_t i = 0; i < n; i++) {
        eventc_error e;
        eventc_error_clear(&e);
        eventc_status st = publish_one(pr, topic_name, msgs[i], &e);
        if (outcomes != NULL) {
            outcomes[i] = e;
            outcomes[i].code = st;
        }
        if (st != EVENTC_OK && first == EVENTC_OK) {
            first = st;
            char path[32];
            snprintf(path, sizeof(path), "[%zu]", i);
            eventc_error_set(err, st, path, "%s", e.message);
        }
    }
    return first;
}

static eventc_status bus_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    (void)pub;
    (void)timeout_ms;
    (void)err;
    return EVENTC_OK; /* publish already enqueued everything */
}

static void bus_pub_close(eventc_publisher *pub)
{
    free(pub);
}

static const eventc_publisher_methods bus_publisher_methods = {
    EVENTC_PUBLISHER_VERSION, "memory", bus_publish, bus_flush, bus_pub_close};

eventc_publisher *eventc_bus_publisher(eventc_bus *bus)
{
    producer *pr = calloc(1, sizeof(*pr));
    if (pr == NULL) {
        return NULL;
    }
    pr->base.methods = &bus_publisher_methods;
    pr->bus = bus;
    return &pr->base;
}

/* ---- consuming ---- */

static eventc_status bus_subscribe(eventc_subscriber *sub, const char *topic_name,
                                   const char *group_name, eventc_error *err)
{
    consumer *c = (consumer *)sub;
    if (c->t != NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "this subscriber is already subscribed (to %s)", c->t->name);
    }
    if (atomic_load(&c->closed) || atomic_load(&c->bus->closed)) {
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL, "closed");
    }
    topic *t = topic_get(c->bus, topic_name, err);
    if (t == NULL) {
        return EVENTC_E_NOMEM;
    }
    pthread_mutex_lock(&t->lock);
    group *g = group_find(t, group_name);
    if (g == NULL) {
        g = calloc(1, sizeof(*g));
        if (g == NULL || (g->name = dup_str(group_name)) == NULL || cond_init(&g->ready) != 0) {
            if (g != NULL) {
                free(g->name);
            }
            free(g);
            pthread_mutex_unlock(&t->lock);
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        g->next = t->groups;
        t->groups = g;
    }
    c->g = g;
    c->t = t;
    pthread_mutex_unlock(&t->lock);
    return EVENTC_OK;
}

/* Gives an in-flight entry back to its group (visible at `at`); detaches its delivery. */
static void release_entry(entry *e, int64_t at)
{
    e->in_flight = false;
    e->visible_at = at;
    if (e->d != NULL) {
        e->d->e = NULL;
        e->d = NULL;
    }
}

static void delivery_free(consumer *c, delivery *d)
{
    if (d->prev != NULL) {
        d->prev->next = d->next;
    } else {
        c->live = d->next;
    }
    if (d->next != NULL) {
        d->next->prev = d->prev;
    }
    payload_unref(d->p);
    free(d);
}

static delivery *deliver(consumer *c, entry *e, int64_t now)
{
    delivery *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return NULL;
    }
    e->attempt++;
    e->in_flight = true;
    e->visible_at = now + (int64_t)c->bus->cfg.visibility_timeout_ms;
    e->d = d;
    d->e = e;
    d->p = e->p;
    d->p->refs++;
    d->owner = c;
    /* A read-only view of the shared event: no arena of its own. */
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

static eventc_status bus_fetch(eventc_subscriber *sub, size_t max, int timeout_ms,
                               eventc_message **out, size_t *n, eventc_error *err)
{
    consumer *c = (consumer *)sub;
    eventc_bus *bus = c->bus;
    if (c->t == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "fetch before subscribe");
    }
    topic *t = c->t;
    group *g = c->g;
    int64_t deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    eventc_status st = EVENTC_OK;
    size_t got = 0;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        if (atomic_load(&c->closed) || atomic_load(&bus->closed)) {
            st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "the subscriber is closed");
            break;
        }
        int64_t now = bus_now(bus);
        int64_t next_wake = INT64_MAX;
        bool freed = false, nomem = false;
        for (entry *e = g->first; e != NULL && got < max; e = e->next) {
            if (e->in_flight) {
                if (e->visible_at > now) {
                    if (e->visible_at < next_wake) {
                        next_wake = e->visible_at;
                    }
                    continue;
                }
                release_entry(e, now); /* visibility timeout: redeliver */
                freed = true;
            }
            if (!e->kq.head) {
                continue;
            }
            if (e->visible_at > now) {
                if (e->visible_at < next_wake) {
                    next_wake = e->visible_at;
                }
                continue;
            }
            delivery *d = deliver(c, e, now);
            if (d == NULL) {
                nomem = got == 0;
                break;
            }
            out[got++] = &d->msg;
        }
        if (freed) {
            pthread_cond_broadcast(&g->ready);
        }
        if (got > 0) {
            break;
        }
        if (nomem) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            break;
        }
        int64_t mono = mono_ms();
        if (deadline >= 0 && mono >= deadline) {
            st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, "no message within %d ms",
                                  timeout_ms);
            break;
        }
        int64_t until = deadline;
        if (next_wake != INT64_MAX) {
            /* With the real clock, wake exactly when something becomes visible; another clock
             * may move at any moment, so look again soon. */
            int64_t wake = bus->default_clock ? mono + (next_wake - now) : mono + 5;
            if (until < 0 || wake < until) {
                until = wake;
            }
        }
        wait_until(&g->ready, &t->lock, until);
    }
    pthread_mutex_unlock(&t->lock);
    *n = got;
    return st;
}

static eventc_status settle(eventc_subscriber *sub, eventc_message *m, bool ack, uint32_t delay,
                            eventc_error *err)
{
    consumer *c = (consumer *)sub;
    delivery *d = (delivery *)m->handle;
    if (c->t == NULL || d == NULL || (eventc_message *)d != m || d->owner != c) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "not a message this subscriber delivered");
    }
    topic *t = c->t;
    group *g = c->g;
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&t->lock);
    if (atomic_load(&c->closed)) {
        st = eventc_error_set(err, EVENTC_E_CLOSED, NULL,
                              "the subscriber is closed; the message was given back");
        pthread_mutex_unlock(&t->lock);
        return st;
    }
    entry *e = d->e;
    if (e == NULL) {
        st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL,
                              "the visibility timeout expired; the message is redelivered");
    } else if (ack) {
        e->d = NULL;
        entry_remove(g, e);
        pthread_cond_broadcast(&t->space);
    } else {
        release_entry(e, bus_now(c->bus) + (int64_t)delay);
    }
    delivery_free(c, d);
    pthread_cond_broadcast(&g->ready);
    pthread_mutex_unlock(&t->lock);
    return st;
}

static eventc_status bus_ack(eventc_subscriber *sub, eventc_message *m, eventc_error *err)
{
    return settle(sub, m, true, 0, err);
}

static eventc_status bus_nack(eventc_subscriber *sub, eventc_message *m, uint32_t delay_ms,
                              eventc_error *err)
{
    return settle(sub, m, false, delay_ms, err);
}

static void bus_close_sub(eventc_subscriber *sub)
{
    consumer *c = (consumer *)sub;
    if (c->t == NULL) {
        atomic_store(&c->closed, true);
        return;
    }
    pthread_mutex_lock(&c->t->lock);
    if (!atomic_load(&c->closed)) {
        atomic_store(&c->closed, true);
        int64_t now = bus_now(c->bus);
        for (delivery *d = c->live; d != NULL; d = d->next) {
            if (d->e != NULL) {
                release_entry(d->e, now);
            }
        }
    }
    pthread_cond_broadcast(&c->g->ready);
    pthread_mutex_unlock(&c->t->lock);
}

static void bus_destroy_sub(eventc_subscriber *sub)
{
    consumer *c = (consumer *)sub;
    bus_close_sub(sub);
    if (c->t != NULL) {
        pthread_mutex_lock(&c->t->lock);
        while (c->live != NULL) {
            delivery_free(c, c->live);
        }
        pthread_mutex_unlock(&c->t->lock);
    }
    free(c);
}

static const eventc_subscriber_methods bus_subscriber_methods = {EVENTC_SUBSCRIBER_VERSION,
                                                                 "memory",
                                                                 bus_subscribe,
                                                                 bus_fetch,
                                                                 bus_ack,
                                                                 bus_nack,
                                                                 bus_close_sub,
                                                                 bus_destroy_sub};

eventc_subscriber *eventc_bus_subscriber(eventc_bus *bus)
{
    consumer *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return NULL;
    }
    c->base.methods = &bus_subscriber_methods;
    c->bus = bus;
    atomic_init(&c->closed, false);
    return &c->base;
}
