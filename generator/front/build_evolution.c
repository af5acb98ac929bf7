/* Building the parts of the catalog language about its evolution: the breaks a catalog accepts
 * (`compat: accept:`), and an event's earlier names (`renamed_from`) and earlier versions
 * (`history`, each entry a set of declarative upcasts). Shape only, as in build.c; the checker
 * (check_evolution.c) judges what the names and values mean. */
#include "build_internal.h"

#include <stdlib.h>
#include <string.h>

static void build_accept_entry(builder *b, const gen_node *n)
{
    if (!gen_bld_map(b, n, "an accepted break"))
        return;
    static const char *const keys[] = {"rule", "target", "reason", NULL};
    gen_bld_allowed(b, n, keys, "an accepted break");
    gen_model *m = b->m;
    gen_accepted_break a = {.loc = n->loc};
    const gen_node *x;
    if ((x = gen_map_get(n, "rule"))) {
        a.rule = gen_bld_string(b, x, "'rule'");
        a.rule_loc = x->loc;
    } else {
        gen_bld_error(b, n->loc, "an accepted break needs 'rule' (a rule ID of eventc compat)");
    }
    if ((x = gen_map_get(n, "target"))) {
        a.target = gen_bld_string(b, x, "'target'");
        a.target_loc = x->loc;
    } else {
        gen_bld_error(b, n->loc, "an accepted break needs 'target' (what the break is about)");
    }
    if ((x = gen_map_get(n, "reason")))
        a.reason = gen_bld_string(b, x, "'reason'");
    else
        gen_bld_error(b, n->loc, "an accepted break needs 'reason' (why it is accepted)");
    if (a.rule && a.target && a.reason)
        m->accepted[m->n_accepted++] = a;
}

void gen_build_compat(builder *b, const gen_node *n)
{
    if (!gen_bld_map(b, n, "'compat'"))
        return;
    static const char *const keys[] = {"accept", NULL};
    gen_bld_allowed(b, n, keys, "'compat'");
    const gen_node *x = gen_map_get(n, "accept");
    if (!x)
        return;
    if (x->kind != GEN_NODE_SEQ) {
        gen_bld_error(b, x->loc, "expected a sequence of accepted breaks for 'accept', got %s",
                      gen_node_kind_name(x));
        return;
    }
    b->m->accepted = gen_pool_alloc(b->pool, (x->len ? x->len : 1) * sizeof(gen_accepted_break));
    for (size_t i = 0; i < x->len; i++)
        build_accept_entry(b, x->items[i]);
}

/* A mapping whose keys and values are names: `renamed: { old: new }`. */
static void build_renamed(builder *b, const gen_node *n, gen_history_step *s)
{
    if (!gen_bld_map(b, n, "'renamed'"))
        return;
    s->renamed = gen_pool_alloc(b->pool, (n->len ? n->len : 1) * sizeof(*s->renamed));
    for (size_t i = 0; i < n->len; i++) {
        if (n->keys[i]->kind != GEN_NODE_SCALAR)
            continue;
        const char *to = gen_bld_string(b, n->items[i], "the new name of a renamed field");
        if (to)
            s->renamed[s->n_renamed++] = (gen_upcast_rename){n->keys[i]->text, to, n->keys[i]->loc};
    }
}

static void build_added(builder *b, const gen_node *n, gen_history_step *s)
{
    if (!gen_bld_map(b, n, "'added'"))
        return;
    s->added = gen_pool_alloc(b->pool, (n->len ? n->len : 1) * sizeof(*s->added));
    for (size_t i = 0; i < n->len; i++) {
        if (n->keys[i]->kind != GEN_NODE_SCALAR)
            continue;
        s->added[s->n_added++] = (gen_upcast_default){
            n->keys[i]->text, gen_bld_json(b, n->items[i]), n->keys[i]->loc, n->items[i]->loc};
    }
}

static void build_mapped(builder *b, const gen_node *n, gen_history_step *s)
{
    if (!gen_bld_map(b, n, "'mapped'"))
        return;
    size_t total = 0;
    for (size_t i = 0; i < n->len; i++)
        if (n->items[i]->kind == GEN_NODE_MAP)
            total += n->items[i]->len;
    s->mapped = gen_pool_alloc(b->pool, (total ? total : 1) * sizeof(*s->mapped));
    for (size_t i = 0; i < n->len; i++) {
        const gen_node *k = n->keys[i], *v = n->items[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        char *what = gen_format("the mapped values of field '%s'", k->text);
        if (gen_bld_map(b, v, what)) {
            for (size_t j = 0; j < v->len; j++) {
                if (v->keys[j]->kind != GEN_NODE_SCALAR)
                    continue;
                const char *to = gen_bld_string(b, v->items[j], "the value an old value maps to");
                if (to)
                    s->mapped[s->n_mapped++] = (gen_upcast_map){k->text, v->keys[j]->text, to,
                                                                v->keys[j]->loc, v->items[j]->loc};
            }
        }
        free(what);
    }
}

static void build_dropped(builder *b, const gen_node *n, gen_history_step *s)
{
    const gen_node *const *items = &n;
    size_t len = 1;
    if (n->kind == GEN_NODE_SEQ) {
        items = (const gen_node *const *)n->items;
        len = n->len;
    }
    s->dropped = gen_pool_alloc(b->pool, (len ? len : 1) * sizeof(*s->dropped));
    for (size_t i = 0; i < len; i++) {
        const char *f = gen_bld_string(b, items[i], "a dropped field");
        if (f)
            s->dropped[s->n_dropped++] = (gen_upcast_drop){f, items[i]->loc};
    }
}

static void build_history(builder *b, const gen_node *n, gen_event *e)
{
    if (n->kind != GEN_NODE_SEQ) {
        gen_bld_error(b, n->loc, "expected a sequence of earlier versions for 'history', got %s",
                      gen_node_kind_name(n));
        return;
    }
    e->history = gen_pool_alloc(b->pool, (n->len ? n->len : 1) * sizeof(*e->history));
    static const char *const keys[] = {"version", "renamed", "added", "mapped", "dropped", NULL};
    for (size_t i = 0; i < n->len; i++) {
        const gen_node *v = n->items[i];
        if (!gen_bld_map(b, v, "an entry of 'history'"))
            continue;
        gen_bld_allowed(b, v, keys, "an entry of 'history'");
        gen_history_step *s = &e->history[e->n_history];
        s->loc = v->loc;
        const gen_node *x;
        if (!(x = gen_map_get(v, "version"))) {
            gen_bld_error(b, v->loc,
                          "an entry of 'history' needs 'version' (the last catalog version "
                          "that wrote the event this way)");
            continue;
        }
        s->version_loc = x->loc;
        if (!gen_bld_int(b, x, "'version'", &s->version))
            continue;
        if ((x = gen_map_get(v, "renamed")))
            build_renamed(b, x, s);
        if ((x = gen_map_get(v, "added")))
            build_added(b, x, s);
        if ((x = gen_map_get(v, "mapped")))
            build_mapped(b, x, s);
        if ((x = gen_map_get(v, "dropped")))
            build_dropped(b, x, s);
        e->n_history++;
    }
}

void gen_build_versioning(builder *b, const gen_node *event_map, gen_event *e)
{
    const gen_node *x;
    if ((x = gen_map_get(event_map, "renamed_from"))) {
        const gen_node *const *items = &x;
        size_t len = 1;
        if (x->kind == GEN_NODE_SEQ) {
            items = (const gen_node *const *)x->items;
            len = x->len;
            if (len == 0)
                gen_bld_error(b, x->loc, "'renamed_from' needs at least one earlier name");
        }
        e->renamed_from = gen_pool_alloc(b->pool, (len ? len : 1) * sizeof(*e->renamed_from));
        e->renamed_from_locs =
            gen_pool_alloc(b->pool, (len ? len : 1) * sizeof(*e->renamed_from_locs));
        for (size_t i = 0; i < len; i++) {
            const char *name = gen_bld_string(b, items[i], "an earlier name in 'renamed_from'");
            if (!name)
                continue;
            e->renamed_from[e->n_renamed_from] = name;
            e->renamed_from_locs[e->n_renamed_from++] = items[i]->loc;
        }
    }
    if ((x = gen_map_get(event_map, "history")))
        build_history(b, x, e);
}
