/* The records a Kafka subscriber holds, per assigned partition: in offset order (for the commit
 * position), in a FIFO per key (at most one record of a key in flight), on the ready list (what
 * fetch hands out next) or on the waiting list (nacked with a delay). Plain data structures: the
 * subscriber (kafka_subscriber.c) calls them under its lock and talks to librdkafka itself. */
#ifndef EVENTC_KAFKA_HELD_H
#define EVENTC_KAFKA_HELD_H

#include "eventc/kafka.h"

#include <stddef.h>
#include <stdint.h>

typedef enum krec_state {
    KREC_QUEUED,   /* received, not handed out (ready, or behind an earlier record of its key) */
    KREC_INFLIGHT, /* handed out by fetch, not settled */
    KREC_WAITING,  /* nacked: ready again at ready_at */
    KREC_ACKED,    /* acked; kept until every earlier record is acked too */
    KREC_DROPPED   /* let go on a revocation: blocks the commit position */
} krec_state;

typedef struct kpart kpart;
typedef struct kkey kkey;

/* One record. `msg` is first: the message fetch hands out is the record. */
typedef struct krec {
    eventc_message msg;
    const void *owner; /* the subscriber, to refuse foreign messages */
    kpart *part;
    int64_t offset;
    char *key; /* the record key, NUL-terminated copy; NULL for none */
    size_t key_len;
    kkey *kq; /* its key's FIFO; NULL when keyless or no longer queued there */
    struct krec *next_part;
    struct krec *next_key;
    struct krec *prev_ready, *next_ready; /* ready list, or waiting list (next_ready only) */
    int64_t ready_at;
    krec_state state;
    bool listed;      /* on the ready or the waiting list */
    eventc_error why; /* the reason of a malformed record */
} krec;

/* The FIFO of one key's unsettled records in a partition. */
struct kkey {
    char *key;
    size_t len;
    uint64_t hash;
    krec *head, *tail;
    kkey *next; /* bucket chain */
};

/* An assigned (or revoked, while records of it are still in flight) partition. */
struct kpart {
    char *topic;
    int32_t partition;
    krec *head, *tail; /* every held record, in offset order */
    size_t held;
    size_t in_flight;
    int64_t ack_pos;     /* the offset after the acked prefix (what to commit); -1: none yet */
    int64_t committed;   /* the last position committed; -1: none */
    int64_t last_offset; /* the highest offset received; -1: none */
    kkey **buckets;
    size_t n_buckets, n_keys;
    bool paused;      /* paused in librdkafka (as last applied) */
    bool want_paused; /* what the held count asks for */
    bool revoking;    /* a revocation is draining it: nothing of it is handed out */
    bool revoked;     /* gone from the assignment; kept for records still in flight */
    kkey *bucket0;    /* the one bucket used when no table could be allocated */
    kpart *next;
};

/* The lists of one subscriber. */
typedef struct kheld {
    kpart *parts;   /* assigned */
    kpart *orphans; /* revoked with records in flight */
    kpart *last;    /* the partition the last record went to (a lookup cache) */
    krec *ready_head, *ready_tail;
    size_t n_ready;
    krec *waiting; /* sorted by ready_at */
    kkey *spare;   /* a key entry for the next insert (allocated outside the lock) */
    size_t max_buffered;
    size_t resume_mark; /* a paused partition resumes at or below this many held records */
    eventc_kafka_stats stats;
} kheld;

/* The assigned partition topic/partition, or NULL. */
kpart *kheld_find(kheld *h, const char *topic, int32_t partition);

/* Adds partition topic/partition to the assignment (an existing one is returned as it is).
 * NULL when out of memory. */
kpart *kheld_assign(kheld *h, const char *topic, int32_t partition);

/* Takes a decoded record of topic/partition: appends it to its partition and key, readies it
 * when it is the first of its key. A record of a partition not assigned (or being revoked), or
 * at an offset already held, is freed (false). Sets want_paused when the partition reached
 * max_buffered. Never allocates: a new key takes h->spare, which the caller provides. */
bool kheld_insert(kheld *h, krec *r, const char *topic, int32_t partition);

/* Moves waiting records whose time came to the ready list. */
void kheld_promote(kheld *h, int64_t now);

/* The time the first waiting record becomes ready, or INT64_MAX. */
int64_t kheld_next_ready_at(const kheld *h);

/* Hands out the next ready record (state INFLIGHT, attempt + 1), or NULL. */
krec *kheld_take(kheld *h);

/* Settles an in-flight record of an assigned or revoking partition: ack, or nack with the time
 * it is ready again (ready_at <= now: at once). A nack of a revoking partition's record drops
 * it. Returns true when a record became ready. */
bool kheld_ack(kheld *h, krec *r);
bool kheld_nack(kheld *h, krec *r, int64_t ready_at, int64_t now);

/* Settles an in-flight record whose partition was revoked meanwhile: frees it (and the
 * partition once nothing of it is left). */
void kheld_settle_orphan(kheld *h, krec *r);

/* Starts revoking @p p: every record of it not in flight is dropped (unlisted, unqueued), so
 * only in-flight ones remain to be settled. */
void kheld_revoke_begin(kheld *h, kpart *p);

/* Ends the revocation of @p p: frees its records but those still in flight, which keep the
 * partition alive as an orphan until they are settled. */
void kheld_revoke_end(kheld *h, kpart *p);

/* Frees every partition and record (destroy). */
void kheld_free(kheld *h);

/* Frees one record that was never inserted. */
void krec_free(krec *r);

#endif
