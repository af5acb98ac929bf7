/* Lists of a view model whose items are built when a template reaches them and released after,
 * so that rendering a catalog of thousands of events holds one event's view at a time, however
 * often the templates iterate the events. The views make them (views/viewmodel.c); the renderer
 * iterates them (render/render.c). */
#ifndef EVENTC_GEN_LAZY_LIST_H
#define EVENTC_GEN_LAZY_LIST_H

#include <stddef.h>

#include <json-c/json.h>

/**
 * Builds item `index` of a lazy list.
 *
 * @return a new json-c value the caller releases (json_object_put); NULL only when memory ran out
 */
typedef json_object *(*gen_lazy_item_fn)(void *ctx, size_t index);

/** What a lazy list holds. */
typedef struct gen_lazy_list {
    unsigned magic;              /**< tells a lazy list from other user data */
    size_t count;                /**< the number of items */
    gen_lazy_item_fn item;       /**< builds one item */
    void *ctx;                   /**< passed to `item`, owned by the list */
    void (*free_ctx)(void *ctx); /**< releases `ctx` (may be NULL) */
} gen_lazy_list;

/**
 * Makes a lazy list: a json-c array without elements carrying `count`, `item` and `ctx` as its
 * user data. gen_render treats it as a list of `count` items in sections and inverted sections,
 * building each item when the section reaches it and releasing it before the next; everything
 * else (an interpolation, a dotted name into an item, json-c's own functions) sees an empty array.
 *
 * @param item     builds one item; called again for every pass of every section over the list
 * @param ctx      passed to `item`; owned by the list from now on
 * @param free_ctx releases `ctx` when the list is released (may be NULL)
 * @return the list (release with json_object_put), or NULL when memory ran out (`ctx` released)
 */
json_object *gen_lazy_list_new(size_t count, gen_lazy_item_fn item, void *ctx,
                               void (*free_ctx)(void *ctx));

/** The lazy list `v` is, or NULL for any other value (NULL included). */
const gen_lazy_list *gen_lazy_list_of(json_object *v);

/** The number of items of `list`, a lazy list or an array (0 for anything else). */
size_t gen_lazy_list_length(json_object *list);

/**
 * Item `i` of `list`, a lazy list (built now) or an array: a new reference the caller releases
 * with json_object_put; NULL when `i` is out of range or memory ran out.
 */
json_object *gen_lazy_list_get(json_object *list, size_t i);

#endif
