/* Per-key FIFOs: the ordering bookkeeping that the in-memory bus and the HTTP webhook receiver
 * share. Items with the same key form a FIFO, found through a hash table of key nodes, and only
 * the first item of a key (its head) may be handed out; an item without a key is always a head.
 * An item is embedded in its owner's entry, which it does not know.
 *
 * Internal to eventc's libraries: the header is not installed and may change with any release.
 * The adapters that use it put messaging/src/shared on their private include path; the code is
 * in libeventc-messaging. Not thread-safe: the owner's lock guards a queue and its items. */
#ifndef EVENTC_KEYQ_H
#define EVENTC_KEYQ_H

#include <stdbool.h>
#include <stddef.h>

typedef struct eventc_keyq_item {
    struct eventc_keyq_item *key_next; /* the next item with the same key */
    const char *key;                   /* NULL: no key; the owner's, alive while queued */
    size_t hash;                       /* of key */
    bool head;                         /* first of its key (always true without a key) */
} eventc_keyq_item;

typedef struct eventc_keyq_node {
    struct eventc_keyq_node *next; /* bucket chain */
    const char *key;               /* the head item's */
    size_t hash;
    eventc_keyq_item *head, *tail;
} eventc_keyq_node;

typedef struct eventc_keyq {
    eventc_keyq_node **buckets;
    size_t n_buckets, n_keys;
} eventc_keyq; /* zeroed: empty */

/* The hash of a key (FNV-1a). */
size_t eventc_keyq_hash(const char *s);

/* The node of `key`, or NULL when no item has it. */
eventc_keyq_node *eventc_keyq_find(const eventc_keyq *q, const char *key, size_t hash);

/* Prepares the push of an item with `key` (NULL: no key), so that the push cannot fail: when the
 * key has no node yet, grows the table for `more` new keys and allocates a node into *node (for
 * eventc_keyq_push, which takes it; free it if the push did not). False when out of memory. */
bool eventc_keyq_prepare(eventc_keyq *q, const char *key, size_t hash, size_t more,
                         eventc_keyq_node **node);

/* Appends `it` to the FIFO of `key` (NULL: no key), taking *node (set to NULL) for a new key. */
void eventc_keyq_push(eventc_keyq *q, eventc_keyq_item *it, const char *key, size_t hash,
                      eventc_keyq_node **node);

/* Takes `it` out of its key's FIFO (usually its head): the next item becomes the head, and a key
 * left without items loses its node. */
void eventc_keyq_remove(eventc_keyq *q, eventc_keyq_item *it);

/* Frees every node and the table (the items are the owner's); leaves q empty. */
void eventc_keyq_free(eventc_keyq *q);

#endif
