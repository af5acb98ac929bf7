#include "dyndesc.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct layout {
    size_t size;
    size_t align;
} layout;

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

static const eventc_type_desc *object_desc(gen_model *m, gen_type *t);

/* ---- caches: descriptors by type or event, automata by pattern text ---- */

static size_t hash_ptr(const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15u;
    return (size_t)(h ^ (h >> 29));
}

static size_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

/* The slot of `key` in a table of `cap` slots (a power of 2): where it is, or the empty slot where
 * it goes. `text` compares keys as strings, else as pointers. */
static gen_desc_cache_entry *cache_slot(gen_desc_cache_entry *t, size_t cap, const void *key,
                                        bool text)
{
    size_t mask = cap - 1;
    for (size_t i = (text ? hash_text(key) : hash_ptr(key)) & mask;; i = (i + 1) & mask)
        if (!t[i].key || (text ? strcmp(t[i].key, key) == 0 : t[i].key == key))
            return &t[i];
}

/* Makes room for one more entry: the table stays at most half full. */
static void cache_grow(gen_desc_cache_entry **t, size_t n, size_t *cap, bool text)
{
    if ((n + 1) * 2 <= *cap)
        return;
    size_t old_cap = *cap;
    gen_desc_cache_entry *old = *t;
    *cap = old_cap ? old_cap * 2 : 64;
    *t = gen_xcalloc(*cap, sizeof(**t));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *cache_slot(*t, *cap, old[i].key, text) = old[i];
    free(old);
}

static const eventc_type_desc *cached_desc(gen_model *m, const void *key)
{
    if (!m->cap_desc_cache)
        return NULL;
    return cache_slot(m->desc_cache, m->cap_desc_cache, key, false)->value;
}

static void cache_desc(gen_model *m, const void *key, const eventc_type_desc *d)
{
    cache_grow(&m->desc_cache, m->n_desc_cache, &m->cap_desc_cache, false);
    *cache_slot(m->desc_cache, m->cap_desc_cache, key, false) = (gen_desc_cache_entry){key, d};
    m->n_desc_cache++;
}

/* The automaton of `pattern` in the model's pool, or NULL when it has none. Only the states the
 * automaton uses are kept (a few hundred bytes instead of the 6 KB of a full storage): a catalog
 * of 5,000 events with a pattern each would otherwise hold 30 MB of empty tables. */
static const eventc_regex_dfa *compact_dfa(gen_model *m, const char *pattern)
{
    /* One per distinct pattern: 5,000 events that share a pattern share its automaton. */
    gen_desc_cache_entry *slot = NULL;
    if (m->cap_dfa_cache) {
        slot = cache_slot(m->dfa_cache, m->cap_dfa_cache, pattern, true);
        if (slot->key)
            return slot->value;
    }
    cache_grow(&m->dfa_cache, m->n_dfa_cache, &m->cap_dfa_cache, true);
    slot = cache_slot(m->dfa_cache, m->cap_dfa_cache, pattern, true);
    eventc_regex_dfa_storage *st = gen_xmalloc(sizeof(*st));
    eventc_regex_dfa *d = NULL;
    if (eventc_regex_dfa_build(pattern, strlen(pattern), st) == EVENTC_OK) {
        size_t n_next = (size_t)st->dfa.nstates * st->dfa.nclasses;
        unsigned char *bytes = gen_pool_alloc(&m->pool, 128 + n_next + st->dfa.nstates);
        memcpy(bytes, st->dfa.classes, 128);
        memcpy(bytes + 128, st->dfa.next, n_next);
        memcpy(bytes + 128 + n_next, st->dfa.flags, st->dfa.nstates);
        d = gen_pool_alloc(&m->pool, sizeof(*d));
        *d = (eventc_regex_dfa){st->dfa.nstates, st->dfa.nclasses, bytes, bytes + 128,
                                bytes + 128 + n_next};
    }
    free(st);
    *slot = (gen_desc_cache_entry){pattern, d};
    m->n_dfa_cache++;
    return d;
}

static const eventc_enum_desc *enum_desc(gen_model *m, const gen_type *t)
{
    eventc_enum_desc *d = gen_pool_alloc(&m->pool, sizeof(*d));
    const char **names = gen_pool_alloc(&m->pool, (t->n_values + 1) * sizeof(*names));
    unsigned char *lens = gen_pool_alloc(&m->pool, t->n_values + 1);
    for (size_t i = 0; i < t->n_values; i++) {
        names[i] = t->values[i].name;
        lens[i] = (unsigned char)strlen(t->values[i].name);
    }
    d->name = t->name;
    d->names = names;
    d->lens = lens;
    d->count = (unsigned)t->n_values;
    return d;
}

/* Storage of one value of type `t` in the generated struct (codec.h's table). */
static layout storage(gen_model *m, const gen_typeref *t, const eventc_type_desc **obj)
{
    switch (t->kind) {
    case GEN_T_INTEGER:
        return (layout){sizeof(int64_t), alignof(int64_t)};
    case GEN_T_NUMBER:
        return (layout){sizeof(double), alignof(double)};
    case GEN_T_BOOLEAN:
        return (layout){sizeof(bool), alignof(bool)};
    case GEN_T_TIMESTAMP:
        return (layout){sizeof(eventc_timestamp), alignof(eventc_timestamp)};
    case GEN_T_ENUM:
        return (layout){sizeof(int), alignof(int)};
    case GEN_T_OBJECT: {
        const eventc_type_desc *d = object_desc(m, t->named);
        if (obj)
            *obj = d;
        /* Only the runtime reads this layout, so it need not match the generated struct's; it
         * needs only to be consistent. Every struct ends with a pointer. */
        return (layout){d->size,
                        alignof(void *) > alignof(double) ? alignof(void *) : alignof(double)};
    }
    default:
        return (layout){sizeof(void *), alignof(void *)};
    }
}

static const eventc_value_desc *value_desc(gen_model *m, const gen_typeref *t,
                                           const char *const_value)
{
    eventc_value_desc *v = gen_pool_alloc(&m->pool, sizeof(*v));
    switch (t->kind) {
    case GEN_T_STRING:
        v->type = EVENTC_FT_STRING;
        break;
    case GEN_T_INTEGER:
        v->type = EVENTC_FT_INT64;
        break;
    case GEN_T_NUMBER:
        v->type = EVENTC_FT_DOUBLE;
        break;
    case GEN_T_BOOLEAN:
        v->type = EVENTC_FT_BOOL;
        break;
    case GEN_T_TIMESTAMP:
        v->type = EVENTC_FT_TIMESTAMP;
        break;
    case GEN_T_ENUM:
        v->type = EVENTC_FT_ENUM;
        v->enum_desc = enum_desc(m, t->named);
        break;
    case GEN_T_OBJECT:
        v->type = EVENTC_FT_OBJECT;
        v->object = object_desc(m, t->named);
        break;
    case GEN_T_ARRAY: {
        v->type = EVENTC_FT_ARRAY;
        v->items = value_desc(m, t->items, NULL);
        v->item_size = storage(m, t->items, NULL).size;
        break;
    }
    case GEN_T_JSON:
    case GEN_T_UNRESOLVED:
        v->type = EVENTC_FT_JSON;
        break;
    }
    v->const_value = const_value;
    if (t->has_min_length)
        v->flags |= EVENTC_VF_MIN_LENGTH, v->min_length = (size_t)t->min_length;
    if (t->has_max_length)
        v->flags |= EVENTC_VF_MAX_LENGTH, v->max_length = (size_t)t->max_length;
    v->pattern = t->pattern;
    if (t->pattern)
        v->pattern_dfa = compact_dfa(m, t->pattern);
    if (t->kind == GEN_T_INTEGER) {
        if (t->has_minimum)
            v->flags |= EVENTC_VF_MINIMUM, v->imin = t->imin;
        if (t->has_maximum)
            v->flags |= EVENTC_VF_MAXIMUM, v->imax = t->imax;
    } else if (t->kind == GEN_T_NUMBER) {
        if (t->has_minimum)
            v->flags |= EVENTC_VF_MINIMUM, v->nmin = t->nmin;
        if (t->has_maximum)
            v->flags |= EVENTC_VF_MAXIMUM, v->nmax = t->nmax;
        if (t->has_exclusive_minimum)
            v->flags |= EVENTC_VF_EXCLUSIVE_MINIMUM, v->nexmin = t->nexmin;
        if (t->has_exclusive_maximum)
            v->flags |= EVENTC_VF_EXCLUSIVE_MAXIMUM, v->nexmax = t->nexmax;
    }
    if (t->has_min_items)
        v->flags |= EVENTC_VF_MIN_ITEMS, v->min_items = (size_t)t->min_items;
    if (t->has_max_items)
        v->flags |= EVENTC_VF_MAX_ITEMS, v->max_items = (size_t)t->max_items;
    if (t->unique)
        v->flags |= EVENTC_VF_UNIQUE;
    return v;
}

typedef struct builder {
    gen_model *m;
    eventc_field_desc *fields;
    size_t n;
    size_t offset;
    size_t align;
} builder;

static size_t place(builder *b, layout l)
{
    b->offset = align_up(b->offset, l.align);
    size_t at = b->offset;
    b->offset += l.size;
    if (l.align > b->align)
        b->align = l.align;
    return at;
}

static void add_field(builder *b, const gen_field *f, const char *const_value)
{
    eventc_field_desc *d = &b->fields[b->n++];
    d->name = f->name;
    d->name_len = strlen(f->name);
    d->flags = (f->optional ? EVENTC_FF_OPTIONAL : 0) | (f->nullable ? EVENTC_FF_NULLABLE : 0);
    d->value = value_desc(b->m, &f->type, const_value);
    d->aux_offset = SIZE_MAX;
    if (f->type.kind == GEN_T_ARRAY) {
        d->aux_offset = place(b, (layout){sizeof(size_t), alignof(size_t)});
        d->offset = place(b, (layout){sizeof(void *), alignof(void *)});
        return;
    }
    bool pointer = f->type.kind == GEN_T_STRING || f->type.kind == GEN_T_JSON ||
                   f->type.kind == GEN_T_UNRESOLVED;
    if ((f->optional || f->nullable) && !pointer)
        d->aux_offset = place(b, (layout){sizeof(bool), alignof(bool)});
    d->offset = place(b, storage(b->m, &f->type, NULL));
}

static eventc_type_desc *finish(builder *b, const char *name, int additional)
{
    size_t arena = place(b, (layout){sizeof(void *), alignof(void *)});
    eventc_type_desc *d = gen_pool_alloc(&b->m->pool, sizeof(*d));
    d->name = name;
    d->size = align_up(b->offset, b->align);
    d->arena_offset = arena;
    d->fields = b->fields;
    d->n_fields = b->n;
    d->additional_properties = additional;
    return d;
}

static const eventc_type_desc *object_desc(gen_model *m, gen_type *t)
{
    const eventc_type_desc *cached = cached_desc(m, t);
    if (cached)
        return cached;
    builder b = {m, gen_pool_alloc(&m->pool, (t->n_fields + 1) * sizeof(eventc_field_desc)), 0, 0,
                 1};
    for (size_t i = 0; i < t->n_fields; i++)
        add_field(&b, &t->fields[i], NULL);
    const eventc_type_desc *d = finish(&b, t->name, m->additional_properties);
    cache_desc(m, t, d);
    return d;
}

/* The event's upcast descriptor: its earlier names and history, as the generated code has them
 * (views/viewmodel_upcast.c writes the same tables). */
static const eventc_upcast_desc *upcast_desc(gen_model *m, const gen_event *e)
{
    const gen_field *nf = m->role_fields[GEN_ROLE_EVENT_NAME];
    const gen_field *vf = m->role_fields[GEN_ROLE_VERSION];
    if (!nf || !vf)
        return NULL;
    eventc_upcast_desc *u = gen_pool_alloc(&m->pool, sizeof(*u));
    u->name_key = nf->name;
    u->version_key = vf->name;
    u->version = m->version;
    u->aliases = e->renamed_from;
    u->n_aliases = e->n_renamed_from;
    eventc_upcast_step *steps = gen_pool_alloc(&m->pool, (e->n_history + 1) * sizeof(*steps));
    for (size_t k = 0; k < e->n_history; k++) {
        const gen_history_step *h = &e->history[k];
        eventc_upcast_step *s = &steps[k];
        s->version = h->version;
        const char **dropped = gen_pool_alloc(&m->pool, (h->n_dropped + 1) * sizeof(*dropped));
        for (size_t i = 0; i < h->n_dropped; i++)
            dropped[i] = h->dropped[i].field;
        s->dropped = dropped;
        s->n_dropped = h->n_dropped;
        eventc_upcast_rename *r = gen_pool_alloc(&m->pool, (h->n_renamed + 1) * sizeof(*r));
        for (size_t i = 0; i < h->n_renamed; i++)
            r[i] = (eventc_upcast_rename){h->renamed[i].from, h->renamed[i].to};
        s->renamed = r;
        s->n_renamed = h->n_renamed;
        eventc_upcast_map *mp = gen_pool_alloc(&m->pool, (h->n_mapped + 1) * sizeof(*mp));
        for (size_t i = 0; i < h->n_mapped; i++)
            mp[i] = (eventc_upcast_map){h->mapped[i].field, h->mapped[i].from, h->mapped[i].to};
        s->mapped = mp;
        s->n_mapped = h->n_mapped;
        eventc_upcast_default *a = gen_pool_alloc(&m->pool, (h->n_added + 1) * sizeof(*a));
        for (size_t i = 0; i < h->n_added; i++)
            a[i] = (eventc_upcast_default){h->added[i].field, h->added[i].json};
        s->added = a;
        s->n_added = h->n_added;
    }
    u->steps = steps;
    u->n_steps = e->n_history;
    return u;
}

const eventc_type_desc *gen_event_desc(gen_model *m, const gen_event *e)
{
    const eventc_type_desc *cached = cached_desc(m, e);
    if (cached)
        return cached;
    size_t n = m->n_envelope + e->n_fields;
    builder b = {m, gen_pool_alloc(&m->pool, (n + 1) * sizeof(eventc_field_desc)), 0, 0, 1};
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        const char *c = f->role == GEN_ROLE_EVENT_NAME       ? e->name
                        : f->role == GEN_ROLE_AGGREGATE_TYPE ? e->aggregate->name
                                                             : NULL;
        add_field(&b, f, c);
    }
    for (size_t i = 0; i < e->n_fields; i++)
        add_field(&b, &e->fields[i], NULL);
    eventc_type_desc *d = finish(&b, e->name, m->additional_properties);
    d->upcast = upcast_desc(m, e);
    cache_desc(m, e, d);
    return d;
}

eventc_status gen_field_value_check(gen_model *m, const gen_field *f, const char *json,
                                    eventc_error *err)
{
    builder b = {m, gen_pool_alloc(&m->pool, sizeof(eventc_field_desc)), 0, 0, 1};
    gen_field one = *f;
    one.optional = false;
    add_field(&b, &one, NULL);
    const eventc_type_desc *d = finish(&b, f->name, 1);
    char *text = gen_format("{\"%s\":%s}", f->name, json);
    void *value = gen_xcalloc(1, d->size);
    eventc_status st = eventc_decode(d, value, text, strlen(text), NULL, err);
    eventc_clear(d, value);
    free(value);
    free(text);
    return st;
}

const eventc_event_entry *gen_event_table(gen_model *m, size_t *n, size_t *max_size)
{
    if (!m->event_table) {
        eventc_event_entry *t = gen_pool_alloc(&m->pool, (m->n_events + 1) * sizeof(*t));
        size_t most = 0;
        for (size_t i = 0; i < m->n_events; i++) {
            const gen_event *e = m->events[i];
            const eventc_type_desc *d = gen_event_desc(m, e);
            t[i] = (eventc_event_entry){e->name, e->aggregate->name, (int)i + 1, 0, d};
            if (d->size > most)
                most = d->size;
        }
        m->event_table = t;
        m->event_table_max = most;
    }
    *n = m->n_events;
    if (max_size)
        *max_size = m->event_table_max;
    return m->event_table;
}
