#include "dynlife.h"
#include "dyndesc.h"

#include <string.h>

size_t gen_lifecycle_state(const gen_aggregate *a, const char *name)
{
    for (size_t i = 0; i < a->n_states; i++)
        if (strcmp(a->states[i].name, name) == 0)
            return i + 1;
    return 0;
}

static const gen_transition *transition_of(const gen_aggregate *a, const gen_event *e)
{
    for (size_t i = 0; i < a->n_transitions; i++)
        if (a->transitions[i].event == e || strcmp(a->transitions[i].event_name, e->name) == 0)
            return &a->transitions[i];
    return NULL;
}

void gen_lifecycle_rule_of(const gen_aggregate *a, const gen_event *e, gen_lifecycle_rule *r)
{
    memset(r, 0, sizeof *r);
    const gen_transition *t = transition_of(a, e);
    size_t n_states = a->n_states > 64 ? 64 : a->n_states;
    if (!t || t->from_any) {
        if (t && t->creates)
            r->from[r->n_from++] = 0;
        for (size_t s = 1; s <= n_states; s++)
            r->from[r->n_from++] = s;
    } else {
        if (t->creates)
            r->from[r->n_from++] = 0;
        for (size_t i = 0; i < t->n_from && r->n_from < 65; i++) {
            size_t s = gen_lifecycle_state(a, t->from[i]);
            bool seen = s == 0 || s > 64;
            for (size_t k = 0; k < r->n_from && !seen; k++)
                seen = r->from[k] == s;
            if (!seen)
                r->from[r->n_from++] = s;
        }
    }
    if (t && t->to)
        r->to = gen_lifecycle_state(a, t->to);
    if (t && t->to_field) {
        const gen_field *f = gen_event_find_field(e, t->to_field);
        if (f && f->type.kind == GEN_T_ENUM && f->type.named)
            r->field = f;
    }
}

const eventc_lifecycle_desc *gen_lifecycle_desc(gen_model *m, const gen_aggregate *a)
{
    if (!a->has_lifecycle)
        return NULL;
    size_t n_types = 0;
    const eventc_event_entry *types = gen_event_table(m, &n_types, NULL);
    eventc_lifecycle_desc *lc = gen_pool_alloc(&m->pool, sizeof(*lc));
    const char **states = gen_pool_alloc(&m->pool, (a->n_states + 1) * sizeof(*states));
    states[0] = "none";
    for (size_t i = 0; i < a->n_states; i++)
        states[i + 1] = a->states[i].name;
    eventc_lifecycle_rule *rules =
        gen_pool_alloc(&m->pool, (a->n_events + 1) * sizeof(eventc_lifecycle_rule));
    for (size_t i = 0; i < a->n_events; i++) {
        const gen_event *e = a->events[i];
        gen_lifecycle_rule r;
        gen_lifecycle_rule_of(a, e, &r);
        eventc_lifecycle_rule *out = &rules[i];
        out->kind = (int)e->index + 1;
        int *from = gen_pool_alloc(&m->pool, (r.n_from + 1) * sizeof(*from));
        for (size_t k = 0; k < r.n_from; k++)
            from[k] = (int)r.from[k];
        out->from = from;
        out->n_from = r.n_from;
        out->to = (int)r.to;
        if (r.field) {
            const gen_type *en = r.field->type.named;
            int *fs = gen_pool_alloc(&m->pool, (en->n_values + 1) * sizeof(*fs));
            for (size_t v = 0; v < en->n_values; v++)
                fs[v] = (int)gen_lifecycle_state(a, en->values[v].name);
            out->field_states = fs;
            out->n_field_states = en->n_values;
            out->field = r.field->name;
            const eventc_type_desc *d = gen_event_desc(m, e);
            for (size_t k = 0; k < d->n_fields; k++)
                if (strcmp(d->fields[k].name, r.field->name) == 0)
                    out->field_offset = d->fields[k].offset;
        }
    }
    lc->aggregate = a->name;
    lc->states = states;
    lc->n_states = a->n_states + 1;
    lc->rules = rules;
    lc->n_rules = a->n_events;
    lc->types = types;
    lc->n_types = n_types;
    return lc;
}
