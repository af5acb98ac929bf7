/* The records a Kafka subscriber holds (kafka_held.h). */
#include "kafka_held.h"

#include <stdlib.h>
#include <string.h>

void krec_free(krec *r)
{
    if (r != NULL) {
        eventc_ce_clear(&r->msg.event);
        free(r->key);
        free(r);
    }
}

/* ---- partitions ---- */

kpart *kheld_find(kheld *h, const char *topic, int32_t partition)
{
    if (h->last != NULL && h->last->partition == partition && strcmp(h->last->topic, topic) == 0) {
        return h->last;
    }
    for (kpart *p = h->parts; p != NULL; p = p->next) {
        if (p->partition == partition && strcmp(p->topic, topic) == 0) {
            h->last = p;
            return p;
        }
    }
    return NULL;
}

kpart *kheld_assign(kheld *h, const char *topic, int32_t partition)
{
    kpart *p = kheld_find(h, topic, partition);
    if (p != NULL) {
        return p;
    }
    p = calloc(1, sizeof(*p));
    size_t len = strlen(topic);
    char *name = malloc(len + 1);
    if (p == NULL || name == NULL) {
        free(p);
        free(name);
        return NULL;
    }
    memcpy(name, topic, len + 1);
    p->topic = name;
    p->partition = partition;
    p->ack_pos = -1;
    p->committed = -1;
    p->last_offset = -1;
    p->n_buckets = 16;
    p->buckets = calloc(p->n_buckets, sizeof(*p->buckets));
    if (p->buckets == NULL) {
        p->buckets = &p->bucket0;
        p->n_buckets = 1;
    }
    p->next = h->parts;
    h->parts = p;
    return p;
}

static void part_free(kpart *p)
{
    for (size_t i = 0; i < p->n_buckets; i++) {
        for (kkey *k = p->buckets[i]; k != NULL;) {
            kkey *next = k->next;
            free(k);
            k = next;
        }
    }
    if (p->buckets != &p->bucket0) {
        free(p->buckets);
    }
    for (krec *r = p->head; r != NULL;) {
        krec *next = r->next_part;
        krec_free(r);
        r = next;
    }
    free(p->topic);
    free(p);
}

static void unlink_part(kpart **list, kpart *p)
{
    for (kpart **at = list; *at != NULL; at = &(*at)->next) {
        if (*at == p) {
            *at = p->next;
            return;
        }
    }
}

/* ---- key FIFOs ---- */

static uint64_t hash_key(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)key[i]) * 1099511628211u;
    }
    return h;
}

static void grow_buckets(kpart *p)
{
    if (p->buckets == &p->bucket0 || p->n_keys <= p->n_buckets * 2) {
        return;
    }
    size_t n = p->n_buckets * 4;
    kkey **bigger = calloc(n, sizeof(*bigger));
    if (bigger == NULL) {
        return; /* longer chains, still correct */
    }
    for (size_t i = 0; i < p->n_buckets; i++) {
        for (kkey *k = p->buckets[i]; k != NULL;) {
            kkey *next = k->next;
            size_t at = (size_t)(k->hash & (n - 1));
            k->next = bigger[at];
            bigger[at] = k;
            k = next;
        }
    }
    free(p->buckets);
    p->buckets = bigger;
    p->n_buckets = n;
}

/* The FIFO of r's key in its partition, made from h->spare when new; NULL when there is no
 * spare (the caller always provides one). */
static kkey *key_queue(kheld *h, kpart *p, krec *r)
{
    uint64_t hash = hash_key(r->key, r->key_len);
    size_t at = (size_t)(hash & (p->n_buckets - 1));
    for (kkey *k = p->buckets[at]; k != NULL; k = k->next) {
        if (k->hash == hash && k->len == r->key_len && memcmp(k->key, r->key, r->key_len) == 0) {
            return k;
        }
    }
    kkey *k = h->spare;
    if (k == NULL) {
        return NULL;
    }
    h->spare = NULL;
    memset(k, 0, sizeof(*k));
    k->key = r->key; /* the head's key: updated as records leave */
    k->len = r->key_len;
    k->hash = hash;
    k->next = p->buckets[at];
    p->buckets[at] = k;
    p->n_keys++;
    grow_buckets(p);
    return k;
}

static void key_remove(kheld *h, kpart *p, kkey *k)
{
    size_t at = (size_t)(k->hash & (p->n_buckets - 1));
    for (kkey **pp = &p->buckets[at]; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == k) {
            *pp = k->next;
            break;
        }
    }
    p->n_keys--;
    if (h->spare == NULL) {
        h->spare = k;
    } else {
        free(k);
    }
}

/* Takes r (the head of its key's FIFO) off the FIFO; returns the next record of the key. */
static krec *key_pop(kheld *h, krec *r)
{
    kkey *k = r->kq;
    if (k == NULL) {
        return NULL;
    }
    r->kq = NULL;
    krec *next = r->next_key;
    r->next_key = NULL;
    k->head = next;
    if (next == NULL) {
        key_remove(h, r->part, k);
    } else {
        k->key = next->key;
    }
    return next;
}

/* ---- ready and waiting lists ---- */

static void ready_push(kheld *h, krec *r, bool front)
{
    r->listed = true;
    r->prev_ready = NULL;
    r->next_ready = NULL;
    if (h->ready_head == NULL) {
        h->ready_head = h->ready_tail = r;
    } else if (front) {
        r->next_ready = h->ready_head;
        h->ready_head->prev_ready = r;
        h->ready_head = r;
    } else {
        r->prev_ready = h->ready_tail;
        h->ready_tail->next_ready = r;
        h->ready_tail = r;
    }
    h->n_ready++;
}

static void ready_unlink(kheld *h, krec *r)
{
    if (r->prev_ready != NULL) {
        r->prev_ready->next_ready = r->next_ready;
    } else {
        h->ready_head = r->next_ready;
    }
    if (r->next_ready != NULL) {
        r->next_ready->prev_ready = r->prev_ready;
    } else {
        h->ready_tail = r->prev_ready;
    }
    r->prev_ready = r->next_ready = NULL;
    r->listed = false;
    h->n_ready--;
}

static void waiting_insert(kheld *h, krec *r)
{
    krec **at = &h->waiting;
    while (*at != NULL && (*at)->ready_at <= r->ready_at) {
        at = &(*at)->next_ready;
    }
    r->next_ready = *at;
    r->prev_ready = NULL;
    *at = r;
    r->listed = true;
}

static void waiting_unlink(kheld *h, krec *r)
{
    for (krec **at = &h->waiting; *at != NULL; at = &(*at)->next_ready) {
        if (*at == r) {
            *at = r->next_ready;
            break;
        }
    }
    r->next_ready = NULL;
    r->listed = false;
}

void kheld_promote(kheld *h, int64_t now)
{
    while (h->waiting != NULL && h->waiting->ready_at <= now) {
        krec *r = h->waiting;
        h->waiting = r->next_ready;
        r->state = KREC_QUEUED;
        ready_push(h, r, false);
    }
}

int64_t kheld_next_ready_at(const kheld *h)
{
    return h->waiting != NULL ? h->waiting->ready_at : INT64_MAX;
}

/* ---- records ---- */

bool kheld_insert(kheld *h, krec *r, const char *topic, int32_t partition)
{
    kpart *p = kheld_find(h, topic, partition);
    if (p == NULL || p->revoking || r->offset <= p->last_offset) {
        krec_free(r);
        return false;
    }
    r->part = p;
    r->state = KREC_QUEUED;
    r->msg.topic = p->topic;
    r->msg.key = r->key;
    if (p->tail != NULL) {
        p->tail->next_part = r;
    } else {
        p->head = r;
    }
    p->tail = r;
    p->held++;
    p->last_offset = r->offset;
    if (p->held > h->stats.held_max) {
        h->stats.held_max = p->held;
    }
    if (p->held >= h->max_buffered) {
        p->want_paused = true;
    }
    kkey *k = r->key != NULL ? key_queue(h, p, r) : NULL;
    if (k != NULL) {
        r->kq = k;
        if (k->head == NULL) {
            k->head = k->tail = r;
            ready_push(h, r, false);
        } else {
            k->tail->next_key = r;
            k->tail = r;
        }
    } else {
        ready_push(h, r, false);
    }
    return true;
}

krec *kheld_take(kheld *h)
{
    krec *r = h->ready_head;
    if (r == NULL) {
        return NULL;
    }
    ready_unlink(h, r);
    r->state = KREC_INFLIGHT;
    r->msg.attempt++;
    r->part->in_flight++;
    h->stats.delivered++;
    return r;
}

/* Frees the acked prefix of p's records, moving the commit position past it. */
static void advance(kheld *h, kpart *p)
{
    while (p->head != NULL && p->head->state == KREC_ACKED) {
        krec *r = p->head;
        p->head = r->next_part;
        if (p->head == NULL) {
            p->tail = NULL;
        }
        p->ack_pos = r->offset + 1;
        p->held--;
        krec_free(r);
    }
    if (p->want_paused && p->held <= h->resume_mark) {
        p->want_paused = false;
    }
}

bool kheld_ack(kheld *h, krec *r)
{
    kpart *p = r->part;
    r->state = KREC_ACKED;
    p->in_flight--;
    h->stats.acked++;
    eventc_ce_clear(&r->msg.event); /* the message is invalid from now on: give memory back */
    krec *next = key_pop(h, r);
    bool readied = false;
    if (next != NULL && next->state == KREC_QUEUED && !next->listed) {
        ready_push(h, next, false);
        readied = true;
    }
    advance(h, p);
    return readied;
}

bool kheld_nack(kheld *h, krec *r, int64_t ready_at, int64_t now)
{
    kpart *p = r->part;
    p->in_flight--;
    h->stats.nacked++;
    if (p->revoking) {
        /* Its new owner reads it again from the committed position. */
        r->state = KREC_DROPPED;
        (void)key_pop(h, r);
        h->stats.dropped++;
        return false;
    }
    /* It stays the head of its key's FIFO: the key waits for it. */
    r->ready_at = ready_at;
    if (ready_at <= now) {
        r->state = KREC_QUEUED;
        ready_push(h, r, true);
        return true;
    }
    r->state = KREC_WAITING;
    waiting_insert(h, r);
    return false;
}

void kheld_settle_orphan(kheld *h, krec *r)
{
    kpart *p = r->part;
    for (krec **at = &p->head; *at != NULL; at = &(*at)->next_part) {
        if (*at == r) {
            *at = r->next_part;
            break;
        }
    }
    p->tail = NULL;
    for (krec *x = p->head; x != NULL; x = x->next_part) {
        p->tail = x;
    }
    p->held--;
    p->in_flight--;
    h->stats.late_settles++;
    krec_free(r);
    if (p->head == NULL) {
        unlink_part(&h->orphans, p);
        part_free(p);
    }
}

void kheld_revoke_begin(kheld *h, kpart *p)
{
    p->revoking = true;
    /* Nothing of it is handed out again, so key order within it no longer matters: the key
     * FIFOs go, and the records left are in flight or acked. */
    for (size_t i = 0; i < p->n_buckets; i++) {
        for (kkey *k = p->buckets[i]; k != NULL;) {
            kkey *next = k->next;
            free(k);
            k = next;
        }
        p->buckets[i] = NULL;
    }
    p->n_keys = 0;
    for (krec *r = p->head; r != NULL; r = r->next_part) {
        r->kq = NULL;
        r->next_key = NULL;
        if (r->state == KREC_QUEUED || r->state == KREC_WAITING) {
            if (r->listed) {
                if (r->state == KREC_QUEUED) {
                    ready_unlink(h, r);
                } else {
                    waiting_unlink(h, r);
                }
            }
            r->state = KREC_DROPPED;
            h->stats.dropped++;
        }
    }
}

void kheld_revoke_end(kheld *h, kpart *p)
{
    unlink_part(&h->parts, p);
    if (h->last == p) {
        h->last = NULL;
    }
    h->stats.revoked++;
    krec **at = &p->head;
    p->tail = NULL;
    while (*at != NULL) {
        krec *r = *at;
        if (r->state == KREC_INFLIGHT) {
            p->tail = r;
            at = &r->next_part;
        } else {
            *at = r->next_part;
            p->held--;
            krec_free(r);
        }
    }
    if (p->head == NULL) {
        part_free(p);
        return;
    }
    p->revoked = true;
    p->next = h->orphans;
    h->orphans = p;
}

void kheld_free(kheld *h)
{
    for (kpart *p = h->parts; p != NULL;) {
        kpart *next = p->next;
        part_free(p);
        p = next;
    }
    for (kpart *p = h->orphans; p != NULL;) {
        kpart *next = p->next;
        part_free(p);
        p = next;
    }
    free(h->spare);
    memset(h, 0, sizeof(*h));
}
