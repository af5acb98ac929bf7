/* C names: how the catalog's names become the identifiers of the generated C code, and the check
 * that no two declarations of a catalog would generate the same one. The checker runs the check;
 * the C views take their names from here. */
#include "c_names.h"
#include "names.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gen_c_prefix(const gen_model *m)
{
    return m->c_prefix ? m->c_prefix : m->name;
}

char *gen_c_type_name(const char *prefix, const char *name)
{
    char *snake = gen_snake(name);
    char *r = gen_format("%s_%s", prefix, snake);
    free(snake);
    return r;
}

bool gen_c_param_name_reserved(const char *name, const char *prefix)
{
    size_t n = strlen(name), pn = prefix ? strlen(prefix) : 0;
    if (n >= 2 && strcmp(name + n - 2, "_t") == 0)
        return true;
    if (strncmp(name, "eventc_", 7) == 0)
        return true;
    if (pn && strncmp(name, prefix, pn) == 0 && name[pn] == '_')
        return true;
    static const char *const used[] = {"memset", "memcpy", "offsetof", NULL};
    for (const char *const *u = used; *u; u++)
        if (strcmp(name, *u) == 0)
            return true;
    return false;
}

/* ---- lifecycles ---- */

void gen_lifecycle_names_init(gen_lifecycle_names *n, const gen_aggregate *a, const char *p)
{
    n->snake = gen_snake(a->name);
    n->upper_prefix = gen_upper(p);
    char *au = gen_upper(a->name);
    n->upper = gen_format("%s_%s", n->upper_prefix, au);
    free(au);
    n->type = gen_format("%s_%s_state", p, n->snake);
    n->none = gen_format("%s_NONE", n->upper);
    n->apply = gen_format("%s_%s_apply", p, n->snake);
    n->replay = gen_format("%s_%s_replay", p, n->snake);
    n->replay_from = gen_format("%s_%s_replay_from", p, n->snake);
    n->to_string = gen_format("%s_%s_state_to_string", p, n->snake);
    n->from_string = gen_format("%s_%s_state_from_string", p, n->snake);
    n->state_names = gen_format("%s_%s_state_names_", p, n->snake);
    n->states = gen_format("%s_%s_states_", p, n->snake);
    n->rules = gen_format("%s_%s_rules_", p, n->snake);
    n->desc = gen_format("%s_%s_lifecycle", p, n->snake);
}

void gen_lifecycle_names_free(gen_lifecycle_names *n)
{
    char **all[] = {&n->snake,     &n->upper_prefix, &n->upper,       &n->type,
                    &n->none,      &n->apply,        &n->replay,      &n->replay_from,
                    &n->to_string, &n->from_string,  &n->state_names, &n->states,
                    &n->rules,     &n->desc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}

char *gen_lifecycle_state_const(const gen_lifecycle_names *n, const gen_aggregate *a, size_t s)
{
    if (s == 0)
        return gen_xstrdup(n->none);
    char *su = gen_upper(a->states[s - 1].name);
    char *r = gen_format("%s_%s", n->upper, su);
    free(su);
    return r;
}

char *gen_upcast_table_name(const char *c_struct, size_t step, const char *part)
{
    if (step)
        return gen_format("%s_upcast_s%zu_%s_", c_struct, step, part);
    return part ? gen_format("%s_upcast_%s_", c_struct, part) : gen_format("%s_upcast_", c_struct);
}

char **gen_upcast_identifiers(const gen_event *e, const char *c_struct)
{
    size_t k = 0;
    char **names = gen_xcalloc(4 + 4 * e->n_history, sizeof(*names));
    names[k++] = gen_upcast_table_name(c_struct, 0, NULL);
    if (e->n_renamed_from)
        names[k++] = gen_upcast_table_name(c_struct, 0, "aliases");
    if (e->n_history)
        names[k++] = gen_upcast_table_name(c_struct, 0, "steps");
    for (size_t s = 0; s < e->n_history; s++) {
        const gen_history_step *h = &e->history[s];
        static const char *const parts[] = {"dropped", "renamed", "mapped", "added"};
        const size_t counts[] = {h->n_dropped, h->n_renamed, h->n_mapped, h->n_added};
        for (size_t p = 0; p < 4; p++)
            if (counts[p])
                names[k++] = gen_upcast_table_name(c_struct, s + 1, parts[p]);
    }
    return names;
}

char **gen_lifecycle_identifiers(const gen_aggregate *a, const char *prefix)
{
    size_t cap = a->has_lifecycle ? a->n_states + GEN_LIFECYCLE_FIXED_NAMES + 1 : 1, len = 0;
    char **out = gen_xcalloc(cap, sizeof(*out));
    if (!a->has_lifecycle)
        return out;
    gen_lifecycle_names n;
    gen_lifecycle_names_init(&n, a, prefix);
    char *const fixed[GEN_LIFECYCLE_FIXED_NAMES] = {
        n.type,        n.none,        n.apply,  n.replay, n.replay_from, n.to_string,
        n.from_string, n.state_names, n.states, n.rules,  n.desc};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        out[len++] = gen_xstrdup(fixed[i]);
    for (size_t s = 1; s <= a->n_states; s++)
        out[len++] = gen_lifecycle_state_const(&n, a, s);
    gen_lifecycle_names_free(&n);
    return out;
}

/* ---- the clash check ---- */

/* Every file-scope identifier of the generated code, with what declares it: public and private
 * names alike (the union's NONE kind, `_from_json_ex`, the catalog info, private tables), so a
 * clash is reported at the catalog's line before the compiler would see it. */
typedef struct c_ident {
    char *name;
    const char *owner; /* "event 'CustomerCreated'", "the catalog-wide API" */
    gen_loc loc;
} c_ident;

typedef struct c_idents {
    c_ident *items;
    size_t len, cap;
    char **owners;
    size_t n_owners;
} c_idents;

static void ident(c_idents *t, const char *owner, gen_loc loc, char *name)
{
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 128;
        t->items = gen_xrealloc(t->items, t->cap * sizeof(*t->items));
    }
    t->items[t->len++] = (c_ident){name, owner, loc};
}

static const char *owner_text(c_idents *t, char *text)
{
    t->owners = gen_xrealloc(t->owners, (t->n_owners + 1) * sizeof(*t->owners));
    t->owners[t->n_owners++] = text;
    return text;
}

static void struct_idents(c_idents *t, const char *owner, gen_loc loc, const char *c)
{
    static const char *const suffixes[] = {"",         "_desc",         "_init",    "_validate",
                                           "_to_json", "_from_json",    "_equal",   "_clear",
                                           "_values_", "_from_json_ex", "_fields_", "_copy"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        ident(t, owner, loc, gen_format("%s%s", c, suffixes[i]));
}

static int cmp_c_ident(const void *a, const void *b)
{
    const c_ident *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    if (r)
        return r;
    if (x->loc.file_index != y->loc.file_index)
        return x->loc.file_index < y->loc.file_index ? -1 : 1;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : (x->loc.col > y->loc.col);
}

static void check_identifiers(const gen_model *m, const char *p, const char *up, gen_diags *diags)
{
    c_idents t = {0};
    gen_loc cat = m->c_prefix_loc.line ? m->c_prefix_loc : m->name_loc;
    const char *api = "the catalog-wide API";
    static const char *const lower[] = {"catalog_info",
                                        "catalog",
                                        "envelope",
                                        "envelope_values_",
                                        "event",
                                        "event_kind",
                                        "event_types",
                                        "event_from_json",
                                        "event_to_json",
                                        "event_validate",
                                        "event_equal",
                                        "event_clear",
                                        "event_kind_name",
                                        "event_kind_from_name",
                                        "event_from_json_ex",
                                        "event_entry_",
                                        "event_copy",
                                        "enum_find_",
                                        "event_to_cloudevent",
                                        "event_from_cloudevent",
                                        "cloudevents",
                                        "cloudevents_fields_",
                                        "cloudevents_events_",
                                        "catalog_desc",
                                        "catalog_aggregates_",
                                        "catalog_events_",
                                        "catalog_by_type_",
                                        "catalog_routes_",
                                        "event_publish",
                                        "event_emit",
                                        "handlers",
                                        "router_add_handlers",
                                        "dispatch_",
                                        "handles_"};
    for (size_t i = 0; i < sizeof lower / sizeof lower[0]; i++)
        ident(&t, api, cat, gen_format("%s_%s", p, lower[i]));
    ident(&t, api, cat, gen_format("%s_EVENT_NONE", up));
    ident(&t, api, cat, gen_format("%s_EVENT_TYPE_COUNT", up));
    for (size_t i = 0; i < m->n_types; i++) {
        const gen_type *ty = m->types[i];
        const char *owner = owner_text(&t, gen_format("type '%s'", ty->name));
        char *c = gen_c_type_name(p, ty->name);
        if (ty->kind == GEN_TYPE_OBJECT) {
            struct_idents(&t, owner, ty->loc, c);
        } else {
            char *cu = gen_upper(c);
            static const char *const suffixes[] = {"",        "_desc", "_to_string", "_from_string",
                                                   "_names_", "_lens_"};
            for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++)
                ident(&t, owner, ty->loc, gen_format("%s%s", c, suffixes[k]));
            ident(&t, owner, ty->loc, gen_format("%s_COUNT", cu));
            for (size_t k = 0; k < ty->n_values; k++) {
                char *vu = gen_upper(ty->values[k].name);
                const char *vo = owner_text(
                    &t, gen_format("value '%s' of enum '%s'", ty->values[k].name, ty->name));
                ident(&t, vo, ty->values[k].loc, gen_format("%s_%s", cu, vu));
                free(vu);
            }
            free(cu);
        }
        free(c);
    }
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        const char *owner = owner_text(&t, gen_format("event '%s'", e->name));
        char *c = gen_c_type_name(p, e->name);
        struct_idents(&t, owner, e->loc, c);
        ident(&t, owner, e->loc, gen_format("%s_init_ex", c));
        ident(&t, owner, e->loc, gen_format("%s_apply", c));
        ident(&t, owner, e->loc, gen_format("%s_to_cloudevent", c));
        ident(&t, owner, e->loc, gen_format("%s_from_cloudevent", c));
        ident(&t, owner, e->loc, gen_format("%s_publish", c));
        ident(&t, owner, e->loc, gen_format("%s_emit", c));
        char *eu = gen_upper(e->name);
        ident(&t, owner, e->loc, gen_format("%s_EVENT_%s", up, eu));
        free(eu);
        char **tables = gen_upcast_identifiers(e, c);
        for (size_t k = 0; tables[k]; k++)
            ident(&t, owner, e->loc, tables[k]);
        free(tables);
        free(c);
    }
    for (size_t i = 0; i < m->n_aggregates; i++) {
        const gen_aggregate *a = m->aggregates[i];
        if (!a->has_lifecycle)
            continue;
        /* The lifecycle's own names, then each state's enumerator under the state's name: a
         * state is checked against the lifecycle's NONE like against any other declaration. A
         * state named `none` is refused by the checker with its own message. */
        char **names = gen_lifecycle_identifiers(a, p);
        const char *owner = owner_text(&t, gen_format("the lifecycle of aggregate '%s'", a->name));
        size_t k = 0;
        for (; names[k] && k < GEN_LIFECYCLE_FIXED_NAMES; k++)
            ident(&t, owner, a->lifecycle_loc, names[k]);
        for (size_t s = 0; names[k]; s++, k++) {
            if (strcmp(a->states[s].name, "none") == 0) {
                free(names[k]);
                continue;
            }
            const char *so = owner_text(
                &t, gen_format("state '%s' of aggregate '%s'", a->states[s].name, a->name));
            ident(&t, so, a->states[s].loc, names[k]);
        }
        free(names);
    }
    /* Sorting by name then position puts each clash next to the declaration it clashes with.
     * One message per pair of declarations, at the later one, naming the clearest identifier
     * they share (a lower-case struct or function name rather than a constant, the shortest). */
    if (t.len > 1)
        qsort(t.items, t.len, sizeof(*t.items), cmp_c_ident);
    typedef struct clash {
        const c_ident *first, *second;
        const char *name;
    } clash;
    clash *clashes = NULL;
    size_t n_clashes = 0;
    for (size_t i = 1; i < t.len; i++) {
        const c_ident *a = &t.items[i - 1], *b = &t.items[i];
        if (strcmp(a->name, b->name) != 0 || strcmp(a->owner, b->owner) == 0)
            continue;
        clash *found = NULL;
        for (size_t k = 0; k < n_clashes && !found; k++)
            if (strcmp(clashes[k].first->owner, a->owner) == 0 &&
                strcmp(clashes[k].second->owner, b->owner) == 0)
                found = &clashes[k];
        if (!found) {
            clashes = gen_xrealloc(clashes, (n_clashes + 1) * sizeof(*clashes));
            found = &clashes[n_clashes++];
            *found = (clash){a, b, a->name};
        } else {
            bool is_lower = b->name[0] >= 'a', was_lower = found->name[0] >= 'a';
            if ((is_lower && !was_lower) ||
                (is_lower == was_lower && strlen(b->name) < strlen(found->name)))
                found->name = a->name;
        }
    }
    for (size_t k = 0; k < n_clashes; k++) {
        const c_ident *a = clashes[k].first, *b = clashes[k].second;
        char where[256];
        if (a->loc.file_index == b->loc.file_index)
            snprintf(where, sizeof where, "line %u", a->loc.line);
        else
            snprintf(where, sizeof where, "%s:%u", a->loc.file ? a->loc.file : "?", a->loc.line);
        gen_error(diags, b->loc, "%s would generate the C identifier '%s', as %s does (%s)",
                  b->owner, clashes[k].name, a->owner, where);
    }
    free(clashes);
    for (size_t i = 0; i < t.len; i++)
        free(t.items[i].name);
    free(t.items);
    for (size_t i = 0; i < t.n_owners; i++)
        free(t.owners[i]);
    free(t.owners);
}

void gen_check_c_identifiers(const gen_model *m, gen_diags *diags)
{
    const char *p = gen_c_prefix(m);
    if (!p || !gen_is_snake(p))
        return; /* the prefix itself was reported */
    char *up = gen_upper(p);
    check_identifiers(m, p, up, diags);
    free(up);
}

/* ---- struct members ---- */

typedef struct member_ident {
    char *name;
    const char *owner; /* "event 'X'" */
    gen_loc loc;
} member_ident;

typedef struct ident_table {
    member_ident *items;
    size_t len, cap;
} ident_table;

static void ident_add(ident_table *t, char *name, const char *owner, gen_loc loc)
{
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->items = gen_xrealloc(t->items, t->cap * sizeof(*t->items));
    }
    t->items[t->len++] = (member_ident){name, owner, loc};
}

static int cmp_ident(const void *a, const void *b)
{
    const member_ident *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    if (r)
        return r;
    if (x->loc.file_index != y->loc.file_index)
        return x->loc.file_index < y->loc.file_index ? -1 : 1;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : (x->loc.col > y->loc.col);
}

/* Struct members generated for a list of fields: the field itself, `has_<f>` for optional values
 * that are not pointers, `n_<f>` for arrays. */
static bool field_is_pointer(const gen_field *f)
{
    switch (f->type.kind) {
    case GEN_T_STRING:
    case GEN_T_JSON:
        return true; /* optional objects are inline, with a has_ member (codec.h) */
    default:
        return false;
    }
}

void gen_check_c_members(gen_diags *diags, const gen_field *fields, size_t n, const char *owner,
                         bool has_envelope)
{
    /* Each member is recorded with the field that produces it; `owner` of an ident holds the
     * producing field's name, NULL for the field's own member. */
    ident_table t = {0};
    if (has_envelope)
        ident_add(&t, gen_xstrdup("envelope"), "the envelope", (gen_loc){0});
    for (size_t i = 0; i < n; i++) {
        const gen_field *f = &fields[i];
        ident_add(&t, gen_xstrdup(f->name), NULL, f->loc);
        if (f->type.kind == GEN_T_ARRAY)
            ident_add(&t, gen_format("n_%s", f->name), f->name, f->loc);
        else if ((f->optional || f->nullable) && !field_is_pointer(f))
            ident_add(&t, gen_format("has_%s", f->name), f->name, f->loc);
    }
    if (t.len > 1)
        qsort(t.items, t.len, sizeof(*t.items), cmp_ident);
    for (size_t i = 1; i < t.len; i++) {
        const member_ident *a = &t.items[i - 1], *b = &t.items[i];
        if (strcmp(a->name, b->name) != 0)
            continue;
        /* Point at the field whose own name clashes; the other side generated the member. */
        const member_ident *field = !b->owner ? b : a, *other = field == b ? a : b;
        if (field->owner)
            continue; /* two generated members: impossible with distinct snake_case names */
        if (other->owner && strcmp(other->owner, "the envelope") == 0)
            gen_error(diags, field->loc,
                      "field '%s' of %s collides with the struct member that holds %s", field->name,
                      owner, other->owner);
        else if (other->owner)
            gen_error(
                diags, field->loc,
                "field '%s' of %s collides with the struct member '%s' generated for field '%s'",
                field->name, owner, other->name, other->owner);
    }
    for (size_t i = 0; i < t.len; i++)
        free(t.items[i].name);
    free(t.items);
}
