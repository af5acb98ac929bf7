/* Lazy lists: json-c arrays whose user data builds the items. */
#include "lazy_list.h"

#include <stdlib.h>

#define LAZY_MAGIC 0x6c617a79u

static void lazy_list_delete(json_object *jso, void *userdata)
{
    (void)jso;
    gen_lazy_list *l = userdata;
    if (l->free_ctx != NULL)
        l->free_ctx(l->ctx);
    free(l);
}

json_object *gen_lazy_list_new(size_t count, gen_lazy_item_fn item, void *ctx,
                               void (*free_ctx)(void *ctx))
{
    gen_lazy_list *l = malloc(sizeof *l);
    json_object *a = l ? json_object_new_array() : NULL;
    if (a == NULL) {
        free(l);
        if (free_ctx != NULL)
            free_ctx(ctx);
        return NULL;
    }
    *l = (gen_lazy_list){LAZY_MAGIC, count, item, ctx, free_ctx};
    json_object_set_userdata(a, l, lazy_list_delete);
    return a;
}

const gen_lazy_list *gen_lazy_list_of(json_object *v)
{
    /* Parsed JSON never carries user data on an array; the magic number tells ours from anyone
     * else's. */
    if (!json_object_is_type(v, json_type_array))
        return NULL;
    const gen_lazy_list *l = json_object_get_userdata(v);
    return l != NULL && l->magic == LAZY_MAGIC ? l : NULL;
}

size_t gen_lazy_list_length(json_object *list)
{
    const gen_lazy_list *l = gen_lazy_list_of(list);
    if (l)
        return l->count;
    return json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
}

json_object *gen_lazy_list_get(json_object *list, size_t i)
{
    if (i >= gen_lazy_list_length(list))
        return NULL;
    const gen_lazy_list *l = gen_lazy_list_of(list);
    if (l)
        return l->item(l->ctx, i);
    return json_object_get(json_object_array_get_idx(list, i));
}
