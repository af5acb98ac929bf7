/* Per-key FIFOs over a hash table of key nodes (keyq.h). */
#include "keyq.h"

#include <stdlib.h>
#include <string.h>

size_t eventc_keyq_hash(const char *s)
{
    size_t h = (size_t)14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

eventc_keyq_node *eventc_keyq_find(const eventc_keyq *q, const char *key, size_t hash)
{
    if (q->n_buckets == 0) {
        return NULL;
    }
    for (eventc_keyq_node *k = q->buckets[hash & (q->n_buckets - 1)]; k != NULL; k = k->next) {
        if (k->hash == hash && strcmp(k->key, key) == 0) {
            return k;
        }
    }
    return NULL;
}

static bool grow(eventc_keyq *q)
{
    size_t n = q->n_buckets ? q->n_buckets * 2 : 64;
    eventc_keyq_node **b = calloc(n, sizeof(*b));
    if (b == NULL) {
        return false;
    }
    for (size_t i = 0; i < q->n_buckets; i++) {
        eventc_keyq_node *k = q->buckets[i];
        while (k != NULL) {
            eventc_keyq_node *next = k->next;
            k->next = b[k->hash & (n - 1)];
            b[k->hash & (n - 1)] = k;
            k = next;
        }
    }
    free(q->buckets);
    q->buckets = b;
    q->n_buckets = n;
    return true;
}

bool eventc_keyq_prepare(eventc_keyq *q, const char *key, size_t hash, size_t more,
                         eventc_keyq_node **node)
{
    if (key == NULL || eventc_keyq_find(q, key, hash) != NULL) {
        return true;
    }
    while (q->n_keys + more > q->n_buckets * 2) {
        if (!grow(q)) {
            return false;
        }
    }
    return (*node = calloc(1, sizeof(**node))) != NULL;
}

void eventc_keyq_push(eventc_keyq *q, eventc_keyq_item *it, const char *key, size_t hash,
                      eventc_keyq_node **node)
{
    it->key_next = NULL;
    it->key = key;
    it->hash = hash;
    it->head = true;
    if (key == NULL) {
        return;
    }
    eventc_keyq_node *k = eventc_keyq_find(q, key, hash);
    if (k == NULL) {
        k = *node;
        *node = NULL;
        k->key = key;
        k->hash = hash;
        k->next = q->buckets[hash & (q->n_buckets - 1)];
        q->buckets[hash & (q->n_buckets - 1)] = k;
        q->n_keys++;
        k->head = k->tail = it;
    } else {
        k->tail->key_next = it;
        k->tail = it;
        it->head = false;
    }
}

void eventc_keyq_remove(eventc_keyq *q, eventc_keyq_item *it)
{
    if (it->key == NULL) {
        return;
    }
    eventc_keyq_node *k = eventc_keyq_find(q, it->key, it->hash);
    if (k == NULL) {
        return;
    }
    eventc_keyq_item **link = &k->head;
    eventc_keyq_item *prev = NULL;
    while (*link != NULL && *link != it) {
        prev = *link;
        link = &(*link)->key_next;
    }
    if (*link == it) {
        *link = it->key_next;
        if (k->tail == it) {
            k->tail = prev;
        }
    }
    if (k->head == NULL) {
        eventc_keyq_node **kl = &q->buckets[k->hash & (q->n_buckets - 1)];
        while (*kl != k) {
            kl = &(*kl)->next;
        }
        *kl = k->next;
        free(k);
        q->n_keys--;
    } else {
        k->head->head = true;
        k->key = k->head->key; /* the removed item's copy may go now */
    }
}

void eventc_keyq_free(eventc_keyq *q)
{
    for (size_t i = 0; i < q->n_buckets; i++) {
        eventc_keyq_node *k = q->buckets[i];
        while (k != NULL) {
            eventc_keyq_node *next = k->next;
            free(k);
            k = next;
        }
    }
    free(q->buckets);
    q->buckets = NULL;
    q->n_buckets = q->n_keys = 0;
}
