/* The in-memory state store of the lifecycle guard (eventc/lifecycle_guard.h): a hash table of
 * aggregate instances under one mutex, and the port's wrappers. */
#include "eventc/lifecycle_guard.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the port's wrappers ---- */

eventc_status eventc_state_load(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                                const char *id, const char *event_id, int *state, bool *applied,
                                eventc_error *err)
{
    if (store == NULL || store->methods == NULL || lc == NULL || id == NULL || state == NULL ||
        applied == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "missing argument");
    }
    if (store->methods->version < 1) {
        return eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL, "state store version %d",
                                store->methods->version);
    }
    return store->methods->load(store, lc, id, event_id, state, applied, err);
}

eventc_status eventc_state_save(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                                const char *id, int expected, int state, const char *event_id,
                                eventc_error *err)
{
    if (store == NULL || store->methods == NULL || lc == NULL || id == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "missing argument");
    }
    if (store->methods->version < 1) {
        return eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL, "state store version %d",
                                store->methods->version);
    }
    return store->methods->save(store, lc, id, expected, state, event_id, err);
}

void eventc_state_store_close(eventc_state_store *store)
{
    if (store != NULL && store->methods != NULL && store->methods->close != NULL) {
        store->methods->close(store);
    }
}

/* ---- the in-memory store ---- */

typedef struct instance {
    struct instance *next;
    uint64_t hash;
    const char *aggregate; /* the lifecycle's name: static, compared by content */
    char *id;
    char *last_event; /* NULL when saved without an event id */
    int state;
} instance;

typedef struct memory_store {
    eventc_state_store base;
    pthread_mutex_t lock;
    instance **buckets;
    size_t n_buckets; /* a power of two */
    size_t n;
    size_t capacity;
} memory_store;

static uint64_t hash_of(const char *aggregate, const char *id)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = aggregate; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    }
    h = (h ^ 0xffu) * 1099511628211ULL; /* a separator no name contains */
    for (const char *p = id; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    }
    return h;
}

static instance *find(memory_store *s, uint64_t h, const char *aggregate, const char *id)
{
    for (instance *i = s->buckets[h & (s->n_buckets - 1)]; i != NULL; i = i->next) {
        if (i->hash == h && strcmp(i->id, id) == 0 &&
            (i->aggregate == aggregate || strcmp(i->aggregate, aggregate) == 0)) {
            return i;
        }
    }
    return NULL;
}

static bool grow(memory_store *s)
{
    size_t n = s->n_buckets * 2;
    instance **b = calloc(n, sizeof(*b));
    if (b == NULL) {
        return false;
    }
    for (size_t k = 0; k < s->n_buckets; k++) {
        instance *i = s->buckets[k];
        while (i != NULL) {
            instance *next = i->next;
            i->next = b[i->hash & (n - 1)];
            b[i->hash & (n - 1)] = i;
            i = next;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->n_buckets = n;
    return true;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

static eventc_status memory_load(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                                 const char *id, const char *event_id, int *state, bool *applied,
                                 eventc_error *err)
{
    (void)err;
    memory_store *s = (memory_store *)store;
    uint64_t h = hash_of(lc->aggregate, id);
    pthread_mutex_lock(&s->lock);
    instance *i = find(s, h, lc->aggregate, id);
    *state = i != NULL ? i->state : 0;
    *applied = i != NULL && i->last_event != NULL && event_id != NULL &&
               strcmp(i->last_event, event_id) == 0;
    pthread_mutex_unlock(&s->lock);
    return EVENTC_OK;
}

static eventc_status memory_save(eventc_state_store *store, const eventc_lifecycle_desc *lc,
                                 const char *id, int expected, int state, const char *event_id,
                                 eventc_error *err)
{
    memory_store *s = (memory_store *)store;
    uint64_t h = hash_of(lc->aggregate, id);
    char *last = event_id != NULL ? dup(event_id) : NULL;
    if (event_id != NULL && last == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_status st = EVENTC_OK;
    pthread_mutex_lock(&s->lock);
    instance *i = find(s, h, lc->aggregate, id);
    int current = i != NULL ? i->state : 0;
    if (current != expected) {
        st = eventc_error_set(err, EVENTC_E_CONFLICT, NULL,
                              "%s %s: state changed to %s since it was read (%s)", lc->aggregate,
                              id, eventc_lifecycle_state_name(lc, current),
                              eventc_lifecycle_state_name(lc, expected));
    } else if (i != NULL) {
        free(i->last_event);
        i->last_event = last;
        i->state = state;
        last = NULL;
    } else if (s->capacity != 0 && s->n >= s->capacity) {
        st = eventc_error_set(err, EVENTC_E_FULL, NULL,
                              "the state store holds its capacity of %zu instances", s->capacity);
    } else if (s->n >= s->n_buckets && !grow(s)) {
        st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    } else {
        i = calloc(1, sizeof(*i));
        char *id_copy = i != NULL ? dup(id) : NULL;
        if (id_copy == NULL) {
            free(i);
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        } else {
            i->hash = h;
            i->aggregate = lc->aggregate;
            i->id = id_copy;
            i->last_event = last;
            i->state = state;
            last = NULL;
            i->next = s->buckets[h & (s->n_buckets - 1)];
            s->buckets[h & (s->n_buckets - 1)] = i;
            s->n++;
        }
    }
    pthread_mutex_unlock(&s->lock);
    free(last);
    return st;
}

static void memory_close(eventc_state_store *store)
{
    memory_store *s = (memory_store *)store;
    for (size_t k = 0; k < s->n_buckets; k++) {
        instance *i = s->buckets[k];
        while (i != NULL) {
            instance *next = i->next;
            free(i->id);
            free(i->last_event);
            free(i);
            i = next;
        }
    }
    free(s->buckets);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const eventc_state_store_methods memory_methods = {EVENTC_STATE_STORE_VERSION, "memory",
                                                          memory_load, memory_save, memory_close};

eventc_state_store *eventc_memory_state_new(const eventc_memory_state_config *cfg)
{
    memory_store *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    s->n_buckets = 64;
    s->buckets = calloc(s->n_buckets, sizeof(*s->buckets));
    if (s->buckets == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->buckets);
        free(s);
        return NULL;
    }
    s->capacity = cfg != NULL ? cfg->capacity : 0;
    s->base.methods = &memory_methods;
    return &s->base;
}

size_t eventc_memory_state_size(eventc_state_store *store)
{
    if (store == NULL || store->methods != &memory_methods) {
        return 0;
    }
    memory_store *s = (memory_store *)store;
    pthread_mutex_lock(&s->lock);
    size_t n = s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}
