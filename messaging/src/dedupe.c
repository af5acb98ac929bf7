/* The dedupe store port's wrappers, the dedupe key, and the in-memory store (dedupe.h).
 *
 * The memory store is a hash table of keys plus a list of committed keys in commit order, so the
 * oldest committed key (the first to expire, the first to evict) is always at its front. */
#include "eventc/dedupe.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

eventc_status eventc_dedupe_claim(eventc_dedupe_store *store, const char *key, size_t key_len,
                                  int64_t lease_ms, eventc_dedupe_result *result, uint64_t *token,
                                  eventc_error *err)
{
    if (store == NULL || store->methods == NULL || key == NULL || result == NULL || token == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "bad dedupe claim");
    }
    return store->methods->claim(store, key, key_len, lease_ms, result, token, err);
}

eventc_status eventc_dedupe_commit(eventc_dedupe_store *store, const char *key, size_t key_len,
                                   uint64_t token, eventc_error *err)
{
    if (store == NULL || store->methods == NULL || key == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "bad dedupe commit");
    }
    return store->methods->commit(store, key, key_len, token, err);
}

eventc_status eventc_dedupe_release(eventc_dedupe_store *store, const char *key, size_t key_len,
                                    uint64_t token, eventc_error *err)
{
    if (store == NULL || store->methods == NULL || key == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "bad dedupe release");
    }
    return store->methods->release(store, key, key_len, token, err);
}

void eventc_dedupe_close(eventc_dedupe_store *store)
{
    if (store != NULL && store->methods != NULL && store->methods->close != NULL) {
        store->methods->close(store);
    }
}

eventc_status eventc_dedupe_key(const eventc_ce_event *ev, eventc_buf *out, eventc_error *err)
{
    size_t before = out->len;
    const eventc_ce_value *ik = eventc_ce_get_ext(ev, "idempotencykey");
    eventc_status st;
    if (ik != NULL) {
        st = eventc_buf_append(out, "k:", 2);
        if (st == EVENTC_OK) {
            st = eventc_ce_value_to_string(ik, out);
        }
    } else {
        if (ev->id == NULL || ev->source == NULL) {
            return eventc_error_set(err, EVENTC_E_REQUIRED, ev->id == NULL ? "id" : "source",
                                    "no dedupe key: the event lacks an id or a source");
        }
        char len[32];
        int n = snprintf(len, sizeof(len), "e:%zu:", strlen(ev->source));
        st = eventc_buf_append(out, len, (size_t)n);
        if (st == EVENTC_OK) {
            st = eventc_buf_append_str(out, ev->source);
        }
        if (st == EVENTC_OK) {
            st = eventc_buf_append_str(out, ev->id);
        }
    }
    if (st != EVENTC_OK) {
        out->len = before;
        return eventc_error_set(err, st, NULL, "cannot build the dedupe key");
    }
    return EVENTC_OK;
}

/* ---- in-memory store ---- */

typedef struct mkey {
    struct mkey *next;          /* hash chain */
    struct mkey *older, *newer; /* the committed list, oldest first */
    size_t hash, len;
    bool committed;
    uint64_t token;
    int64_t until; /* claim: lease end; committed: expiry */
    char bytes[];
} mkey;

typedef struct mstore {
    eventc_dedupe_store base;
    eventc_memory_dedupe_config cfg;
    pthread_mutex_t lock;
    mkey **buckets;
    size_t n_buckets, n;
    mkey *oldest, *newest;
    uint64_t next_token;
} mstore;

eventc_memory_dedupe_config eventc_memory_dedupe_config_default(void)
{
    eventc_memory_dedupe_config c;
    memset(&c, 0, sizeof(c));
    c.ttl_ms = INT64_C(24) * 3600 * 1000;
    c.capacity = 100000;
    return c;
}

static size_t hash_bytes(const char *s, size_t n)
{
    size_t h = (size_t)14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

static mkey **find_link(mstore *s, const char *key, size_t len, size_t h)
{
    mkey **link = &s->buckets[h & (s->n_buckets - 1)];
    while (*link != NULL) {
        mkey *k = *link;
        if (k->hash == h && k->len == len && memcmp(k->bytes, key, len) == 0) {
            return link;
        }
        link = &k->next;
    }
    return link;
}

static void committed_unlink(mstore *s, mkey *k)
{
    if (k->older != NULL) {
        k->older->newer = k->newer;
    } else {
        s->oldest = k->newer;
    }
    if (k->newer != NULL) {
        k->newer->older = k->older;
    } else {
        s->newest = k->older;
    }
    k->older = k->newer = NULL;
}

static void remove_key(mstore *s, mkey *k)
{
    mkey **link = find_link(s, k->bytes, k->len, k->hash);
    *link = k->next;
    if (k->committed) {
        committed_unlink(s, k);
    }
    free(k);
    s->n--;
}

/* Forgets committed keys that expired, and the oldest ones while the store is over `keep`. */
static void expire(mstore *s, int64_t now, size_t keep)
{
    while (s->oldest != NULL && (s->oldest->until <= now || s->n > keep)) {
        remove_key(s, s->oldest);
    }
}

/* Forgets claims whose lease ended (their holders are gone): a scan of the whole table. */
static void drop_dead_claims(mstore *s, int64_t now)
{
    for (size_t i = 0; i < s->n_buckets; i++) {
        mkey *k = s->buckets[i];
        while (k != NULL) {
            mkey *next = k->next;
            if (!k->committed && k->until <= now) {
                remove_key(s, k);
            }
            k = next;
        }
    }
}

static bool grow(mstore *s)
{
    size_t n = s->n_buckets * 2;
    mkey **b = calloc(n, sizeof(*b));
    if (b == NULL) {
        return false;
    }
    for (size_t i = 0; i < s->n_buckets; i++) {
        mkey *k = s->buckets[i];
        while (k != NULL) {
            mkey *next = k->next;
            k->next = b[k->hash & (n - 1)];
            b[k->hash & (n - 1)] = k;
            k = next;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->n_buckets = n;
    return true;
}

static eventc_status mem_claim(eventc_dedupe_store *store, const char *key, size_t len,
                               int64_t lease_ms, eventc_dedupe_result *result, uint64_t *token,
                               eventc_error *err)
{
    mstore *s = (mstore *)store;
    eventc_status st = EVENTC_OK;
    size_t h = hash_bytes(key, len);
    pthread_mutex_lock(&s->lock);
    int64_t now = eventc_clock_now(s->cfg.clock);
    expire(s, now, s->cfg.capacity);
    mkey **link = find_link(s, key, len, h);
    mkey *k = *link;
    if (k != NULL && k->committed) {
        *result = EVENTC_DEDUPE_DONE;
    } else if (k != NULL && k->until > now) {
        *result = EVENTC_DEDUPE_BUSY;
    } else {
        if (k == NULL) {
            /* Make room: forget the oldest committed key; refuse when only claims are left. */
            expire(s, now, s->cfg.capacity - 1);
            if (s->n >= s->cfg.capacity) {
                drop_dead_claims(s, now); /* rare: a full store; claims of crashed holders */
            }
            if (s->n >= s->cfg.capacity) {
                st = eventc_error_set(err, EVENTC_E_FULL, NULL,
                                      "the dedupe store holds %zu claims in progress", s->n);
            } else if (s->n + 1 > s->n_buckets && !grow(s)) {
                st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            } else if ((k = calloc(1, sizeof(*k) + len + 1)) == NULL) {
                st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            } else {
                memcpy(k->bytes, key, len);
                k->len = len;
                k->hash = h;
                link = find_link(s, key, len, h);
                *link = k;
                s->n++;
            }
        }
        if (st == EVENTC_OK) {
            k->token = ++s->next_token;
            k->until = now + (lease_ms > 0 ? lease_ms : 0);
            *result = EVENTC_DEDUPE_CLAIMED;
            *token = k->token;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static eventc_status settle_key(mstore *s, const char *key, size_t len, uint64_t token, bool commit,
                                eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&s->lock);
    mkey *k = *find_link(s, key, len, hash_bytes(key, len));
    if (k == NULL || k->committed || k->token != token) {
        st = eventc_error_set(err, EVENTC_E_CONFLICT, NULL,
                              "the claim is no longer this holder's (its lease expired)");
    } else if (commit) {
        k->committed = true;
        k->until = eventc_clock_now(s->cfg.clock) + s->cfg.ttl_ms;
        k->older = s->newest;
        if (s->newest != NULL) {
            s->newest->newer = k;
        } else {
            s->oldest = k;
        }
        s->newest = k;
    } else {
        remove_key(s, k);
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static eventc_status mem_commit(eventc_dedupe_store *store, const char *key, size_t len,
                                uint64_t token, eventc_error *err)
{
    return settle_key((mstore *)store, key, len, token, true, err);
}

static eventc_status mem_release(eventc_dedupe_store *store, const char *key, size_t len,
                                 uint64_t token, eventc_error *err)
{
    return settle_key((mstore *)store, key, len, token, false, err);
}

static void mem_close(eventc_dedupe_store *store)
{
    mstore *s = (mstore *)store;
    for (size_t i = 0; i < s->n_buckets; i++) {
        mkey *k = s->buckets[i];
        while (k != NULL) {
            mkey *next = k->next;
            free(k);
            k = next;
        }
    }
    free(s->buckets);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const eventc_dedupe_store_methods mem_methods = {
    EVENTC_DEDUPE_STORE_VERSION, "memory", mem_claim, mem_commit, mem_release, mem_close};

eventc_dedupe_store *eventc_memory_dedupe_new(const eventc_memory_dedupe_config *cfg)
{
    mstore *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    s->cfg = cfg != NULL ? *cfg : eventc_memory_dedupe_config_default();
    if (s->cfg.capacity == 0) {
        s->cfg.capacity = 1;
    }
    s->n_buckets = 64;
    s->buckets = calloc(s->n_buckets, sizeof(*s->buckets));
    if (s->buckets == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->buckets);
        free(s);
        return NULL;
    }
    s->base.methods = &mem_methods;
    return &s->base;
}

size_t eventc_memory_dedupe_size(eventc_dedupe_store *store)
{
    mstore *s = (mstore *)store;
    pthread_mutex_lock(&s->lock);
    size_t n = s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}
