/* The checker: everything a catalog must mean before any code is generated from it. It resolves
 * type references, checks names (and the C identifiers they become), constraints, the envelope,
 * lifecycles and every example file, and reports all it finds. */
#include "check.h"
#include "build.h"
#include "check_evolution.h"
#include "check_routing.h"
#include "model/model.h"
#include "names/names.h"
#include "names/c_names.h"
#include "names/ce_names.h"
#include "names/file_names.h"
#include "model/dyndesc.h"

#include <eventc/eventc.h>
#include <eventc/id.h>
#include <eventc/regex.h>

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct checker {
    gen_model *m;
    gen_diags *diags;
    size_t *type_size; /* per type: its struct's estimated size, SIZE_MAX when unknown or too big */
    size_t envelope_size; /* the same for the envelope */
} checker;

static void err(checker *c, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(checker *c, gen_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_verror(c->diags, loc, fmt, ap);
    va_end(ap);
}

static const char *loc_text(const checker *c, gen_loc here, gen_loc there, char *buf, size_t n)
{
    (void)c;
    if (there.file_index == here.file_index)
        snprintf(buf, n, "line %u", there.line);
    else
        snprintf(buf, n, "%s:%u", there.file ? there.file : "?", there.line);
    return buf;
}

/* ---- names ------------------------------------------------------------------------------------
 */

static void check_pascal(checker *c, const char *name, gen_loc loc, const char *what)
{
    if (!gen_is_pascal(name)) {
        err(c, loc, "%s name '%s' must be PascalCase (letters and digits, starting upper-case)",
            what, name);
        return;
    }
    char *snake = gen_snake(name);
    size_t n = strlen(snake);
    if (n >= 2 && strcmp(snake + n - 2, "_t") == 0)
        err(c, loc, "%s name '%s' would generate C names ending in '_t' (reserved by POSIX)", what,
            name);
    free(snake);
}

static bool check_snake(checker *c, const char *name, gen_loc loc, const char *what)
{
    if (!gen_is_snake(name)) {
        err(c, loc, "%s name '%s' must be snake_case (lower-case letters, digits, single '_')",
            what, name);
        return false;
    }
    if (gen_is_reserved_word(name)) {
        err(c, loc, "%s name '%s' is a C or C++ keyword or reserved identifier", what, name);
        return false;
    }
    return true;
}

/* ---- types and constraints --------------------------------------------------------------------
 */

static void suggest_type(checker *c, const gen_typeref *t)
{
    gen_suggester s;
    gen_suggest_init(&s, t->name);
    for (const char *const *b = gen_builtin_type_names(); *b; b++)
        gen_suggest_consider(&s, *b);
    for (size_t i = 0; i < c->m->n_types; i++)
        gen_suggest_consider(&s, c->m->types[i]->name);
    const char *best = s.best;
    if (best)
        err(c, t->loc, "unknown type '%s' (did you mean '%s'?)", t->name, best);
    else
        err(c, t->loc, "unknown type '%s'", t->name);
}

static void check_typeref(checker *c, gen_typeref *t)
{
    if (t->kind == GEN_T_UNRESOLVED && t->name) {
        gen_type *named = gen_model_find_type(c->m, t->name);
        if (!named) {
            suggest_type(c, t);
            return;
        }
        t->named = named;
        t->kind = named->kind == GEN_TYPE_ENUM ? GEN_T_ENUM : GEN_T_OBJECT;
        if (t->named_constraint)
            err(c, t->named_constraint_loc, "'%s' does not apply to type '%s'", t->named_constraint,
                t->name);
    }
    if (t->has_min_length && t->has_max_length && t->min_length > t->max_length)
        err(c, t->max_length_loc, "max_length %llu is less than min_length %llu",
            (unsigned long long)t->max_length, (unsigned long long)t->min_length);
    if (t->has_min_items && t->has_max_items && t->min_items > t->max_items)
        err(c, t->max_items_loc, "max_items %llu is less than min_items %llu",
            (unsigned long long)t->max_items, (unsigned long long)t->min_items);
    if (t->kind == GEN_T_INTEGER && t->has_minimum && t->has_maximum && t->imin > t->imax)
        err(c, t->maximum_loc, "maximum %lld is less than minimum %lld", (long long)t->imax,
            (long long)t->imin);
    if (t->kind == GEN_T_NUMBER) {
        if (t->has_minimum && t->has_maximum && t->nmin > t->nmax)
            err(c, t->maximum_loc, "maximum %g is less than minimum %g", t->nmax, t->nmin);
        if (t->has_exclusive_minimum && t->has_exclusive_maximum && t->nexmax <= t->nexmin)
            err(c, t->exmax_loc, "exclusive_maximum %g is not greater than exclusive_minimum %g",
                t->nexmax, t->nexmin);
        if (t->has_minimum && t->has_exclusive_maximum && t->nexmax <= t->nmin)
            err(c, t->exmax_loc, "exclusive_maximum %g is not greater than minimum %g", t->nexmax,
                t->nmin);
        if (t->has_exclusive_minimum && t->has_maximum && t->nmax <= t->nexmin)
            err(c, t->maximum_loc, "maximum %g is not greater than exclusive_minimum %g", t->nmax,
                t->nexmin);
    }
    if (t->pattern) {
        eventc_error e;
        eventc_error_clear(&e);
        if (eventc_regex_check(t->pattern, strlen(t->pattern), &e) != EVENTC_OK) {
            gen_loc loc = t->pattern_loc;
            err(c, loc, "invalid pattern: %s", e.message);
        }
    }
    if (t->kind == GEN_T_ARRAY && t->items) {
        check_typeref(c, t->items);
        if (t->unique) {
            switch (t->items->kind) {
            case GEN_T_STRING:
            case GEN_T_INTEGER:
            case GEN_T_NUMBER:
            case GEN_T_BOOLEAN:
            case GEN_T_ENUM:
            case GEN_T_UNRESOLVED:
                break;
            default:
                err(c, t->unique_loc,
                    "'unique' applies to arrays of strings, numbers, booleans and enums, not of "
                    "%s",
                    gen_kind_name(t->items->kind));
            }
        }
        if (t->items->kind == GEN_T_ARRAY)
            err(c, t->items->loc, "arrays of arrays are not supported; use an object type");
    }
}

static void check_field_list(checker *c, gen_field *fields, size_t n, const char *owner)
{
    for (size_t i = 0; i < n; i++) {
        gen_field *f = &fields[i];
        check_snake(c, f->name, f->loc, "field");
        check_typeref(c, &f->type);
        if (f->since_loc.line && (f->since < 1 || f->since > c->m->version))
            err(c, f->since_loc, "'since' %lld is outside the catalog versions 1..%lld",
                (long long)f->since, (long long)c->m->version);
    }
    (void)owner;
}

/* ---- object types that contain themselves ---------------------------------------------------
 *
 * Object types may nest, but never contain themselves (a C struct cannot, and the codec's
 * descriptors would have no end), directly or through arrays. The types and the references
 * between them form a graph; a type contains itself when it lies in a strongly connected
 * component with a cycle. Tarjan's algorithm, without recursion, visits each type and each
 * reference once, so the search is linear in the size of the catalog whatever its shape (a
 * search that walks every path is exponential on a chain of types that each refer twice to the
 * next). One error per component, at its first type, with a shortest cycle through that type.
 */

/* The object type a reference holds, through arrays; NULL for other types. */
static const gen_type *held_object(const gen_typeref *r)
{
    while (r->kind == GEN_T_ARRAY && r->items)
        r = r->items;
    return r->kind == GEN_T_OBJECT ? r->named : NULL;
}

/* The references between types, in compressed rows: the types held by type i are
 * to[start[i]] .. to[start[i + 1] - 1]. */
typedef struct type_graph {
    size_t n;
    size_t *start;
    size_t *to;
} type_graph;

static void type_graph_init(type_graph *g, const gen_model *m)
{
    g->n = m->n_types;
    g->start = gen_xcalloc(g->n + 1, sizeof(*g->start));
    size_t edges = 0;
    for (size_t i = 0; i < g->n; i++)
        for (size_t k = 0; k < m->types[i]->n_fields; k++)
            edges += held_object(&m->types[i]->fields[k].type) != NULL;
    g->to = gen_xmalloc((edges ? edges : 1) * sizeof(*g->to));
    size_t e = 0;
    for (size_t i = 0; i < g->n; i++) {
        g->start[i] = e;
        for (size_t k = 0; k < m->types[i]->n_fields; k++) {
            const gen_type *held = held_object(&m->types[i]->fields[k].type);
            if (held)
                g->to[e++] = held->index;
        }
    }
    g->start[g->n] = e;
}

static void type_graph_free(type_graph *g)
{
    free(g->start);
    free(g->to);
}

/* Reports the cycle of component `comp` through its first type `t`: a breadth-first search from
 * `t` inside the component finds a shortest way back to `t`. */
static void report_cycle(checker *c, const type_graph *g, const size_t *comp, size_t t,
                         size_t *parent, size_t *queue, size_t *mark, size_t stamp)
{
    const gen_model *m = c->m;
    size_t head = 0, tail = 0, last = SIZE_MAX;
    queue[tail++] = t;
    mark[t] = stamp;
    while (head < tail && last == SIZE_MAX) {
        size_t u = queue[head++];
        for (size_t e = g->start[u]; e < g->start[u + 1]; e++) {
            size_t w = g->to[e];
            if (w == t) {
                last = u;
                break;
            }
            if (comp[w] == comp[t] && mark[w] != stamp) {
                mark[w] = stamp;
                parent[w] = u;
                queue[tail++] = w;
            }
        }
    }
    /* The path t -> ... -> last, read backwards through `parent`. */
    size_t len = 0;
    for (size_t u = last; u != t; u = parent[u])
        queue[len++] = u;
    /* A long cycle is shown by its ends: the first types and the last ones. */
    gen_str chain;
    gen_str_init(&chain);
    gen_str_puts(&chain, m->types[t]->name);
    size_t total = len + 1;
    for (size_t k = 0; len > 0; k++) {
        size_t u = queue[--len];
        if (total > 8 && k == 3)
            gen_str_puts(&chain, " -> ...");
        if (total <= 8 || k < 3 || len < 3)
            gen_str_printf(&chain, " -> %s", m->types[u]->name);
    }
    gen_str_printf(&chain, " -> %s", m->types[t]->name);
    if (total > 8)
        gen_str_printf(&chain, " (%zu types)", total);
    err(c, m->types[t]->loc, "type '%s' contains itself: %s", m->types[t]->name, chain.data);
    gen_str_free(&chain);
}

/* ---- struct sizes ----------------------------------------------------------------------------
 *
 * Object-typed fields are held inline in the generated structs, so nesting multiplies sizes: a
 * chain of types that each hold the next twice doubles at every level. A struct far larger than
 * any event needs cannot be compiled (compilers refuse types of more than PTRDIFF_MAX bytes) or
 * placed on a stack, so the checker bounds it. The estimate follows the C back end's members on
 * an LP64 machine, without padding: pointers, integers and numbers 8 bytes, timestamps 16, arrays
 * 16 (count and pointer), enums 4, booleans and presence flags 1, and the arena pointer 8.
 */

#define GEN_MAX_STRUCT_SIZE ((size_t)1 << 20)

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Size of the members one field adds, or SIZE_MAX when it holds a type of unknown size. */
static size_t field_size(const checker *c, const gen_field *f)
{
    size_t flag = (f->optional || f->nullable) ? 1 : 0;
    switch (f->type.kind) {
    case GEN_T_STRING:
    case GEN_T_JSON:
        return 8;
    case GEN_T_INTEGER:
    case GEN_T_NUMBER:
        return 8 + flag;
    case GEN_T_BOOLEAN:
        return 1 + flag;
    case GEN_T_TIMESTAMP:
        return 16 + flag;
    case GEN_T_ENUM:
        return 4 + flag;
    case GEN_T_ARRAY:
        return 16;
    case GEN_T_OBJECT:
        if (!f->type.named || c->type_size[f->type.named->index] == SIZE_MAX)
            return SIZE_MAX;
        return add_sat(c->type_size[f->type.named->index], flag);
    default:
        return 0;
    }
}

/* The size of a struct holding `fields` (plus `base` bytes), or SIZE_MAX when one of its object
 * fields is of unknown or excessive size (reported at that type). Reports a struct that goes
 * over the limit by itself. */
static size_t struct_size(checker *c, const gen_field *fields, size_t n, size_t base,
                          const char *what, const char *name, gen_loc loc)
{
    size_t size = add_sat(base, 8); /* the arena pointer */
    for (size_t i = 0; i < n; i++) {
        size_t s = field_size(c, &fields[i]);
        if (s == SIZE_MAX)
            return SIZE_MAX;
        size = add_sat(size, s);
    }
    if (size > GEN_MAX_STRUCT_SIZE) {
        char amount[64];
        if (size == SIZE_MAX)
            snprintf(amount, sizeof amount, "more than %zu bytes", SIZE_MAX / 2);
        else
            snprintf(amount, sizeof amount, "about %zu bytes", size);
        err(c, loc,
            "%s '%s' would be a C struct of %s, over the limit of 1 MiB: fields of object "
            "types are held inline, so each level of nesting multiplies the size (hold large "
            "nested values in an array)",
            what, name, amount);
        return SIZE_MAX;
    }
    return size;
}

static void check_type_cycles(checker *c)
{
    const gen_model *m = c->m;
    size_t n = m->n_types;
    c->type_size = gen_xmalloc((n ? n : 1) * sizeof(*c->type_size));
    for (size_t i = 0; i < n; i++)
        c->type_size[i] = SIZE_MAX;
    if (n == 0)
        return;
    type_graph g;
    type_graph_init(&g, m);
    const size_t unvisited = SIZE_MAX;
    size_t *order = gen_xmalloc(n * sizeof(*order)); /* discovery index */
    size_t *low = gen_xmalloc(n * sizeof(*low));
    size_t *comp = gen_xmalloc(n * sizeof(*comp)); /* component, once assigned */
    size_t *stack = gen_xmalloc(n * sizeof(*stack));
    bool *on_stack = gen_xcalloc(n, sizeof(*on_stack));
    struct frame {
        size_t v, edge;
    } *calls = gen_xmalloc(n * sizeof(*calls));
    size_t *parent = gen_xmalloc(n * sizeof(*parent));
    size_t *queue = gen_xmalloc(n * sizeof(*queue));
    size_t *mark = gen_xmalloc(n * sizeof(*mark));
    for (size_t i = 0; i < n; i++)
        order[i] = comp[i] = mark[i] = unvisited;
    size_t counter = 0, depth = 0, sp = 0, n_comps = 0;
    for (size_t root = 0; root < n; root++) {
        if (order[root] != unvisited)
            continue;
        calls[depth++] = (struct frame){root, g.start[root]};
        order[root] = low[root] = counter++;
        stack[sp++] = root;
        on_stack[root] = true;
        while (depth > 0) {
            struct frame *f = &calls[depth - 1];
            size_t v = f->v;
            if (f->edge < g.start[v + 1]) {
                size_t w = g.to[f->edge++];
                if (order[w] == unvisited) {
                    calls[depth++] = (struct frame){w, g.start[w]};
                    order[w] = low[w] = counter++;
                    stack[sp++] = w;
                    on_stack[w] = true;
                } else if (on_stack[w] && order[w] < low[v]) {
                    low[v] = order[w];
                }
                continue;
            }
            depth--;
            if (depth > 0 && low[v] < low[calls[depth - 1].v])
                low[calls[depth - 1].v] = low[v];
            if (low[v] != order[v])
                continue;
            /* v roots a component: pop it, note its first type and whether it has a cycle. */
            size_t first = v, size = 0;
            bool self = false;
            for (size_t w;;) {
                w = stack[--sp];
                on_stack[w] = false;
                comp[w] = n_comps;
                size++;
                if (w < first)
                    first = w;
                if (w == v)
                    break;
            }
            for (size_t e = g.start[v]; e < g.start[v + 1] && !self; e++)
                self = g.to[e] == v;
            if (size > 1 || self) {
                report_cycle(c, &g, comp, first, parent, queue, mark, n_comps);
            } else if (m->types[v]->kind == GEN_TYPE_OBJECT) {
                /* Components complete in reverse topological order: every type v holds has
                 * its size already. */
                const gen_type *t = m->types[v];
                c->type_size[v] =
                    struct_size(c, t->fields, t->n_fields, 0, "type", t->name, t->loc);
            }
            n_comps++;
        }
    }
    free(order);
    free(low);
    free(comp);
    free(stack);
    free(on_stack);
    free(calls);
    free(parent);
    free(queue);
    free(mark);
    type_graph_free(&g);
}

static void check_types(checker *c)
{
    gen_model *m = c->m;
    for (size_t i = 0; i < m->n_types; i++) {
        gen_type *t = m->types[i];
        check_pascal(c, t->name, t->loc, "type");
        for (size_t j = 0; j < t->n_values; j++) {
            check_snake(c, t->values[j].name, t->values[j].loc, "enum value");
            for (size_t k = 0; k < j; k++)
                if (strcmp(t->values[k].name, t->values[j].name) == 0)
                    err(c, t->values[j].loc, "duplicate value '%s' in enum '%s'", t->values[j].name,
                        t->name);
        }
        if (t->kind == GEN_TYPE_OBJECT) {
            char *owner = gen_format("type '%s'", t->name);
            check_field_list(c, t->fields, t->n_fields, owner);
            gen_check_c_members(c->diags, t->fields, t->n_fields, owner, false);
            free(owner);
        }
    }
    check_type_cycles(c);
}

/* ---- envelope ------------------------------------------------------------------------------- */

static void check_envelope(checker *c)
{
    gen_model *m = c->m;
    if (!m->has_envelope)
        return;
    check_field_list(c, m->envelope, m->n_envelope, "the envelope");
    static const gen_kind role_kind[GEN_ROLE_COUNT] = {
        [GEN_ROLE_EVENT_NAME] = GEN_T_STRING,     [GEN_ROLE_EVENT_ID] = GEN_T_STRING,
        [GEN_ROLE_AGGREGATE_TYPE] = GEN_T_STRING, [GEN_ROLE_AGGREGATE_ID] = GEN_T_STRING,
        [GEN_ROLE_OCCURRED_AT] = GEN_T_TIMESTAMP, [GEN_ROLE_VERSION] = GEN_T_INTEGER};
    for (size_t i = 0; i < m->n_envelope; i++) {
        gen_field *f = &m->envelope[i];
        if (f->role == GEN_ROLE_NONE)
            continue;
        if (m->role_fields[f->role]) {
            err(c, f->loc, "role '%s' is already played by envelope field '%s'",
                gen_role_name(f->role), m->role_fields[f->role]->name);
            continue;
        }
        m->role_fields[f->role] = f;
        if (f->type.kind != GEN_T_UNRESOLVED && f->type.kind != role_kind[f->role])
            err(c, f->type.loc, "envelope field '%s' has role '%s', which needs type '%s'", f->name,
                gen_role_name(f->role), gen_kind_name(role_kind[f->role]));
        if (f->optional)
            err(c, f->loc, "envelope field '%s' has role '%s' and cannot be optional", f->name,
                gen_role_name(f->role));
    }
    gen_loc where = m->envelope_fields_loc;
    for (int r = 1; r < GEN_ROLE_COUNT; r++)
        if (!m->role_fields[r])
            err(c, where, "the envelope has no field with role '%s'", gen_role_name((gen_role)r));
    gen_check_c_members(c->diags, m->envelope, m->n_envelope, "the envelope", false);
}

/* ---- aggregates, events, lifecycles -----------------------------------------------------------
 */

static const gen_state *find_state(const gen_aggregate *a, const char *name)
{
    for (size_t i = 0; i < a->n_states; i++)
        if (strcmp(a->states[i].name, name) == 0)
            return &a->states[i];
    return NULL;
}

static void unknown_state(checker *c, const gen_aggregate *a, const char *name, gen_loc loc)
{
    gen_suggester s;
    gen_suggest_init(&s, name);
    for (size_t i = 0; i < a->n_states; i++)
        gen_suggest_consider(&s, a->states[i].name);
    const char *best = s.best;
    if (best)
        err(c, loc, "unknown state '%s' in the lifecycle of '%s' (did you mean '%s'?)", name,
            a->name, best);
    else
        err(c, loc, "unknown state '%s' in the lifecycle of '%s'", name, a->name);
}

static void check_lifecycle(checker *c, gen_aggregate *a)
{
    gen_model *m = c->m;
    for (size_t i = 0; i < a->n_states; i++) {
        if (strcmp(a->states[i].name, "none") == 0)
            err(c, a->states[i].loc,
                "state name 'none' is reserved: it names the state of an aggregate that does not "
                "exist yet (the generated ..._NONE)");
        else
            check_snake(c, a->states[i].name, a->states[i].loc, "state");
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->states[i].name, a->states[j].name) == 0)
                err(c, a->states[i].loc, "duplicate state '%s'", a->states[i].name);
    }
    bool any_creation = false;
    /* A transition whose target state is unknown (a broken to_field, an unknown event with a
     * to_field) makes the reachability below meaningless: every state it would reach would be
     * reported as unreachable, burying the real error. */
    bool unknown_target = false;
    for (size_t i = 0; i < a->n_transitions; i++) {
        gen_transition *t = &a->transitions[i];
        t->event = gen_model_find_event(m, t->event_name);
        if (!t->event && t->to_field)
            unknown_target = true;
        if (!t->event) {
            gen_suggester s;
            gen_suggest_init(&s, t->event_name);
            for (size_t j = 0; j < a->n_events; j++)
                gen_suggest_consider(&s, a->events[j]->name);
            const char *best = s.best;
            if (best)
                err(c, t->loc, "transition names unknown event '%s' (did you mean '%s'?)",
                    t->event_name, best);
            else
                err(c, t->loc, "transition names unknown event '%s'", t->event_name);
        } else if (t->event->aggregate != a) {
            err(c, t->loc, "event '%s' belongs to aggregate '%s', not '%s'", t->event_name,
                t->event->aggregate->name, a->name);
            t->event = NULL;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->transitions[j].event_name, t->event_name) == 0)
                err(c, t->loc, "event '%s' has more than one transition", t->event_name);
        for (size_t j = 0; j < t->n_from; j++)
            if (!find_state(a, t->from[j]))
                unknown_state(c, a, t->from[j], t->from_locs[j]);
        if (t->to && !find_state(a, t->to))
            unknown_state(c, a, t->to, t->to_loc);
        if (t->to_field && t->event) {
            const gen_field *f = gen_event_find_field(t->event, t->to_field);
            if (!f) {
                err(c, t->to_field_loc, "'to_field' names '%s', which is not a field of '%s'",
                    t->to_field, t->event_name);
                unknown_target = true;
            } else if (f->type.kind != GEN_T_ENUM || !f->type.named) {
                if (f->type.kind != GEN_T_UNRESOLVED)
                    err(c, t->to_field_loc,
                        "'to_field' field '%s' must have an enum type whose values are states",
                        t->to_field);
                unknown_target = true;
            } else {
                const gen_type *en = f->type.named;
                for (size_t v = 0; v < en->n_values; v++)
                    if (!find_state(a, en->values[v].name))
                        err(c, t->to_field_loc,
                            "value '%s' of enum '%s' (field '%s') is not a state of '%s'",
                            en->values[v].name, en->name, t->to_field, a->name);
                if (f->optional)
                    err(c, t->to_field_loc, "'to_field' field '%s' cannot be optional",
                        t->to_field);
            }
        }
        if (t->creates)
            any_creation = true;
    }
    if (!a->transitions)
        return; /* no 'transitions': already reported */
    bool unknown_states = unknown_target;
    for (size_t i = 0; i < a->n_transitions; i++) {
        const gen_transition *t = &a->transitions[i];
        for (size_t j = 0; j < t->n_from; j++)
            unknown_states = unknown_states || !find_state(a, t->from[j]);
        unknown_states = unknown_states || (t->to && !find_state(a, t->to));
    }
    if (!any_creation) {
        err(c, a->lifecycle_loc,
            "the lifecycle of '%s' has no creating transition (one without 'from')", a->name);
        return;
    }
    /* Reachability: start from the states creating transitions enter, then follow the rest. */
    bool *reached = gen_xcalloc(a->n_states ? a->n_states : 1, sizeof(bool));
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < a->n_transitions; i++) {
            const gen_transition *t = &a->transitions[i];
            bool fires = t->creates;
            for (size_t s = 0; !fires && s < a->n_states; s++) {
                if (!reached[s])
                    continue;
                if (t->from_any)
                    fires = true;
                for (size_t j = 0; !fires && j < t->n_from; j++)
                    fires = strcmp(t->from[j], a->states[s].name) == 0;
            }
            if (!fires)
                continue;
            for (size_t s = 0; s < a->n_states; s++) {
                bool target = t->to && strcmp(t->to, a->states[s].name) == 0;
                if (!target && t->to_field && t->event) {
                    const gen_field *f = gen_event_find_field(t->event, t->to_field);
                    if (f && f->type.kind == GEN_T_ENUM && f->type.named)
                        for (size_t v = 0; v < f->type.named->n_values; v++)
                            if (strcmp(f->type.named->values[v].name, a->states[s].name) == 0)
                                target = true;
                }
                if (target && !reached[s])
                    reached[s] = changed = true;
            }
        }
    }
    for (size_t s = 0; s < a->n_states && !unknown_states; s++)
        if (!reached[s])
            err(c, a->states[s].loc, "state '%s' of '%s' cannot be reached by any transition",
                a->states[s].name, a->name);
    free(reached);
}

static void check_event(checker *c, gen_event *e)
{
    gen_model *m = c->m;
    check_pascal(c, e->name, e->loc, "event");
    if (gen_is_pascal(e->name)) {
        char *snake = gen_snake(e->name);
        if (gen_is_reserved_word(snake))
            err(c, e->loc, "event name '%s' becomes '%s', a C or C++ keyword", e->name, snake);
        free(snake);
    }
    if (e->since_loc.line && (e->since < 1 || e->since > m->version))
        err(c, e->since_loc, "'since' %lld is outside the catalog versions 1..%lld",
            (long long)e->since, (long long)m->version);
    char *owner = gen_format("event '%s'", e->name);
    check_field_list(c, e->fields, e->n_fields, owner);
    for (size_t i = 0; i < e->n_fields; i++)
        for (size_t j = 0; j < m->n_envelope; j++)
            if (strcmp(e->fields[i].name, m->envelope[j].name) == 0)
                err(c, e->fields[i].loc, "field '%s' of event '%s' repeats an envelope field",
                    e->fields[i].name, e->name);
    gen_check_c_members(c->diags, e->fields, e->n_fields, owner, true);
    free(owner);
    if (c->envelope_size != SIZE_MAX)
        struct_size(c, e->fields, e->n_fields, c->envelope_size, "event", e->name, e->loc);
    const gen_aggregate *a = e->aggregate;
    if (a->id_field && e->fields) {
        const gen_field *id = gen_event_find_field(e, a->id_field);
        if (!id)
            err(c, e->loc, "event '%s' has no field '%s' (the id of aggregate '%s')", e->name,
                a->id_field, a->name);
        else if ((id->type.kind != GEN_T_STRING && id->type.kind != GEN_T_UNRESOLVED) ||
                 id->optional)
            err(c, id->loc, "field '%s' is the id of aggregate '%s' and must be a required string",
                id->name, a->name);
    }
}

/* ---- the values the constructors produce ------------------------------------------------------
 *
 * Constructors fill the envelope's role fields themselves (the event and aggregate names, a ULID,
 * the catalog version, the aggregate id from the id field) and then validate the event. A
 * constraint that these values break would make every constructor fail at run time, so the
 * checker tries them against the catalog's own rules first.
 */

/* The ULID alphabet (Crockford's base 32); the first character carries the top bits of a 48-bit
 * time, hence only 0-7. */
static const char ulid_digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Finds a ULID that `pattern` does not match, into `witness`. Returns 1 when one was found, 0 when
 * the pattern matches every ULID. Walks the pattern's automaton over all ULIDs at once (a set of
 * states per position); a pattern without an automaton is tried on sample ULIDs instead. */
static int ulid_refused_by(const char *pattern, char witness[EVENTC_ULID_LEN + 1])
{
    size_t plen = strlen(pattern);
    eventc_regex_dfa_storage *st = gen_xmalloc(sizeof(*st));
    if (eventc_regex_dfa_build(pattern, plen, st) != EVENTC_OK) {
        free(st);
        /* Samples: the least and the greatest ULID, and 32 that put every digit at every
         * position. */
        for (size_t k = 0; k < 34; k++) {
            for (size_t i = 0; i < EVENTC_ULID_LEN; i++) {
                size_t d = k == 0 ? 0 : k == 1 ? 31 : (k - 2 + i * 7) % 32;
                witness[i] = ulid_digits[i == 0 ? d % 8 : d];
            }
            witness[EVENTC_ULID_LEN] = '\0';
            if (eventc_regex_search(pattern, plen, witness, EVENTC_ULID_LEN) == 0)
                return 1;
        }
        return 0;
    }
    const eventc_regex_dfa *d = &st->dfa;
    /* reach[i][s]: state s is reached after i characters; from[i][s]: a (state, digit) it is
     * reached from. */
    enum { N = EVENTC_REGEX_DFA_MAX_STATES };
    unsigned char reach[EVENTC_ULID_LEN + 1][N];
    unsigned char from_state[EVENTC_ULID_LEN + 1][N], from_digit[EVENTC_ULID_LEN + 1][N];
    memset(reach, 0, sizeof reach);
    reach[0][0] = 1;
    for (size_t i = 0; i < EVENTC_ULID_LEN; i++) {
        size_t digits = i == 0 ? 8 : 32;
        for (unsigned s = 0; s < d->nstates; s++) {
            if (!reach[i][s])
                continue;
            for (size_t k = 0; k < digits; k++) {
                unsigned t = d->next[s * d->nclasses + d->classes[(unsigned char)ulid_digits[k]]];
                if (!reach[i + 1][t]) {
                    reach[i + 1][t] = 1;
                    from_state[i + 1][t] = (unsigned char)s;
                    from_digit[i + 1][t] = (unsigned char)k;
                }
            }
        }
    }
    int found = 0;
    for (unsigned s = 0; s < d->nstates && !found; s++) {
        if (!reach[EVENTC_ULID_LEN][s] ||
            (d->flags[s] & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_AT_END)))
            continue;
        found = 1;
        unsigned t = s;
        for (size_t i = EVENTC_ULID_LEN; i > 0; i--) {
            witness[i - 1] = ulid_digits[from_digit[i][t]];
            t = from_state[i][t];
        }
        witness[EVENTC_ULID_LEN] = '\0';
    }
    free(st);
    return found;
}

/* The first constraint of string type `t` that `s` breaks ("max_length 20"), written into `why`;
 * NULL when `s` meets them all. Names and ULIDs are ASCII: bytes are code points. */
static const char *string_breaks(const gen_typeref *t, const char *s, char *why, size_t n)
{
    size_t len = strlen(s);
    if (t->has_min_length && len < t->min_length)
        snprintf(why, n, "min_length %llu", (unsigned long long)t->min_length);
    else if (t->has_max_length && len > t->max_length)
        snprintf(why, n, "max_length %llu", (unsigned long long)t->max_length);
    else if (t->pattern && eventc_regex_search(t->pattern, strlen(t->pattern), s, len) == 0)
        snprintf(why, n, "pattern '%s'", t->pattern);
    else
        return NULL;
    return why;
}

static gen_loc string_rule_loc(const gen_typeref *t, const char *why)
{
    if (strncmp(why, "min_length", 10) == 0)
        return t->min_length_loc;
    if (strncmp(why, "max_length", 10) == 0)
        return t->max_length_loc;
    return t->pattern_loc;
}

/* Names the constructors write into the role field `role` (event names, aggregate names). */
static void check_names_fit(checker *c, gen_role role, const char *const *names, size_t n,
                            const char *what)
{
    const gen_field *f = c->m->role_fields[role];
    if (!f || f->type.kind != GEN_T_STRING)
        return;
    char why[160];
    size_t failing = 0;
    const char *first = NULL, *rule = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!string_breaks(&f->type, names[i], why, sizeof why))
            continue;
        if (!first) {
            first = names[i];
            rule = gen_pool_strdup(&c->m->pool, why);
        }
        failing++;
    }
    if (!first)
        return;
    char more[64] = "";
    if (failing > 1)
        snprintf(more, sizeof more, " (and %zu more)", failing - 1);
    err(c, string_rule_loc(&f->type, rule),
        "the constructors put the name of %s '%s'%s in envelope field '%s' (role %s), which its "
        "%s refuses",
        what, first, more, f->name, gen_role_name(role), rule);
}

static void check_generated_values(checker *c)
{
    gen_model *m = c->m;
    const char **names = gen_xmalloc((m->n_events + m->n_aggregates + 1) * sizeof(*names));
    for (size_t i = 0; i < m->n_events; i++)
        names[i] = m->events[i]->name;
    check_names_fit(c, GEN_ROLE_EVENT_NAME, names, m->n_events, "event");
    for (size_t i = 0; i < m->n_aggregates; i++)
        names[i] = m->aggregates[i]->name;
    check_names_fit(c, GEN_ROLE_AGGREGATE_TYPE, names, m->n_aggregates, "aggregate");
    free(names);

    const gen_field *id = m->role_fields[GEN_ROLE_EVENT_ID];
    if (id && id->type.kind == GEN_T_STRING) {
        const gen_typeref *t = &id->type;
        char ulid[EVENTC_ULID_LEN + 1];
        if (t->has_min_length && t->min_length > EVENTC_ULID_LEN)
            err(c, t->min_length_loc,
                "the constructors put a ULID (26 characters) in envelope field '%s' (role "
                "event_id), which its min_length %llu refuses",
                id->name, (unsigned long long)t->min_length);
        if (t->has_max_length && t->max_length < EVENTC_ULID_LEN)
            err(c, t->max_length_loc,
                "the constructors put a ULID (26 characters) in envelope field '%s' (role "
                "event_id), which its max_length %llu refuses",
                id->name, (unsigned long long)t->max_length);
        if (t->pattern && eventc_regex_check(t->pattern, strlen(t->pattern), NULL) == EVENTC_OK &&
            ulid_refused_by(t->pattern, ulid))
            err(c, t->pattern_loc,
                "the constructors put a ULID in envelope field '%s' (role event_id), but its "
                "pattern refuses ULIDs such as '%s'; write a pattern that accepts every ULID "
                "('^[0-7][0-9A-HJKMNP-TV-Z]{25}$') or none",
                id->name, ulid);
    }

    const gen_field *ver = m->role_fields[GEN_ROLE_VERSION];
    if (ver && ver->type.kind == GEN_T_INTEGER) {
        if (ver->type.has_minimum && m->version < ver->type.imin)
            err(c, ver->type.minimum_loc,
                "the constructors put the catalog version %lld in envelope field '%s' (role "
                "version), which its minimum %lld refuses",
                (long long)m->version, ver->name, (long long)ver->type.imin);
        if (ver->type.has_maximum && m->version > ver->type.imax)
            err(c, ver->type.maximum_loc,
                "the constructors put the catalog version %lld in envelope field '%s' (role "
                "version), which its maximum %lld refuses",
                (long long)m->version, ver->name, (long long)ver->type.imax);
    }
}

/* ---- examples ---------------------------------------------------------------------------------
 */

/* What a constructor would have written, which the decoder cannot know: the aggregate id is the
 * id field's value, and the version is at most the catalog's. `doc` is the example, valid for its
 * event. */
static void check_example_envelope(checker *c, const gen_event *e, const gen_example *x,
                                   json_object *doc)
{
    const gen_model *m = c->m;
    const gen_field *agg = m->role_fields[GEN_ROLE_AGGREGATE_ID];
    const char *id_field = e->aggregate->id_field;
    json_object *a, *i;
    if (agg && id_field && json_object_object_get_ex(doc, agg->name, &a) &&
        json_object_object_get_ex(doc, id_field, &i) && json_object_is_type(a, json_type_string) &&
        json_object_is_type(i, json_type_string) &&
        strcmp(json_object_get_string(a), json_object_get_string(i)) != 0)
        err(c, x->loc,
            "example '%s': $.%s: \"%s\" differs from the id of the aggregate, $.%s \"%s\" (the "
            "constructors copy one into the other)",
            x->path, agg->name, json_object_get_string(a), id_field, json_object_get_string(i));
    const gen_field *ver = m->role_fields[GEN_ROLE_VERSION];
    json_object *v;
    if (ver && json_object_object_get_ex(doc, ver->name, &v) &&
        json_object_is_type(v, json_type_int) && json_object_get_int64(v) > m->version)
        err(c, x->loc, "example '%s': $.%s: %lld is later than the catalog's version %lld", x->path,
            ver->name, (long long)json_object_get_int64(v), (long long)m->version);
}

static void check_examples(checker *c, gen_event *e)
{
    for (size_t i = 0; i < e->n_examples; i++) {
        const gen_example *x = &e->examples[i];
        if (!*x->path) {
            err(c, x->loc, "empty path in 'examples'");
            continue;
        }
        if (c->m->in_memory) {
            err(c, x->loc, "cannot read example '%s': the catalog was given in memory", x->path);
            continue;
        }
        char *data;
        size_t len;
        int rc = gen_read_file(x->resolved, 1u << 20, &data, &len);
        if (rc == -2) {
            err(c, x->loc, "example '%s' is larger than 1 MiB", x->path);
            continue;
        }
        if (rc != 0) {
            err(c, x->loc, "cannot read example '%s': %s", x->path, gen_read_error(rc));
            continue;
        }
        json_tokener *tok = json_tokener_new_ex(64);
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        json_object *doc = json_tokener_parse_ex(tok, data, (int)len);
        enum json_tokener_error jerr = json_tokener_get_error(tok);
        size_t off = json_tokener_get_parse_end(tok);
        if (jerr == json_tokener_success) {
            /* Only white space may follow the value. */
            while (off < len && strchr(" \t\r\n", data[off]))
                off++;
            if (off < len) {
                jerr = json_tokener_error_parse_unexpected;
                json_object_put(doc);
                doc = NULL;
            }
        } else if (jerr == json_tokener_continue) {
            jerr = json_tokener_error_parse_eof;
        }
        if (jerr != json_tokener_success) {
            unsigned line = 1, col = 1;
            for (size_t k = 0; k < off && k < len; k++) {
                if (data[k] == '\n')
                    line++, col = 1;
                else if (((unsigned char)data[k] & 0xC0) != 0x80)
                    col++;
            }
            err(c, x->loc, "example '%s' is not valid JSON: %s at line %u, column %u", x->path,
                json_tokener_error_desc(jerr), line, col);
        } else {
            /* Judged by the runtime decoder itself, through descriptors built from the model:
             * the very rules the generated code applies. */
            const eventc_type_desc *desc = gen_event_desc(c->m, e);
            void *value = gen_xcalloc(1, desc->size);
            eventc_error e_err;
            if (eventc_decode(desc, value, data, len, NULL, &e_err) != EVENTC_OK)
                err(c, x->loc, "example '%s': %s: %s [%s]", x->path, e_err.path, e_err.message,
                    eventc_status_code(e_err.code));
            else
                check_example_envelope(c, e, x, doc);
            eventc_clear(desc, value);
            free(value);
        }
        json_object_put(doc);
        json_tokener_free(tok);
        free(data);
    }
}

/* ---- catalog settings -------------------------------------------------------------------------
 */

static bool uri_chars_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f || strchr("\"<>\\^`{|}", *s))
            return false;
    return true;
}

static void check_settings(checker *c)
{
    gen_model *m = c->m;
    if (m->name)
        check_snake(c, m->name, m->name_loc, "catalog");
    if (m->c_prefix && m->c_prefix != m->name)
        check_snake(c, m->c_prefix, m->c_prefix_loc, "c_prefix");
    /* The runtime owns every name that starts with eventc_ (and EVENTC_): generated names there
     * could redeclare its own. */
    const char *prefix = m->c_prefix ? m->c_prefix : m->name;
    if (prefix && (strcmp(prefix, "eventc") == 0 || strncmp(prefix, "eventc_", 7) == 0)) {
        if (m->c_prefix_loc.line && m->c_prefix != m->name)
            err(c, m->c_prefix_loc,
                "c_prefix '%s' would put the generated C names in the runtime's namespace "
                "(eventc_..., EVENTC_...); choose another prefix",
                prefix);
        else
            err(c, m->name_loc,
                "catalog name '%s' is also the default c_prefix, which would put the generated C "
                "names in the runtime's namespace (eventc_..., EVENTC_...); set another 'c_prefix'",
                prefix);
    }
    /* CloudEvents carries the version as an extension attribute of type Integer: 32 bits. */
    if (m->version > INT32_MAX)
        err(c, m->version_loc,
            "'version' %lld is out of range: CloudEvents carries it as an Integer, at most "
            "2147483647",
            (long long)m->version);
    if (m->schema_base_uri) {
        const char *s = m->schema_base_uri;
        const char *colon = strchr(s, ':');
        bool scheme = colon && colon > s && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'));
        for (const char *p = s; scheme && p < colon; p++)
            scheme = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.",
                            *p) != NULL;
        size_t n = strlen(s);
        if (!scheme || !uri_chars_ok(s) || n == 0 || s[n - 1] != '/')
            err(c, m->schema_base_uri_loc,
                "'schema_base_uri' must be an absolute URI ending in '/', got '%s'", s);
    } else if (m->name) {
        char *d = gen_format("https://example.com/schemas/%s/", m->name);
        m->schema_base_uri = gen_pool_strdup(&m->pool, d);
        free(d);
    }
    if (m->ce_source) {
        if (!*m->ce_source || !uri_chars_ok(m->ce_source))
            err(c, m->ce_source_loc, "CloudEvents 'source' must be a non-empty URI-reference");
    } else if (m->name) {
        char *d = gen_format("/%s", m->name);
        m->ce_source = gen_pool_strdup(&m->pool, d);
        free(d);
    }
    if (m->ce_type_prefix) {
        bool ok = *m->ce_type_prefix != '\0';
        for (const char *p = m->ce_type_prefix; ok && *p; p++)
            ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p);
        if (!ok)
            err(c, m->ce_type_prefix_loc,
                "CloudEvents 'type_prefix' may hold only letters, digits, '.', '_' and '-'");
    } else if (m->name) {
        m->ce_type_prefix = m->name;
    }
}

/* Duplicate names among many declarations, found by sorting (catalogs may be large). */
typedef struct named {
    const char *name;
    gen_loc loc;
    size_t order;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    if (r)
        return r;
    return x->order < y->order ? -1 : (x->order > y->order);
}

static void check_duplicates(checker *c, named *items, size_t n, const char *what)
{
    if (n > 1)
        qsort(items, n, sizeof(*items), cmp_named);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        if (strcmp(items[first].name, items[i].name) != 0)
            continue;
        while (first > 0 && strcmp(items[first - 1].name, items[i].name) == 0)
            first--;
        char where[256];
        err(c, items[i].loc, "%s '%s' is already defined (%s)", what, items[i].name,
            loc_text(c, items[i].loc, items[first].loc, where, sizeof(where)));
    }
}

static void check_all_duplicates(checker *c)
{
    gen_model *m = c->m;
    size_t most = m->n_events > m->n_types ? m->n_events : m->n_types;
    if (m->n_aggregates > most)
        most = m->n_aggregates;
    named *items = gen_xmalloc((most ? most : 1) * sizeof(*items));
    for (size_t i = 0; i < m->n_types; i++)
        items[i] = (named){m->types[i]->name, m->types[i]->loc, i};
    check_duplicates(c, items, m->n_types, "type");
    for (size_t i = 0; i < m->n_aggregates; i++)
        items[i] = (named){m->aggregates[i]->name, m->aggregates[i]->loc, i};
    check_duplicates(c, items, m->n_aggregates, "aggregate");
    for (size_t i = 0; i < m->n_events; i++)
        items[i] = (named){m->events[i]->name, m->events[i]->loc, i};
    check_duplicates(c, items, m->n_events, "event");
    free(items);
}

static void count_fields(gen_model *m)
{
    size_t n = m->n_envelope;
    for (size_t i = 0; i < m->n_types; i++)
        n += m->types[i]->n_fields;
    for (size_t i = 0; i < m->n_events; i++)
        n += m->events[i]->n_fields;
    m->n_fields = n;
}

static gen_model *check_model(gen_model *m, gen_diags *diags);

gen_model *gen_model_load(const char *path, gen_diags *diags)
{
    return check_model(gen_build(path, diags), diags);
}

gen_model *gen_model_load_buffer(const char *data, size_t len, const char *display,
                                 gen_diags *diags)
{
    return check_model(gen_build_buffer(data, len, display, diags), diags);
}

gen_model *gen_model_load_as(const char *path, const char *display, gen_diags *diags)
{
    return check_model(gen_build_as(path, display, diags), diags);
}

static gen_model *check_model(gen_model *m, gen_diags *diags)
{
    if (!m->root_loaded) {
        gen_model_free(m);
        return NULL;
    }
    checker c = {m, diags, NULL, 0};
    check_settings(&c);
    check_all_duplicates(&c);
    check_types(&c);
    check_envelope(&c);
    c.envelope_size = struct_size(&c, m->envelope, m->n_envelope, 0, "the envelope of catalog",
                                  m->name ? m->name : "?", m->envelope_fields_loc);
    if (m->n_aggregates == 0)
        err(&c, m->aggregates_loc, "the catalog declares no aggregates");
    for (size_t i = 0; i < m->n_aggregates; i++) {
        gen_aggregate *a = m->aggregates[i];
        check_pascal(&c, a->name, a->loc, "aggregate");
        if (a->id_field)
            check_snake(&c, a->id_field, a->id_loc, "id field");
    }
    for (size_t i = 0; i < m->n_events; i++)
        check_event(&c, m->events[i]);
    for (size_t i = 0; i < m->n_aggregates; i++)
        if (m->aggregates[i]->has_lifecycle)
            check_lifecycle(&c, m->aggregates[i]);
    gen_check_routing(m, diags);
    gen_check_servers(m, diags);
    check_generated_values(&c);
    gen_check_c_identifiers(m, diags);
    gen_check_file_names(m, diags);
    /* The CloudEvents mapping (event types, extension attributes, URIs) is worked out only for a
     * sound model, like the examples below: a broken setting or name would be reported twice. */
    if (diags->len == 0) {
        gen_ce_names ce;
        gen_ce_names_build(m, &ce, diags);
        gen_ce_names_free(&ce);
    }
    /* Defaults in histories are decoded, which needs a sound model (resolved, acyclic types). */
    gen_check_evolution(m, diags, diags->len == 0);
    count_fields(m);
    free(c.type_size);
    /* Examples are judged only against a sound model: with broken types the messages would
     * mislead. */
    if (diags->len == 0)
        for (size_t i = 0; i < m->n_events; i++)
            check_examples(&c, m->events[i]);
    if (diags->len) {
        gen_model_free(m);
        return NULL;
    }
    return m;
}
