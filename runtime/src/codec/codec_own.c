/* Ownership of values built in C: moving what a value borrows into its arena (eventc_own), deep
 * copies (eventc_copy, eventc_copy_any), release (eventc_clear, eventc_clear_any).
 *
 * The rules (docs/generated-c.md, "Memory and ownership"):
 * - a value owns at most one arena, its `arena_` member; everything it points to lives there or
 *   is borrowed from the caller;
 * - eventc_own copies what is borrowed into the value's arena and releases nothing, so it is
 *   harmless on a shallow copy (a struct assignment): it never frees memory another copy uses;
 * - every function that fills a value (decoders, constructors, copies) accepts a zeroed value or
 *   one holding a value, releases what it held after reading its arguments (which may point into
 *   it), and on error leaves it zeroed, owning nothing. */
#include "codec_internal.h"

#include <string.h>

/* ---- copying what an arena does not hold ---------------------------------------------------- */

static int copy_object(const eventc_type_desc *t, unsigned char *base, eventc_arena *a);

static int copy_value(const eventc_value_desc *v, void *dst, eventc_arena *a)
{
    switch (v->type) {
    case EVENTC_FT_STRING:
    case EVENTC_FT_JSON: {
        const char **s = dst;
        if (!*s || eventc_arena_owns(a, *s))
            return 1;
        char *c = eventc_arena_strndup(a, *s, strlen(*s));
        if (!c)
            return 0;
        *s = c;
        return 1;
    }
    case EVENTC_FT_OBJECT:
        return copy_object(v->object, dst, a);
    default:
        return 1;
    }
}

/* Copies into `a` every string, JSON text and array of the struct at `base` that `a` does not
 * hold already, recursively. Nested structs own nothing of their own: their arena member is
 * cleared (the top-level value owns everything). */
static int copy_object(const eventc_type_desc *t, unsigned char *base, eventc_arena *a)
{
    if (t->arena_offset != SIZE_MAX)
        *(eventc_arena **)(base + t->arena_offset) = NULL;
    for (size_t i = 0; i < t->n_fields; i++) {
        const eventc_field_desc *f = &t->fields[i];
        if (f->value->type == EVENTC_FT_ARRAY) {
            unsigned char **items = (unsigned char **)(base + f->offset);
            size_t n = *(const size_t *)(base + f->aux_offset);
            if (!*items)
                continue;
            size_t isz = f->value->item_size;
            if (!eventc_arena_owns(a, *items)) {
                unsigned char *copy = eventc_arena_alloc(a, n ? n * isz : 1);
                if (!copy)
                    return 0;
                if (n)
                    memcpy(copy, *items, n * isz);
                *items = copy;
            }
            for (size_t k = 0; k < n; k++)
                if (!copy_value(f->value->items, *items + k * isz, a))
                    return 0;
        } else if (!copy_value(f->value, base + f->offset, a)) {
            return 0;
        }
    }
    return 1;
}

static eventc_arena **arena_slot(const eventc_type_desc *desc, void *value)
{
    return (eventc_arena **)((unsigned char *)value + desc->arena_offset);
}

static eventc_arena *arena_new(const eventc_allocator *alloc)
{
    eventc_arena *a = eventc_alloc(alloc, sizeof(*a));
    if (a)
        eventc_arena_init(a, alloc);
    return a;
}

void eventc_release(eventc_arena *arena)
{
    if (arena) {
        const eventc_allocator *alloc = arena->alloc;
        eventc_arena_free(arena);
        eventc_free(alloc, arena, sizeof(*arena));
    }
}

static bool valid_desc(const eventc_type_desc *desc)
{
    return desc && desc->arena_offset != SIZE_MAX && desc->size <= 65536;
}

/* Builds in `*out` (a heap struct of desc->size bytes) a copy of `src` whose memory all lives in
 * a new arena made with `alloc`. Returns 0 when out of memory (nothing is left allocated). */
static int fresh_copy(const eventc_type_desc *desc, const void *src, const eventc_allocator *alloc,
                      unsigned char **out)
{
    eventc_arena *arena = arena_new(alloc);
    unsigned char *tmp = arena ? eventc_alloc(alloc, desc->size) : NULL;
    if (!tmp) {
        eventc_release(arena);
        return 0;
    }
    memcpy(tmp, src, desc->size);
    if (!copy_object(desc, tmp, arena)) {
        eventc_free(alloc, tmp, desc->size);
        eventc_release(arena);
        return 0;
    }
    *arena_slot(desc, tmp) = arena;
    *out = tmp;
    return 1;
}

/* ---- one value ------------------------------------------------------------------------------ */

eventc_status eventc_own(const eventc_type_desc *desc, void *value, const eventc_allocator *alloc,
                         eventc_error *err)
{
    eventc_error_clear(err);
    if (!valid_desc(desc) || !value)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    eventc_arena *arena = *arena_slot(desc, value);
    bool created = arena == NULL;
    if (created && !(arena = arena_new(alloc)))
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    /* Work on a scratch copy, so that on failure the value is untouched. What was copied into
     * the arena before the failure stays there, unused, until the value is cleared. */
    const eventc_allocator *ta = arena->alloc;
    unsigned char *tmp = eventc_alloc(ta, desc->size);
    if (!tmp || (memcpy(tmp, value, desc->size), !copy_object(desc, tmp, arena))) {
        if (tmp)
            eventc_free(ta, tmp, desc->size);
        if (created)
            eventc_release(arena);
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    }
    *arena_slot(desc, tmp) = arena;
    memcpy(value, tmp, desc->size);
    eventc_free(ta, tmp, desc->size);
    return EVENTC_OK;
}

eventc_status eventc_copy(const eventc_type_desc *desc, void *dst, const void *src,
                          eventc_error *err)
{
    eventc_error_clear(err);
    if (!valid_desc(desc) || !dst || !src)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    if (dst == src)
        return EVENTC_OK;
    eventc_arena *old = *arena_slot(desc, dst);
    eventc_arena *from = *arena_slot(desc, (void *)src);
    const eventc_allocator *alloc = old ? old->alloc : from ? from->alloc : NULL;
    unsigned char *tmp;
    if (!fresh_copy(desc, src, alloc, &tmp)) {
        eventc_clear(desc, dst);
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    }
    /* src may point into what dst held: release it only now. */
    memcpy(dst, tmp, desc->size);
    eventc_free(alloc, tmp, desc->size);
    eventc_release(old);
    return EVENTC_OK;
}

void eventc_clear(const eventc_type_desc *desc, void *value)
{
    if (!desc || !value)
        return;
    if (desc->arena_offset != SIZE_MAX)
        eventc_release(*arena_slot(desc, value));
    memset(value, 0, desc->size);
}

/* ---- the event union ------------------------------------------------------------------------ */

static const eventc_event_entry *entry_of(const eventc_event_entry *types, size_t n, int kind)
{
    for (size_t i = 0; i < n && kind; i++)
        if (types[i].kind == kind)
            return &types[i];
    return NULL;
}

size_t codec_any_arena_offset(const eventc_event_entry *types, size_t n)
{
    if (n == 0 || types[0].desc->arena_offset == SIZE_MAX)
        return SIZE_MAX;
    size_t at = types[0].union_offset + types[0].desc->arena_offset;
    for (size_t i = 1; i < n; i++)
        if (types[i].desc->arena_offset == SIZE_MAX ||
            types[i].union_offset + types[i].desc->arena_offset != at)
            return SIZE_MAX;
    return at;
}

/* Zeroes the union's storage: every member's bytes. */
static void zero_members(const eventc_event_entry *types, size_t n, unsigned char *base)
{
    size_t lo = SIZE_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (types[i].union_offset < lo)
            lo = types[i].union_offset;
        if (types[i].union_offset + types[i].desc->size > hi)
            hi = types[i].union_offset + types[i].desc->size;
    }
    if (lo < hi)
        memset(base + lo, 0, hi - lo);
}

void eventc_clear_any(const eventc_event_entry *types, size_t n_types, int *kind, void *value)
{
    if (!types || !kind || !value)
        return;
    unsigned char *base = value;
    size_t at = codec_any_arena_offset(types, n_types);
    const eventc_event_entry *e = entry_of(types, n_types, *kind);
    if (at != SIZE_MAX) /* whatever kind says: the arena is in one place for every event */
        eventc_release(*(eventc_arena **)(base + at));
    else if (e)
        eventc_release(*(eventc_arena **)(base + e->union_offset + e->desc->arena_offset));
    zero_members(types, n_types, base);
    *kind = 0;
}

eventc_status eventc_copy_any(const eventc_event_entry *types, size_t n_types, int *dst_kind,
                              void *dst, int src_kind, const void *src, eventc_error *err)
{
    eventc_error_clear(err);
    if (!types || !dst_kind || !dst || !src)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    if (dst == src)
        return EVENTC_OK;
    const eventc_event_entry *e = entry_of(types, n_types, src_kind);
    if (!e) {
        eventc_clear_any(types, n_types, dst_kind, dst);
        return src_kind ? eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$",
                                           "no event of kind %d", src_kind)
                        : EVENTC_OK;
    }
    const unsigned char *from = (const unsigned char *)src + e->union_offset;
    eventc_arena *src_arena = *(eventc_arena *const *)(from + e->desc->arena_offset);
    unsigned char *tmp;
    if (!fresh_copy(e->desc, from, src_arena ? src_arena->alloc : NULL, &tmp)) {
        eventc_clear_any(types, n_types, dst_kind, dst);
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    }
    eventc_clear_any(types, n_types, dst_kind, dst);
    memcpy((unsigned char *)dst + e->union_offset, tmp, e->desc->size);
    eventc_free(src_arena ? src_arena->alloc : NULL, tmp, e->desc->size);
    *dst_kind = e->kind;
    return EVENTC_OK;
}
