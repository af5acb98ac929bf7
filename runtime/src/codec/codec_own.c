/* Ownership of values built in C: deep copy into a fresh arena (eventc_own) and release
 * (eventc_clear), which the decoder also uses on the values it replaces. */
#include "codec_internal.h"

#include <string.h>

/* ---- deep copy into a fresh arena -------------------------------------------------------------
 */

static int copy_object(const eventc_type_desc *t, unsigned char *base, eventc_arena *a);

static int copy_value(const eventc_value_desc *v, void *dst, eventc_arena *a)
{
    switch (v->type) {
    case EVENTC_FT_STRING:
    case EVENTC_FT_JSON: {
        const char **s = dst;
        if (!*s)
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

static int copy_object(const eventc_type_desc *t, unsigned char *base, eventc_arena *a)
{
    if (t->arena_offset != SIZE_MAX)
        *(eventc_arena **)(base + t->arena_offset) = NULL; /* nested copies own nothing */
    for (size_t i = 0; i < t->n_fields; i++) {
        const eventc_field_desc *f = &t->fields[i];
        if (f->value->type == EVENTC_FT_ARRAY) {
            unsigned char **items = (unsigned char **)(base + f->offset);
            size_t n = *(const size_t *)(base + f->aux_offset);
            if (!*items)
                continue;
            size_t isz = f->value->item_size;
            unsigned char *copy = eventc_arena_alloc(a, n ? n * isz : 1);
            if (!copy)
                return 0;
            if (n)
                memcpy(copy, *items, n * isz);
            *items = copy;
            for (size_t k = 0; k < n; k++)
                if (!copy_value(f->value->items, copy + k * isz, a))
                    return 0;
        } else if (!copy_value(f->value, base + f->offset, a)) {
            return 0;
        }
    }
    return 1;
}

eventc_status eventc_own(const eventc_type_desc *desc, void *value, const eventc_allocator *alloc,
                         eventc_error *err)
{
    eventc_error_clear(err);
    if (!desc || !value || desc->arena_offset == SIZE_MAX || desc->size > 65536)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    eventc_arena *arena = eventc_alloc(alloc, sizeof(*arena));
    if (!arena)
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    eventc_arena_init(arena, alloc);
    /* Copy into a scratch struct first, so that on failure the value is untouched. */
    unsigned char *tmp = eventc_arena_alloc(arena, desc->size);
    if (!tmp) {
        eventc_arena_free(arena);
        eventc_free(alloc, arena, sizeof(*arena));
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    }
    memcpy(tmp, value, desc->size);
    if (!copy_object(desc, tmp, arena)) {
        eventc_arena_free(arena);
        eventc_free(alloc, arena, sizeof(*arena));
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    }
    eventc_arena *old = *(eventc_arena **)((unsigned char *)value + desc->arena_offset);
    memcpy(value, tmp, desc->size);
    *(eventc_arena **)((unsigned char *)value + desc->arena_offset) = arena;
    if (old) {
        const eventc_allocator *oa = old->alloc;
        eventc_arena_free(old);
        eventc_free(oa, old, sizeof(*old));
    }
    return EVENTC_OK;
}

void eventc_clear(const eventc_type_desc *desc, void *value)
{
    if (!desc || !value)
        return;
    if (desc->arena_offset != SIZE_MAX) {
        eventc_arena **slot = (eventc_arena **)((unsigned char *)value + desc->arena_offset);
        if (*slot) {
            const eventc_allocator *a = (*slot)->alloc;
            eventc_arena_free(*slot);
            eventc_free(a, *slot, sizeof(**slot));
        }
    }
    memset(value, 0, desc->size);
}
