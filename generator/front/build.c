#define _XOPEN_SOURCE 700 /* realpath */
/* Building the model from YAML nodes: the shape of the catalog language (which keys exist, what
 * kind of value each takes) lives here. Meaning (names, references, constraints, lifecycles) is
 * checked afterwards in check.c. Every problem is reported with its position and building goes
 * on, so one run shows as many errors as possible. */
#include "build.h"
#include "build_internal.h"
#include "load.h"

#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

static void err(builder *b, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(builder *b, gen_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_verror(b->diags, loc, fmt, ap);
    va_end(ap);
}

/* ---- readers of YAML values (build_read.c) ----------------------------------------------------
 */

static const char *read_string(builder *b, const gen_node *n, const char *what)
{
    return gen_bld_string(b, n, what);
}

static bool read_bool(builder *b, const gen_node *n, const char *what, bool *out)
{
    return gen_bld_bool(b, n, what, out);
}

static bool read_int(builder *b, const gen_node *n, const char *what, int64_t *out)
{
    return gen_bld_int(b, n, what, out);
}

static bool read_count(builder *b, const gen_node *n, const char *what, uint64_t *out)
{
    return gen_bld_count(b, n, what, out);
}

static bool read_number(builder *b, const gen_node *n, const char *what, double *out)
{
    return gen_bld_number(b, n, what, out);
}

static gen_text_list read_text_list(builder *b, const gen_node *n, const char *what)
{
    return gen_bld_text_list(b, n, what);
}

static void check_keys_in(builder *b, const gen_node *map, const char *const *allowed,
                          const char *context, bool field_spec)
{
    gen_bld_keys(b, map, allowed, context, field_spec);
}

static void check_allowed(builder *b, const gen_node *map, const char *const *allowed,
                          const char *context)
{
    gen_bld_allowed(b, map, allowed, context);
}

static gen_loc key_loc(const gen_node *map, const char *key)
{
    return gen_bld_key_loc(map, key);
}

static bool expect_map(builder *b, const gen_node *n, const char *what)
{
    return gen_bld_map(b, n, what);
}

static json_object *node_to_json(const gen_node *n)
{
    return gen_bld_json_object(n);
}

/* ---- fields ------------------------------------------------------------------------------------
 */

static const char *const builtin_types[] = {"string",    "integer", "number", "boolean",
                                            "timestamp", "json",    "array",  NULL};

static gen_kind builtin_kind(const char *name)
{
    static const gen_kind kinds[] = {GEN_T_STRING,    GEN_T_INTEGER, GEN_T_NUMBER, GEN_T_BOOLEAN,
                                     GEN_T_TIMESTAMP, GEN_T_JSON,    GEN_T_ARRAY};
    for (size_t i = 0; builtin_types[i]; i++)
        if (strcmp(builtin_types[i], name) == 0)
            return kinds[i];
    return GEN_T_UNRESOLVED;
}

enum field_context { FIELD_EVENT, FIELD_ENVELOPE, FIELD_ITEMS };

static void build_typeref(builder *b, const gen_node *spec, gen_typeref *t, const char *what,
                          enum field_context ctx, gen_field *f);

/* The keys a field spec may carry; `items` specs take the same minus the per-field attributes. */
static const char *const field_keys[] = {"type",
                                         "description",
                                         "optional",
                                         "nullable",
                                         "deprecated",
                                         "pii",
                                         "since",
                                         "role",
                                         "min_length",
                                         "max_length",
                                         "pattern",
                                         "minimum",
                                         "maximum",
                                         "exclusive_minimum",
                                         "exclusive_maximum",
                                         "items",
                                         "min_items",
                                         "max_items",
                                         "unique",
                                         "example",
                                         NULL};
static const char *const item_keys[] = {"type",
                                        "description",
                                        "min_length",
                                        "max_length",
                                        "pattern",
                                        "minimum",
                                        "maximum",
                                        "exclusive_minimum",
                                        "exclusive_maximum",
                                        "items",
                                        "min_items",
                                        "max_items",
                                        "unique",
                                        NULL};

static void build_field(builder *b, const gen_node *key, const gen_node *spec, gen_field *f,
                        enum field_context ctx)
{
    f->name = key->text;
    f->loc = key->loc;
    char *what = gen_format("field '%s'", key->text);
    if (spec->kind == GEN_NODE_MAP) {
        check_keys_in(b, spec, field_keys, what, true);
        const gen_node *v;
        if ((v = gen_map_get(spec, "description")))
            f->description = read_string(b, v, "'description'");
        if ((v = gen_map_get(spec, "optional")))
            read_bool(b, v, "'optional'", &f->optional);
        if ((v = gen_map_get(spec, "nullable")))
            read_bool(b, v, "'nullable'", &f->nullable);
        if ((v = gen_map_get(spec, "pii")))
            read_bool(b, v, "'pii'", &f->pii);
        if ((v = gen_map_get(spec, "deprecated"))) {
            if (v->kind == GEN_NODE_SCALAR && !v->quoted &&
                (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0)) {
                f->deprecated = v->text[0] == 't';
            } else if ((f->deprecated_reason = read_string(b, v, "'deprecated'"))) {
                f->deprecated = true;
            }
        }
        if ((v = gen_map_get(spec, "since"))) {
            if (read_int(b, v, "'since'", &f->since))
                f->since_loc = v->loc;
        }
        if ((v = gen_map_get(spec, "role"))) {
            const char *r = read_string(b, v, "'role'");
            if (r && ctx != FIELD_ENVELOPE) {
                err(b, v->loc, "'role' is only allowed on envelope fields");
            } else if (r) {
                for (int i = 1; i < GEN_ROLE_COUNT; i++)
                    if (strcmp(r, gen_role_name((gen_role)i)) == 0)
                        f->role = (gen_role)i;
                if (f->role == GEN_ROLE_NONE)
                    err(b, v->loc,
                        "unknown role '%s' (expected event_name, event_id, aggregate_type, "
                        "aggregate_id, occurred_at or version)",
                        r);
            }
        }
        if ((v = gen_map_get(spec, "example"))) {
            json_object *j = node_to_json(v);
            f->example_json = gen_pool_strdup(
                b->pool, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(j);
        }
    }
    build_typeref(b, spec, &f->type, what, ctx, f);
    free(what);
}

static void build_typeref(builder *b, const gen_node *spec, gen_typeref *t, const char *what,
                          enum field_context ctx, gen_field *f)
{
    (void)f;
    t->kind = GEN_T_UNRESOLVED;
    const gen_node *type_node = spec;
    if (spec->kind == GEN_NODE_MAP) {
        if (ctx == FIELD_ITEMS)
            check_keys_in(b, spec, item_keys, what, true);
        type_node = gen_map_get(spec, "type");
        if (!type_node) {
            err(b, spec->loc, "%s has no 'type'", what);
            return;
        }
    } else if (spec->kind != GEN_NODE_SCALAR) {
        err(b, spec->loc, "expected a type name or a mapping for %s, got %s", what,
            gen_node_kind_name(spec));
        return;
    } else if (!spec->quoted && (spec->text_len == 0 || strcmp(spec->text, "~") == 0 ||
                                 strcmp(spec->text, "null") == 0)) {
        err(b, spec->loc, "expected a type name or a mapping for %s, got nothing", what);
        return;
    }
    const char *name = read_string(b, type_node, "'type'");
    if (!name)
        return;
    t->name = name;
    t->loc = type_node->loc;
    t->kind = builtin_kind(name);
    if (spec->kind != GEN_NODE_MAP) {
        if (t->kind == GEN_T_ARRAY)
            err(b, spec->loc, "%s: an array needs 'items'", what);
        return;
    }
    const gen_node *v;
    if ((v = gen_map_get(spec, "min_length")) && read_count(b, v, "'min_length'", &t->min_length))
        t->has_min_length = true, t->min_length_loc = v->loc;
    if ((v = gen_map_get(spec, "max_length")) && read_count(b, v, "'max_length'", &t->max_length))
        t->has_max_length = true, t->max_length_loc = v->loc;
    if ((v = gen_map_get(spec, "pattern")) && (t->pattern = read_string(b, v, "'pattern'"))) {
        t->pattern_loc = v->loc;
        /* In double quotes YAML turns `\b` into a backspace and `\t` into a tab before the
         * pattern engine sees them. */
        for (const char *p = t->pattern; v->double_quoted && *p; p++) {
            if ((unsigned char)*p < 0x20) {
                err(b, v->loc,
                    "the pattern holds the control character U+%04X, made by a YAML escape in "
                    "double quotes; write regular expressions in single quotes, where a "
                    "backslash is an ordinary character",
                    (unsigned)(unsigned char)*p);
                t->pattern = NULL;
                break;
            }
        }
    }
    if ((v = gen_map_get(spec, "min_items")) && read_count(b, v, "'min_items'", &t->min_items))
        t->has_min_items = true, t->min_items_loc = v->loc;
    if ((v = gen_map_get(spec, "max_items")) && read_count(b, v, "'max_items'", &t->max_items))
        t->has_max_items = true, t->max_items_loc = v->loc;
    if ((v = gen_map_get(spec, "unique"))) {
        read_bool(b, v, "'unique'", &t->unique);
        t->unique_loc = key_loc(spec, "unique");
    }
    if ((v = gen_map_get(spec, "minimum"))) {
        t->minimum_loc = v->loc;
        if (t->kind == GEN_T_INTEGER)
            t->has_minimum = read_int(b, v, "'minimum'", &t->imin);
        else
            t->has_minimum = read_number(b, v, "'minimum'", &t->nmin);
    }
    if ((v = gen_map_get(spec, "maximum"))) {
        t->maximum_loc = v->loc;
        if (t->kind == GEN_T_INTEGER)
            t->has_maximum = read_int(b, v, "'maximum'", &t->imax);
        else
            t->has_maximum = read_number(b, v, "'maximum'", &t->nmax);
    }
    if ((v = gen_map_get(spec, "exclusive_minimum"))) {
        t->exmin_loc = v->loc;
        if (t->kind != GEN_T_NUMBER)
            err(b, key_loc(spec, "exclusive_minimum"),
                "'exclusive_minimum' does not apply to type '%s'", name);
        else
            t->has_exclusive_minimum = read_number(b, v, "'exclusive_minimum'", &t->nexmin);
    }
    if ((v = gen_map_get(spec, "exclusive_maximum"))) {
        t->exmax_loc = v->loc;
        if (t->kind != GEN_T_NUMBER)
            err(b, key_loc(spec, "exclusive_maximum"),
                "'exclusive_maximum' does not apply to type '%s'", name);
        else
            t->has_exclusive_maximum = read_number(b, v, "'exclusive_maximum'", &t->nexmax);
    }
    /* Constraints that do not fit the type: one message per key, at the key's value. */
    static const struct {
        const char *key;
        unsigned kinds; /* bit set of gen_kind */
    } applies[] = {
        {"min_length", 1u << GEN_T_STRING},
        {"max_length", 1u << GEN_T_STRING},
        {"pattern", 1u << GEN_T_STRING},
        {"minimum", (1u << GEN_T_INTEGER) | (1u << GEN_T_NUMBER)},
        {"maximum", (1u << GEN_T_INTEGER) | (1u << GEN_T_NUMBER)},
        {"items", 1u << GEN_T_ARRAY},
        {"min_items", 1u << GEN_T_ARRAY},
        {"max_items", 1u << GEN_T_ARRAY},
        {"unique", 1u << GEN_T_ARRAY},
    };
    for (size_t i = 0; i < sizeof(applies) / sizeof(applies[0]); i++) {
        const gen_node *k = gen_map_get(spec, applies[i].key);
        if (!k)
            continue;
        /* Named types are resolved later, and constraints never apply to them: the checker
         * reports this one once it knows the name is a declared type. */
        if (t->kind == GEN_T_UNRESOLVED) {
            if (!t->named_constraint) {
                t->named_constraint = applies[i].key;
                for (size_t j = 0; j < spec->len; j++)
                    if (spec->items[j] == k)
                        t->named_constraint_loc = spec->keys[j]->loc;
            }
        } else if (!(applies[i].kinds & (1u << t->kind))) {
            for (size_t j = 0; j < spec->len; j++)
                if (spec->items[j] == k)
                    err(b, spec->keys[j]->loc, "'%s' does not apply to type '%s'", applies[i].key,
                        name);
        }
    }
    if (t->kind == GEN_T_ARRAY) {
        const gen_node *items = gen_map_get(spec, "items");
        if (!items) {
            err(b, spec->loc, "%s: an array needs 'items'", what);
            return;
        }
        t->items = gen_pool_alloc(b->pool, sizeof(*t->items));
        char *iwhat = gen_format("the items of %s", what);
        build_typeref(b, items, t->items, iwhat, FIELD_ITEMS, NULL);
        free(iwhat);
    }
}

static void build_fields(builder *b, const gen_node *map, gen_field **out, size_t *n,
                         enum field_context ctx, const char *what)
{
    if (!expect_map(b, map, what))
        return;
    *out = gen_pool_alloc(b->pool, (map->len ? map->len : 1) * sizeof(**out));
    for (size_t i = 0; i < map->len; i++) {
        if (map->keys[i]->kind != GEN_NODE_SCALAR)
            continue;
        /* A repeated key was reported by the loader; the first one stands. */
        bool repeated = false;
        for (size_t j = 0; j < *n && !repeated; j++)
            repeated = strcmp((*out)[j].name, map->keys[i]->text) == 0;
        if (repeated)
            continue;
        build_field(b, map->keys[i], map->items[i], &(*out)[*n], ctx);
        (*n)++;
    }
}

/* ---- types -------------------------------------------------------------------------------------
 */

static void add_type(builder *b, gen_type *t)
{
    gen_model *m = b->m;
    m->types = gen_xrealloc(m->types, (m->n_types + 1) * sizeof(*m->types));
    t->index = m->n_types;
    m->types[m->n_types++] = t;
}

static void build_types(builder *b, const gen_node *map)
{
    if (!expect_map(b, map, "'types'"))
        return;
    static const char *const keys[] = {"description", "enum", "fields", NULL};
    for (size_t i = 0; i < map->len; i++) {
        const gen_node *k = map->keys[i], *v = map->items[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        char *what = gen_format("type '%s'", k->text);
        if (!expect_map(b, v, what)) {
            free(what);
            continue;
        }
        check_allowed(b, v, keys, what);
        gen_type *t = gen_pool_alloc(b->pool, sizeof(*t));
        t->name = k->text;
        t->loc = k->loc;
        const gen_node *d = gen_map_get(v, "description");
        if (d)
            t->description = read_string(b, d, "'description'");
        const gen_node *en = gen_map_get(v, "enum"), *fields = gen_map_get(v, "fields");
        if (en && fields) {
            err(b, k->loc, "%s has both 'enum' and 'fields'; a type is one or the other", what);
        } else if (!en && !fields) {
            err(b, k->loc, "%s needs 'enum' (a list of values) or 'fields'", what);
        } else if (en) {
            t->kind = GEN_TYPE_ENUM;
            if (en->kind != GEN_NODE_SEQ) {
                err(b, en->loc, "expected a sequence of values for 'enum', got %s",
                    gen_node_kind_name(en));
            } else if (en->len == 0) {
                err(b, en->loc, "%s: 'enum' needs at least one value", what);
            } else {
                t->values = gen_pool_alloc(b->pool, en->len * sizeof(*t->values));
                for (size_t j = 0; j < en->len; j++) {
                    const gen_node *ev = en->items[j];
                    gen_enum_value *val = &t->values[t->n_values];
                    if (ev->kind == GEN_NODE_MAP) {
                        static const char *const vkeys[] = {"value", "description", NULL};
                        check_allowed(b, ev, vkeys, "enum value");
                        const gen_node *vv = gen_map_get(ev, "value");
                        const gen_node *vd = gen_map_get(ev, "description");
                        if (!vv) {
                            err(b, ev->loc, "enum value mapping needs 'value'");
                            continue;
                        }
                        val->name = read_string(b, vv, "enum value");
                        val->loc = vv->loc;
                        if (vd)
                            val->description = read_string(b, vd, "'description'");
                    } else {
                        val->name = read_string(b, ev, "enum value");
                        val->loc = ev->loc;
                    }
                    if (val->name)
                        t->n_values++;
                }
            }
        } else {
            t->kind = GEN_TYPE_OBJECT;
            build_fields(b, fields, &t->fields, &t->n_fields, FIELD_EVENT, "'fields'");
            if (fields->kind == GEN_NODE_MAP && fields->len == 0)
                err(b, fields->loc, "%s: 'fields' needs at least one field", what);
        }
        add_type(b, t);
        free(what);
    }
}

/* ---- aggregates, events, lifecycles -----------------------------------------------------------
 */

static void build_examples(builder *b, const gen_node *n, gen_event *e, const char *yaml_path)
{
    if (n->kind != GEN_NODE_SEQ) {
        err(b, n->loc, "expected a sequence of file paths for 'examples', got %s",
            gen_node_kind_name(n));
        return;
    }
    e->examples = gen_pool_alloc(b->pool, (n->len ? n->len : 1) * sizeof(*e->examples));
    for (size_t i = 0; i < n->len; i++) {
        const char *p = read_string(b, n->items[i], "an example path");
        if (!p)
            continue;

        gen_example *x = &e->examples[e->n_examples++];
        x->path = p;
        x->loc = n->items[i]->loc;
        char *r = gen_path_join_dir(yaml_path, p);
        x->resolved = gen_pool_strdup(b->pool, r);
        free(r);
    }
}

/* `routing: { topic, key, partitions }` of an aggregate or an event; `at` is the position of the
 * key `routing` itself (diagnostics about the whole mapping point there). */
static void build_routing(builder *b, gen_loc at, const gen_node *n, gen_routing *r,
                          const char *owner)
{
    char *what = gen_format("the 'routing' of %s", owner);
    if (!expect_map(b, n, what)) {
        free(what);
        return;
    }
    static const char *const keys[] = {"topic", "key", "partitions", NULL};
    check_allowed(b, n, keys, what);
    r->present = true;
    r->loc = at;
    const gen_node *x;
    if ((x = gen_map_get(n, "topic"))) {
        r->topic = read_string(b, x, "'topic'");
        r->topic_loc = x->loc;
    }
    if ((x = gen_map_get(n, "key"))) {
        r->key = read_string(b, x, "'key'");
        r->key_loc = x->loc;
    }
    if ((x = gen_map_get(n, "partitions"))) {
        r->partitions_loc = x->loc;
        int64_t v;
        if (read_int(b, x, "'partitions'", &v)) {
            if (v < 1 || v > INT32_MAX)
                err(b, x->loc, "'partitions' must be between 1 and %d, got %lld", INT32_MAX,
                    (long long)v);
            else
                r->partitions = v;
        }
    }
    if (!r->topic && !r->key && !r->partitions_loc.line)
        err(b, at, "%s is empty: give a 'topic', a 'key' or 'partitions'", what);
    free(what);
}

static void build_event(builder *b, const gen_node *k, const gen_node *v, gen_aggregate *agg,
                        const char *yaml_path)
{
    char *what = gen_format("event '%s'", k->text);
    if (!expect_map(b, v, what)) {
        free(what);
        return;
    }
    static const char *const keys[] = {
        "summary",      "description", "invariants", "preconditions", "postconditions",
        "deprecated",   "since",       "fields",     "examples",      "routing",
        "renamed_from", "history",     NULL};
    check_allowed(b, v, keys, what);
    gen_event *e = gen_pool_alloc(b->pool, sizeof(*e));
    e->name = k->text;
    e->loc = k->loc;
    e->aggregate = agg;
    const gen_node *x;
    if ((x = gen_map_get(v, "summary")))
        e->summary = read_string(b, x, "'summary'");
    else
        err(b, k->loc, "%s has no 'summary'", what);
    if ((x = gen_map_get(v, "description")))
        e->description = read_string(b, x, "'description'");
    if ((x = gen_map_get(v, "invariants")))
        e->invariants = read_text_list(b, x, "'invariants'");
    if ((x = gen_map_get(v, "preconditions")))
        e->preconditions = read_text_list(b, x, "'preconditions'");
    if ((x = gen_map_get(v, "postconditions")))
        e->postconditions = read_text_list(b, x, "'postconditions'");
    if ((x = gen_map_get(v, "deprecated"))) {
        if (x->kind == GEN_NODE_SCALAR && !x->quoted &&
            (strcmp(x->text, "true") == 0 || strcmp(x->text, "false") == 0))
            e->deprecated = x->text[0] == 't';
        else if ((e->deprecated_reason = read_string(b, x, "'deprecated'")))
            e->deprecated = true;
    }
    if ((x = gen_map_get(v, "since"))) {
        if (read_int(b, x, "'since'", &e->since))
            e->since_loc = x->loc;
    }
    if ((x = gen_map_get(v, "fields")))
        build_fields(b, x, &e->fields, &e->n_fields, FIELD_EVENT, "'fields'");
    else
        err(b, k->loc, "%s has no 'fields'", what);
    if ((x = gen_map_get(v, "examples")))
        build_examples(b, x, e, yaml_path);
    if ((x = gen_map_get(v, "routing")))
        build_routing(b, key_loc(v, "routing"), x, &e->routing, what);
    gen_build_versioning(b, v, e);

    gen_model *m = b->m;
    e->index = m->n_events;
    m->events = gen_xrealloc(m->events, (m->n_events + 1) * sizeof(*m->events));
    m->events[m->n_events++] = e;
    agg->events = gen_xrealloc(agg->events, (agg->n_events + 1) * sizeof(*agg->events));
    agg->events[agg->n_events++] = e;
    free(what);
}

static void build_states_list(builder *b, const gen_node *n, gen_transition *t)
{
    if (n->kind == GEN_NODE_SCALAR && !n->quoted && strcmp(n->text, "any") == 0) {
        t->from_any = true;
        return;
    }
    const gen_node *const *items = &n;
    size_t len = 1;
    if (n->kind == GEN_NODE_SEQ) {
        items = (const gen_node *const *)n->items;
        len = n->len;
        if (len == 0)
            err(b, n->loc, "'from' needs at least one state (or 'any')");
    }
    t->from = gen_pool_alloc(b->pool, (len ? len : 1) * sizeof(*t->from));
    t->from_locs = gen_pool_alloc(b->pool, (len ? len : 1) * sizeof(*t->from_locs));
    for (size_t i = 0; i < len; i++) {
        const char *s = read_string(b, items[i], "a state in 'from'");
        if (!s)
            continue;
        if (strcmp(s, "any") == 0) {
            err(b, items[i]->loc, "'any' cannot be listed with other states");
            continue;
        }
        t->from[t->n_from] = s;
        t->from_locs[t->n_from++] = items[i]->loc;
    }
}

static void build_lifecycle(builder *b, const gen_node *n, gen_aggregate *agg)
{
    if (!expect_map(b, n, "'lifecycle'"))
        return;
    static const char *const keys[] = {"states", "transitions", NULL};
    check_allowed(b, n, keys, "'lifecycle'");
    agg->has_lifecycle = true;
    agg->lifecycle_loc = n->loc;
    const gen_node *states = gen_map_get(n, "states");
    if (!states) {
        err(b, n->loc, "'lifecycle' of aggregate '%s' has no 'states'", agg->name);
    } else if (states->kind != GEN_NODE_SEQ || states->len == 0) {
        err(b, states->loc, "expected a non-empty sequence of states for 'states'");
    } else {
        agg->states = gen_pool_alloc(b->pool, states->len * sizeof(*agg->states));
        for (size_t i = 0; i < states->len; i++) {
            const char *s = read_string(b, states->items[i], "a state");
            if (s) {
                agg->states[agg->n_states].name = s;
                agg->states[agg->n_states++].loc = states->items[i]->loc;
            }
        }
    }
    const gen_node *tr = gen_map_get(n, "transitions");
    if (!tr) {
        err(b, n->loc, "'lifecycle' of aggregate '%s' has no 'transitions'", agg->name);
        return;
    }
    if (!expect_map(b, tr, "'transitions'"))
        return;
    agg->transitions = gen_pool_alloc(b->pool, (tr->len ? tr->len : 1) * sizeof(*agg->transitions));
    static const char *const tkeys[] = {"from", "to", "to_field", "creates", NULL};
    for (size_t i = 0; i < tr->len; i++) {
        const gen_node *k = tr->keys[i], *v = tr->items[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        char *what = gen_format("the transition of '%s'", k->text);
        if (!expect_map(b, v, what)) {
            free(what);
            continue;
        }
        check_allowed(b, v, tkeys, what);
        gen_transition *t = &agg->transitions[agg->n_transitions++];
        t->event_name = k->text;
        t->loc = k->loc;
        const gen_node *x;
        bool creates = false, has_creates = false;
        if ((x = gen_map_get(v, "creates")))
            has_creates = read_bool(b, x, "'creates'", &creates);
        if ((x = gen_map_get(v, "from"))) {
            build_states_list(b, x, t);
            t->creates = has_creates && creates;
        } else {
            t->creates = true;
            if (has_creates && !creates)
                err(b, k->loc, "%s has 'creates: false' but no 'from'", what);
        }
        if ((x = gen_map_get(v, "to"))) {
            t->to = read_string(b, x, "'to'");
            t->to_loc = x->loc;
        }
        if ((x = gen_map_get(v, "to_field"))) {
            t->to_field = read_string(b, x, "'to_field'");
            t->to_field_loc = x->loc;
            if (t->to)
                err(b, x->loc, "%s has both 'to' and 'to_field'", what);
        }
        if (t->creates && !t->to && !t->to_field)
            err(b, k->loc, "%s creates the aggregate but names no state ('to' or 'to_field')",
                what);
        free(what);
    }
}

static void build_aggregates(builder *b, const gen_node *map, const char *yaml_path)
{
    if (!expect_map(b, map, "'aggregates'"))
        return;
    static const char *const keys[] = {"description", "id", "lifecycle", "events", "routing", NULL};
    for (size_t i = 0; i < map->len; i++) {
        const gen_node *k = map->keys[i], *v = map->items[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        char *what = gen_format("aggregate '%s'", k->text);
        if (!expect_map(b, v, what)) {
            free(what);
            continue;
        }
        check_allowed(b, v, keys, what);
        gen_aggregate *a = gen_pool_alloc(b->pool, sizeof(*a));
        a->name = k->text;
        a->loc = k->loc;
        const gen_node *x;
        if ((x = gen_map_get(v, "description")))
            a->description = read_string(b, x, "'description'");
        if ((x = gen_map_get(v, "id"))) {
            a->id_field = read_string(b, x, "'id'");
            a->id_loc = x->loc;
        } else {
            err(b, k->loc, "%s has no 'id' (the field that identifies it in its events)", what);
        }
        gen_model *m = b->m;
        m->aggregates = gen_xrealloc(m->aggregates, (m->n_aggregates + 1) * sizeof(*m->aggregates));
        m->aggregates[m->n_aggregates++] = a;
        if ((x = gen_map_get(v, "events"))) {
            if (expect_map(b, x, "'events'")) {
                if (x->len == 0)
                    err(b, x->loc, "%s: 'events' is empty", what);
                for (size_t j = 0; j < x->len; j++)
                    if (x->keys[j]->kind == GEN_NODE_SCALAR)
                        build_event(b, x->keys[j], x->items[j], a, yaml_path);
            }
        } else {
            err(b, k->loc, "%s has no 'events'", what);
        }
        if ((x = gen_map_get(v, "lifecycle")))
            build_lifecycle(b, x, a);
        if ((x = gen_map_get(v, "routing")))
            build_routing(b, key_loc(v, "routing"), x, &a->routing, what);
        free(what);
    }
}

/* ---- files and includes -----------------------------------------------------------------------
 */

static size_t add_file(builder *b, const char *path, const char *display, char *real)
{
    gen_model *m = b->m;
    m->files = gen_xrealloc(m->files, (m->n_files + 1) * sizeof(*m->files));
    m->files[m->n_files] = (gen_file){.path = gen_pool_strdup(b->pool, path),
                                      .display = gen_pool_strdup(b->pool, display),
                                      .real = real};
    return m->n_files++;
}

static void build_file(builder *b, size_t fi, bool root);

static void build_include(builder *b, const gen_node *n, size_t from)
{
    if (n->kind != GEN_NODE_SEQ) {
        err(b, n->loc, "expected a sequence of file paths for 'include', got %s",
            gen_node_kind_name(n));
        return;
    }
    for (size_t i = 0; i < n->len; i++) {
        const char *rel = read_string(b, n->items[i], "an include path");
        if (!rel)
            continue;
        gen_loc loc = n->items[i]->loc;
        if (!*rel) {
            err(b, loc, "empty path in 'include'");
            continue;
        }
        if (b->m->in_memory) {
            err(b, loc, "cannot include '%s': the catalog was given in memory, not as a file", rel);
            continue;
        }
        const gen_file *parent = &b->m->files[from];
        char *path = gen_path_join_dir(parent->path, rel);
        char *display = gen_path_join_dir(parent->display, rel);
        char *real = realpath(path, NULL);
        struct stat st;
        const char *why = NULL;
        if (!real)
            why = strerror(errno);
        else if (stat(real, &st) != 0)
            why = strerror(errno);
        else if (S_ISDIR(st.st_mode))
            why = "it is a directory, not a file";
        else if (!S_ISREG(st.st_mode))
            why = "not a regular file (a FIFO, a device or a socket)";
        if (why) {
            err(b, loc, "cannot include '%s': %s", rel, why);
            free(real);
            free(path);
            free(display);
            continue;
        }
        bool skip = false;
        for (size_t d = 0; d < b->depth; d++) {
            if (strcmp(b->m->files[b->stack[d]].real, real) == 0) {
                gen_str chain;
                gen_str_init(&chain);
                for (size_t e = d; e < b->depth; e++)
                    gen_str_printf(&chain, "%s -> ", b->m->files[b->stack[e]].display);
                gen_str_puts(&chain, display);
                err(b, loc, "include cycle: %s", chain.data);
                gen_str_free(&chain);
                skip = true;
                break;
            }
        }
        for (size_t f = 0; !skip && f < b->m->n_files; f++)
            if (strcmp(b->m->files[f].real, real) == 0)
                skip = true; /* already loaded: a file is read once */
        if (skip) {
            free(real);
        } else {
            size_t fi = add_file(b, path, display, real);
            build_file(b, fi, false);
        }
        free(path);
        free(display);
    }
}

/* `servers:`, the catalog's servers for the AsyncAPI document (checked in check_servers). */
static void build_servers(builder *b, const gen_node *x)
{
    gen_model *m = b->m;
    if (!expect_map(b, x, "'servers'"))
        return;
    m->servers = gen_pool_alloc(&m->pool, (x->len ? x->len : 1) * sizeof(gen_server));
    static const char *const keys[] = {"host",  "protocol", "protocol_version", "pathname",
                                       "title", "summary",  "description",      NULL};
    for (size_t i = 0; i < x->len; i++) {
        const gen_node *k = x->keys[i], *v = x->items[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        char *what = gen_format("server '%s'", k->text);
        if (expect_map(b, v, what)) {
            check_allowed(b, v, keys, what);
            gen_server *s = &m->servers[m->n_servers++];
            s->name = k->text;
            s->loc = k->loc;
            const gen_node *y;
            if ((y = gen_map_get(v, "host"))) {
                s->host = read_string(b, y, "'host'");
                s->host_loc = y->loc;
            } else {
                err(b, k->loc, "%s has no 'host'", what);
            }
            if ((y = gen_map_get(v, "protocol"))) {
                s->protocol = read_string(b, y, "'protocol'");
                s->protocol_loc = y->loc;
            } else {
                err(b, k->loc, "%s has no 'protocol'", what);
            }
            if ((y = gen_map_get(v, "protocol_version")))
                s->protocol_version = read_string(b, y, "'protocol_version'");
            if ((y = gen_map_get(v, "pathname"))) {
                s->pathname = read_string(b, y, "'pathname'");
                s->pathname_loc = y->loc;
            }
            if ((y = gen_map_get(v, "title")))
                s->title = read_string(b, y, "'title'");
            if ((y = gen_map_get(v, "summary")))
                s->summary = read_string(b, y, "'summary'");
            if ((y = gen_map_get(v, "description")))
                s->description = read_string(b, y, "'description'");
        }
        free(what);
    }
}

static void build_root_keys(builder *b, const gen_node *root)
{
    gen_model *m = b->m;
    const gen_node *x;
    if ((x = gen_map_get(root, "catalog"))) {
        m->name = read_string(b, x, "'catalog'");
        m->name_loc = x->loc;
    } else {
        err(b, root->loc, "the catalog has no 'catalog' (its name)");
    }
    if ((x = gen_map_get(root, "c_prefix"))) {
        m->c_prefix = read_string(b, x, "'c_prefix'");
        m->c_prefix_loc = x->loc;
    } else {
        m->c_prefix = m->name;
        m->c_prefix_loc = m->name_loc;
    }
    if ((x = gen_map_get(root, "version"))) {
        m->version_loc = x->loc;
        if (read_int(b, x, "'version'", &m->version) && m->version < 1)
            err(b, x->loc, "'version' must be at least 1");
    } else {
        err(b, root->loc, "the catalog has no 'version'");
    }
    if ((x = gen_map_get(root, "title")))
        m->title = read_string(b, x, "'title'");
    if ((x = gen_map_get(root, "description")))
        m->description = read_string(b, x, "'description'");
    if ((x = gen_map_get(root, "schema_base_uri"))) {
        m->schema_base_uri = read_string(b, x, "'schema_base_uri'");
        m->schema_base_uri_loc = x->loc;
    }
    if ((x = gen_map_get(root, "cloudevents")) && expect_map(b, x, "'cloudevents'")) {
        static const char *const keys[] = {"source", "type_prefix", "extensions", NULL};
        check_allowed(b, x, keys, "'cloudevents'");
        const gen_node *y;
        if ((y = gen_map_get(x, "source"))) {
            m->ce_source = read_string(b, y, "'source'");
            m->ce_source_loc = y->loc;
        }
        if ((y = gen_map_get(x, "type_prefix"))) {
            m->ce_type_prefix = read_string(b, y, "'type_prefix'");
            m->ce_type_prefix_loc = y->loc;
        }
        if ((y = gen_map_get(x, "extensions")) && expect_map(b, y, "'extensions'")) {
            m->ce_extensions =
                gen_pool_alloc(&m->pool, (y->len ? y->len : 1) * sizeof(gen_ce_extension));
            for (size_t i = 0; i < y->len; i++) {
                const char *name = read_string(b, y->items[i], "an extension name");
                if (name)
                    m->ce_extensions[m->n_ce_extensions++] =
                        (gen_ce_extension){y->keys[i]->text, name, y->keys[i]->loc};
            }
        }
    }
    if ((x = gen_map_get(root, "servers")))
        build_servers(b, x);
    if ((x = gen_map_get(root, "envelope")) && expect_map(b, x, "'envelope'")) {
        static const char *const keys[] = {"description", "additional_properties", "fields", NULL};
        check_allowed(b, x, keys, "'envelope'");
        m->has_envelope = true;
        const gen_node *y;
        if ((y = gen_map_get(x, "description")))
            m->envelope_description = read_string(b, y, "'description'");
        if ((y = gen_map_get(x, "additional_properties")))
            read_bool(b, y, "'additional_properties'", &m->additional_properties);
        m->envelope_fields_loc = x->loc;
        if ((y = gen_map_get(x, "fields"))) {
            m->envelope_fields_loc = y->loc;
            build_fields(b, y, &m->envelope, &m->n_envelope, FIELD_ENVELOPE, "'fields'");
        } else {
            err(b, x->loc, "'envelope' has no 'fields'");
        }
    } else if (!x) {
        err(b, root->loc, "the catalog has no 'envelope'");
    }
    if ((x = gen_map_get(root, "compat")))
        gen_build_compat(b, x);
}

static bool gen_map_get_key_in(const char *const *keys, const char *k)
{
    for (; *keys; keys++)
        if (strcmp(*keys, k) == 0)
            return true;
    return false;
}

static void build_file(builder *b, size_t fi, bool is_root)
{
    const gen_file *f = &b->m->files[fi];
    gen_node *root = b->root_data && is_root
                         ? gen_load_yaml_buffer(b->pool, b->root_data, b->root_len, f->display,
                                                (unsigned)fi, b->diags)
                         : gen_load_yaml(b->pool, f->path, f->display, (unsigned)fi, b->diags);
    if (!root)
        return;
    if (root->kind != GEN_NODE_MAP) {
        err(b, root->loc, "expected a mapping at the top of the catalog file, got %s",
            gen_node_kind_name(root));
        return;
    }
    static const char *const root_keys[] = {
        "catalog",         "c_prefix",    "version", "title",    "description",
        "schema_base_uri", "cloudevents", "include", "envelope", "types",
        "aggregates",      "compat",      "servers", NULL};
    static const char *const incl_keys[] = {"description", "include", "types", "aggregates", NULL};
    if (!is_root) {
        /* Keys that belong to the root file only get their own message, not "unknown key". */
        gen_node rest = *root;
        rest.keys = gen_pool_alloc(b->pool, (root->len ? root->len : 1) * sizeof(gen_node *));
        rest.items = gen_pool_alloc(b->pool, (root->len ? root->len : 1) * sizeof(gen_node *));
        rest.len = 0;
        for (size_t i = 0; i < root->len; i++) {
            const gen_node *k = root->keys[i];
            bool root_only = false;
            if (k->kind == GEN_NODE_SCALAR && !gen_map_get_key_in(incl_keys, k->text))
                root_only = gen_map_get_key_in(root_keys, k->text);
            if (root_only) {
                err(b, k->loc,
                    "'%s' is allowed only in the root catalog file, not in an included file",
                    k->text);
            } else {
                rest.keys[rest.len] = root->keys[i];
                rest.items[rest.len++] = root->items[i];
            }
        }
        check_allowed(b, &rest, incl_keys, "an included file");
    } else {
        check_allowed(b, root, root_keys, "the catalog");
        b->m->root_loaded = true;
        b->m->root_loc = root->loc;
        const gen_node *ag = gen_map_get(root, "aggregates");
        b->m->aggregates_loc = ag ? ag->loc : root->loc;
        build_root_keys(b, root);
    }
    if (b->depth == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->stack = gen_xrealloc(b->stack, b->cap * sizeof(*b->stack));
    }
    b->stack[b->depth++] = fi;
    /* Types, aggregates and includes are taken in the order they are written. */
    const char *path = b->m->files[fi].path;
    for (size_t i = 0; i < root->len; i++) {
        const gen_node *k = root->keys[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        if (strcmp(k->text, "include") == 0)
            build_include(b, root->items[i], fi);
        else if (strcmp(k->text, "types") == 0)
            build_types(b, root->items[i]);
        else if (strcmp(k->text, "aggregates") == 0)
            build_aggregates(b, root->items[i], path);
    }
    b->depth--;
}

gen_model *gen_build_buffer(const char *data, size_t len, const char *display, gen_diags *diags)
{
    gen_model *m = gen_xcalloc(1, sizeof(*m));
    gen_pool_init(&m->pool);
    m->additional_properties = true;
    m->in_memory = true;
    builder b = {.m = m, .diags = diags, .pool = &m->pool, .root_data = data, .root_len = len};
    size_t fi = add_file(&b, display, display, gen_xstrdup(display));
    build_file(&b, fi, true);
    free(b.stack);
    return m;
}

gen_model *gen_build(const char *path, gen_diags *diags)
{
    return gen_build_as(path, path, diags);
}

gen_model *gen_build_as(const char *path, const char *display, gen_diags *diags)
{
    gen_model *m = gen_xcalloc(1, sizeof(*m));
    gen_pool_init(&m->pool);
    m->additional_properties = true;
    builder b = {.m = m, .diags = diags, .pool = &m->pool};
    if (!*path) {
        gen_error(diags, (gen_loc){0}, "the catalog path is empty");
        return m;
    }
    char *real = realpath(path, NULL);
    if (!real) {
        gen_error(diags, (gen_loc){.file = gen_pool_strdup(&m->pool, display)},
                  "cannot read file: %s", strerror(errno));
        return m;
    }
    size_t fi = add_file(&b, path, display, real);
    build_file(&b, fi, true);
    free(b.stack);
    return m;
}

const char *const *gen_builtin_type_names(void)
{
    return builtin_types;
}
