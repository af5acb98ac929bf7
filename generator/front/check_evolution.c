/* The checker of the catalog's evolution syntax: accepted breaks (`compat: accept:`), earlier
 * event names (`renamed_from`) and event histories (`history` with its declarative upcasts).
 * What it guarantees: every upcast of the latest history entry lands on the current event (a
 * renamed or added field exists, with a valid default; a mapped value is a value of the field's
 * enum; a dropped field is gone), older entries name fields that the next version has, and no
 * earlier name is the name of a current event. The runtime then never meets an upcast it cannot
 * apply. */
#include "check_evolution.h"
#include "model/compat_rules.h"
#include "model/dyndesc.h"
#include "names/names.h"

#include <stdlib.h>
#include <string.h>

typedef struct checker {
    gen_model *m;
    gen_diags *diags;
    bool sound;
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

static void check_accepted(checker *c)
{
    gen_model *m = c->m;
    for (size_t i = 0; i < m->n_accepted; i++) {
        const gen_accepted_break *a = &m->accepted[i];
        if (!gen_compat_rule_find(a->rule)) {
            const char *best = gen_compat_rule_suggest(a->rule);
            if (best)
                err(c, a->rule_loc, "unknown compat rule '%s' (did you mean '%s'?)", a->rule, best);
            else
                err(c, a->rule_loc, "unknown compat rule '%s' (docs/compatibility.md lists them)",
                    a->rule);
        }
        bool ok = *a->target != '\0';
        for (const char *p = a->target; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 strchr("_.[]", *p);
        if (!ok)
            err(c, a->target_loc,
                "target '%s' is not a catalog path (an event, type or aggregate name, then "
                "'.field', '.value' or '[]' parts)",
                a->target);
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->accepted[j].rule, a->rule) == 0 &&
                strcmp(m->accepted[j].target, a->target) == 0) {
                err(c, a->loc, "break %s of '%s' is already accepted (line %u)", a->rule, a->target,
                    m->accepted[j].loc.line);
                break;
            }
    }
}

/* ---- field names through the history ---------------------------------------------------------
 * The names of the fields an event had right after history entry k: the current fields for the
 * latest entry; going back, a rename's new name was the old one and a dropped field existed. */

typedef struct name_set {
    const char **items;
    size_t len, cap;
} name_set;

static bool set_has(const name_set *s, const char *n)
{
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->items[i], n) == 0)
            return true;
    return false;
}

static void set_add(name_set *s, const char *n)
{
    if (set_has(s, n))
        return;
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = gen_xrealloc(s->items, s->cap * sizeof(*s->items));
    }
    s->items[s->len++] = n;
}

static void set_remove(name_set *s, const char *n)
{
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->items[i], n) == 0) {
            s->items[i] = s->items[--s->len];
            return;
        }
}

static void check_name(checker *c, const char *name, gen_loc loc, const char *what)
{
    if (!gen_is_snake(name))
        err(c, loc, "%s '%s' must be a snake_case field name", what, name);
}

/* The current field `name` when no later entry renames, drops or re-adds it (then the current
 * spec is the spec this entry's upcast produces), else NULL. */
static const gen_field *current_field(const gen_event *e, size_t k, const char *name)
{
    for (size_t j = k + 1; j < e->n_history; j++) {
        const gen_history_step *s = &e->history[j];
        for (size_t i = 0; i < s->n_renamed; i++)
            if (strcmp(s->renamed[i].from, name) == 0)
                return NULL;
        for (size_t i = 0; i < s->n_dropped; i++)
            if (strcmp(s->dropped[i].field, name) == 0)
                return NULL;
    }
    return gen_event_find_field(e, name);
}

static void check_step(checker *c, gen_event *e, size_t k, const name_set *after)
{
    const gen_history_step *s = &e->history[k];
    for (size_t i = 0; i < s->n_renamed; i++) {
        const gen_upcast_rename *r = &s->renamed[i];
        check_name(c, r->from, r->loc, "renamed field");
        check_name(c, r->to, r->loc, "new name of renamed field");
        if (!set_has(after, r->to))
            err(c, r->loc,
                "field '%s' is renamed '%s', which event '%s' does not have after "
                "version %lld",
                r->from, r->to, e->name, (long long)s->version);
        else if (set_has(after, r->from))
            err(c, r->loc, "field '%s' is renamed '%s' but event '%s' still has a field '%s'",
                r->from, r->to, e->name, r->from);
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->renamed[j].to, r->to) == 0)
                err(c, r->loc, "fields '%s' and '%s' are both renamed '%s'", s->renamed[j].from,
                    r->from, r->to);
    }
    for (size_t i = 0; i < s->n_added; i++) {
        const gen_upcast_default *a = &s->added[i];
        check_name(c, a->field, a->loc, "added field");
        if (!set_has(after, a->field)) {
            err(c, a->loc,
                "field '%s' is added, but event '%s' has no such field after version "
                "%lld",
                a->field, e->name, (long long)s->version);
            continue;
        }
        const gen_field *f = current_field(e, k, a->field);
        eventc_error ve;
        if (f && c->sound && gen_field_value_check(c->m, f, a->json, &ve) != EVENTC_OK)
            err(c, a->value_loc,
                "the default of added field '%s' is not a valid value: %s: %s [%s]", a->field,
                ve.path, ve.message, eventc_status_code(ve.code));
    }
    for (size_t i = 0; i < s->n_mapped; i++) {
        const gen_upcast_map *mp = &s->mapped[i];
        check_name(c, mp->field, mp->loc, "mapped field");
        if (!set_has(after, mp->field)) {
            err(c, mp->loc,
                "values of field '%s' are mapped, but event '%s' has no such field "
                "after version %lld",
                mp->field, e->name, (long long)s->version);
            continue;
        }
        const gen_field *f = current_field(e, k, mp->field);
        if (!f)
            continue;
        const gen_typeref *t = &f->type;
        if (t->kind == GEN_T_ARRAY && t->items)
            t = t->items;
        if (t->kind != GEN_T_ENUM || !t->named) {
            err(c, mp->loc, "values of field '%s' are mapped, but it is not of an enum type",
                mp->field);
            continue;
        }
        bool known = false;
        for (size_t v = 0; v < t->named->n_values && !known; v++)
            known = strcmp(t->named->values[v].name, mp->to) == 0;
        if (!known)
            err(c, mp->to_loc, "'%s' is not a value of enum '%s' (the type of field '%s')", mp->to,
                t->named->name, mp->field);
    }
    for (size_t i = 0; i < s->n_dropped; i++) {
        const gen_upcast_drop *d = &s->dropped[i];
        check_name(c, d->field, d->loc, "dropped field");
        if (set_has(after, d->field))
            err(c, d->loc, "field '%s' is dropped but event '%s' still has it after version %lld",
                d->field, e->name, (long long)s->version);
    }
}

static void check_history(checker *c, gen_event *e)
{
    gen_model *m = c->m;
    for (size_t k = 0; k < e->n_history; k++) {
        const gen_history_step *s = &e->history[k];
        if (s->version < 1 || s->version >= m->version)
            err(c, s->version_loc,
                "history 'version' %lld of event '%s' must be an earlier catalog version "
                "(1..%lld)",
                (long long)s->version, e->name, (long long)(m->version - 1));
        else if (k > 0 && s->version <= e->history[k - 1].version)
            err(c, s->version_loc,
                "history versions must be listed in ascending order: %lld follows %lld",
                (long long)s->version, (long long)e->history[k - 1].version);
        else if (e->since && s->version < e->since - 1)
            err(c, s->version_loc,
                "history 'version' %lld of event '%s' is before it appeared (since %lld)",
                (long long)s->version, e->name, (long long)e->since);
    }
    name_set after = {0};
    for (size_t i = 0; i < e->n_fields; i++)
        set_add(&after, e->fields[i].name);
    for (size_t k = e->n_history; k-- > 0;) {
        check_step(c, e, k, &after);
        const gen_history_step *s = &e->history[k];
        for (size_t i = 0; i < s->n_renamed; i++) {
            set_remove(&after, s->renamed[i].to);
            set_add(&after, s->renamed[i].from);
        }
        for (size_t i = 0; i < s->n_dropped; i++)
            set_add(&after, s->dropped[i].field);
    }
    free(after.items);
}

static void check_renamed_from(checker *c, gen_event *e)
{
    gen_model *m = c->m;
    for (size_t i = 0; i < e->n_renamed_from; i++) {
        const char *old = e->renamed_from[i];
        gen_loc loc = e->renamed_from_locs[i];
        if (!gen_is_pascal(old)) {
            err(c, loc, "earlier name '%s' of event '%s' must be PascalCase", old, e->name);
            continue;
        }
        const gen_event *other = gen_model_find_event(m, old);
        if (other == e)
            err(c, loc, "event '%s' names itself in 'renamed_from'", e->name);
        else if (other)
            err(c, loc, "'%s' is the name of an event of the catalog, not an earlier name of '%s'",
                old, e->name);
        for (size_t j = 0; j < e->n_renamed_from; j++)
            if (j < i && strcmp(e->renamed_from[j], old) == 0)
                err(c, loc, "earlier name '%s' is listed twice", old);
        /* Two events cannot both have been called `old`: a decoder would not know which. */
        for (size_t k = 0; k < e->index; k++) {
            const gen_event *f = m->events[k];
            for (size_t j = 0; j < f->n_renamed_from; j++)
                if (strcmp(f->renamed_from[j], old) == 0)
                    err(c, loc, "earlier name '%s' is also an earlier name of event '%s'", old,
                        f->name);
        }
    }
}

void gen_check_evolution(gen_model *m, gen_diags *diags, bool sound)
{
    checker c = {m, diags, sound};
    check_accepted(&c);
    for (size_t i = 0; i < m->n_events; i++) {
        check_renamed_from(&c, m->events[i]);
        check_history(&c, m->events[i]);
    }
}
