/* The rule engine's driver: runs the comparisons in each requested direction (events and
 * aggregates here, fields and values in compat_fields.c, lifecycles in compat_lifecycle.c),
 * matches the findings with the breaks the new catalog accepts, and judges the catalog-wide rule
 * that the version grows when events change shape. */
#include "compat_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- events and aggregates ---------------------------------------------------------------------
 */

static const gen_aggregate *find_aggregate(const gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_aggregates; i++)
        if (strcmp(m->aggregates[i]->name, name) == 0)
            return m->aggregates[i];
    return NULL;
}

/* The reader's event for writer event `e`: the same name, or an event naming it in
 * renamed_from. */
static const gen_event *reader_event(const gen_model *r, const gen_event *e)
{
    const gen_event *x = gen_model_find_event(r, e->name);
    if (x)
        return x;
    for (size_t i = 0; i < r->n_events; i++)
        for (size_t k = 0; k < r->events[i]->n_renamed_from; k++)
            if (strcmp(r->events[i]->renamed_from[k], e->name) == 0)
                return r->events[i];
    return NULL;
}

static char *event_sig(const gen_event *e)
{
    gen_str s;
    gen_str_init(&s);
    gen_str_printf(&s, "%s{", e->aggregate->name);
    for (size_t i = 0; i < e->n_fields; i++) {
        const gen_field *f = &e->fields[i];
        gen_str_printf(&s, "%s%s%s:", f->name, f->optional ? "?" : "", f->nullable ? "~" : "");
        compat_type_sig(&s, &f->type);
        gen_str_putc(&s, ';');
    }
    gen_str_putc(&s, '}');
    return gen_str_detach(&s);
}

static bool same_event_shape(const gen_event *a, const gen_event *b)
{
    char *x = event_sig(a), *y = event_sig(b);
    bool same = strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

/* A base witness: the writer's event as it is. */
static void report_event(cx *c, const gen_event *e, gen_compat_rule_id rule, const char *target,
                         gen_loc wloc, gen_loc rloc, char *msg)
{
    c->we = e;
    c->re = NULL;
    c->ov = NULL;
    c->depth = 0;
    wreq req;
    cx_req(c, &req, NULL, W_BASE);
    compat_report(c, rule, target, wloc, rloc, msg, &req);
}

static void compare_aggregates(cx *c, bool *handled)
{
    const gen_model *w = c->w, *r = c->r;
    for (size_t i = 0; i < w->n_aggregates; i++) {
        const gen_aggregate *a = w->aggregates[i];
        if (find_aggregate(r, a->name) || a->n_events == 0)
            continue;
        const gen_aggregate *moved_to = NULL;
        bool all_moved = true, none = true;
        for (size_t k = 0; k < a->n_events; k++) {
            const gen_event *re = reader_event(r, a->events[k]);
            if (!re) {
                all_moved = false;
                continue;
            }
            none = false;
            if (!moved_to)
                moved_to = re->aggregate;
            else if (moved_to != re->aggregate)
                all_moved = false;
        }
        if (all_moved && moved_to && !find_aggregate(w, moved_to->name)) {
            const char *old_name = c->dir == GEN_COMPAT_BACKWARD ? a->name : moved_to->name;
            const char *new_name = c->dir == GEN_COMPAT_BACKWARD ? moved_to->name : a->name;
            char *msg = gen_format("aggregate '%s' was renamed '%s': the aggregate_type of its "
                                   "events changed, so readers on the %s catalog refuse events "
                                   "written with the %s one",
                                   old_name, new_name, cx_reader_name(c), cx_writer_name(c));
            report_event(c, a->events[0], GEN_RULE_AGGREGATE_RENAMED, new_name, a->loc,
                         moved_to->loc, msg);
        } else if (none) {
            char *msg =
                c->dir == GEN_COMPAT_BACKWARD
                    ? gen_format("aggregate '%s' and its %zu event%s were removed: readers on the "
                                 "new catalog refuse them",
                                 a->name, a->n_events, a->n_events == 1 ? "" : "s")
                    : gen_format("aggregate '%s' was added with %zu event%s: readers on the old "
                                 "catalog refuse them",
                                 a->name, a->n_events, a->n_events == 1 ? "" : "s");
            report_event(c, a->events[0],
                         compat_rule(c, GEN_RULE_AGGREGATE_REMOVED, GEN_RULE_AGGREGATE_ADDED),
                         a->name, a->loc, r->aggregates_loc, msg);
        } else {
            continue;
        }
        for (size_t k = 0; k < a->n_events; k++)
            handled[a->events[k]->index] = true;
    }
}

/* A reader event no writer event has (by name or earlier name). */
static bool unmatched_in_writer(const gen_model *w, const gen_event *re)
{
    if (gen_model_find_event(w, re->name))
        return false;
    for (size_t k = 0; k < re->n_renamed_from; k++)
        if (gen_model_find_event(w, re->renamed_from[k]))
            return false;
    return true;
}

static void missing_event(cx *c, const gen_event *e)
{
    const gen_model *r = c->r;
    /* Declared: the new event names the old one in renamed_from (seen from the forward side). */
    const gen_event *other = NULL;
    bool declared = false;
    for (size_t k = 0; k < e->n_renamed_from && !other; k++)
        if ((other = gen_model_find_event(r, e->renamed_from[k])))
            declared = true;
    /* Or a reader event nobody writes, in the same aggregate, of the same shape. */
    for (size_t i = 0; i < r->n_events && !other; i++) {
        const gen_event *x = r->events[i];
        if (unmatched_in_writer(c->w, x) && strcmp(x->aggregate->name, e->aggregate->name) == 0 &&
            same_event_shape(x, e))
            other = x;
    }
    if (other) {
        const gen_event *old_e = c->dir == GEN_COMPAT_BACKWARD ? e : other;
        const gen_event *new_e = c->dir == GEN_COMPAT_BACKWARD ? other : e;
        char *msg =
            declared ? gen_format("event '%s' was renamed '%s': readers on the old catalog do not "
                                  "know the new name",
                                  old_e->name, new_e->name)
            : c->dir == GEN_COMPAT_BACKWARD
                ? gen_format("event '%s' seems renamed '%s' (same aggregate and fields): readers "
                             "on the new catalog do not know the old name; declare it with "
                             "`renamed_from: %s` to read old events",
                             old_e->name, new_e->name, old_e->name)
                : gen_format("event '%s' seems renamed '%s' (same aggregate and fields): readers "
                             "on the old catalog do not know the new name",
                             old_e->name, new_e->name);
        report_event(c, e, GEN_RULE_EVENT_RENAMED, new_e->name, e->loc, other->loc, msg);
        return;
    }
    const gen_aggregate *ra = find_aggregate(r, e->aggregate->name);
    char *msg =
        c->dir == GEN_COMPAT_BACKWARD
            ? gen_format("event '%s' was removed: readers on the new catalog refuse it", e->name)
            : gen_format("event '%s' was added: readers on the old catalog refuse it", e->name);
    report_event(c, e, compat_rule(c, GEN_RULE_EVENT_REMOVED, GEN_RULE_EVENT_ADDED), e->name,
                 e->loc, ra ? ra->loc : r->aggregates_loc, msg);
}

static void compare_direction(cx *c)
{
    const gen_model *w = c->w;
    bool *handled = gen_xcalloc(w->n_events + 1, sizeof(bool));
    compare_aggregates(c, handled);
    bool envelope_done = false;
    for (size_t i = 0; i < w->n_events; i++) {
        const gen_event *e = w->events[i];
        if (handled[i])
            continue;
        const gen_event *re = reader_event(c->r, e);
        if (!re) {
            missing_event(c, e);
            continue;
        }
        if (strcmp(e->aggregate->name, re->aggregate->name) != 0) {
            const gen_event *new_e = c->dir == GEN_COMPAT_BACKWARD ? re : e;
            const gen_event *old_e = c->dir == GEN_COMPAT_BACKWARD ? e : re;
            char *msg = gen_format("event '%s' moved from aggregate '%s' to '%s': its "
                                   "aggregate_type differs, so readers on the %s catalog refuse "
                                   "events written with the %s one",
                                   new_e->name, old_e->aggregate->name, new_e->aggregate->name,
                                   cx_reader_name(c), cx_writer_name(c));
            report_event(c, e, GEN_RULE_EVENT_AGGREGATE_CHANGED, new_e->name, e->loc, re->loc, msg);
            continue;
        }
        c->we = e;
        c->re = re;
        c->ov = compat_overlay(c, e, re);
        if (!envelope_done) {
            compat_envelope(c);
            envelope_done = true;
        }
        compat_event_fields(c);
        compat_overlay_free(c->ov);
        c->ov = NULL;
    }
    free(handled);
    c->we = c->re = NULL;
    compat_lifecycles(c);
}

/* ---- the version -------------------------------------------------------------------------------
 */

static char *catalog_shape(const gen_model *m)
{
    gen_str s;
    gen_str_init(&s);
    gen_str_printf(&s, "open=%d;envelope{", m->additional_properties);
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        gen_str_printf(&s, "%s%s%s/%s:", f->name, f->optional ? "?" : "", f->nullable ? "~" : "",
                       gen_role_name(f->role));
        compat_type_sig(&s, &f->type);
        gen_str_putc(&s, ';');
    }
    gen_str_puts(&s, "}");
    /* Events by name, so that reordering the catalog changes nothing. */
    const gen_event **ev = gen_xcalloc(m->n_events + 1, sizeof(*ev));
    for (size_t i = 0; i < m->n_events; i++)
        ev[i] = m->events[i];
    for (size_t i = 1; i < m->n_events; i++)
        for (size_t j = i; j > 0 && strcmp(ev[j - 1]->name, ev[j]->name) > 0; j--) {
            const gen_event *t = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = t;
        }
    for (size_t i = 0; i < m->n_events; i++) {
        char *sig = event_sig(ev[i]);
        gen_str_printf(&s, "%s=%s", ev[i]->name, sig);
        free(sig);
    }
    free(ev);
    return gen_str_detach(&s);
}

static void check_version(gen_model *old_m, gen_model *new_m, unsigned dirs, gen_compat_result *r)
{
    if (new_m->version > old_m->version)
        return;
    char *a = catalog_shape(old_m), *b = catalog_shape(new_m);
    bool changed = strcmp(a, b) != 0;
    free(a);
    free(b);
    if (!changed)
        return;
    cx c = {.old_m = old_m, .new_m = new_m, .res = r, .dir = GEN_COMPAT_BACKWARD};
    char *msg = new_m->version == old_m->version
                    ? gen_format("events changed shape but the catalog version is still %lld: "
                                 "readers cannot tell old events from new ones by their version",
                                 (long long)new_m->version)
                    : gen_format("events changed shape but the catalog version went down from "
                                 "%lld to %lld",
                                 (long long)old_m->version, (long long)new_m->version);
    compat_report(&c, GEN_RULE_VERSION_NOT_BUMPED, "version", old_m->version_loc,
                  new_m->version_loc, msg, NULL);
    r->items[r->len - 1].directions = dirs;
}

/* ---- the entry ----------------------------------------------------------------------------------
 */

static int cmp_finding(const void *a, const void *b)
{
    const gen_compat_finding *x = a, *y = b;
    if (x->loc.file_index != y->loc.file_index)
        return x->loc.file_index < y->loc.file_index ? -1 : 1;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    if (x->loc.col != y->loc.col)
        return x->loc.col < y->loc.col ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return strcmp(x->target, y->target);
}

void gen_compat_check(gen_model *old_m, gen_model *new_m, unsigned directions,
                      gen_compat_result *out)
{
    unsigned run = directions ? directions : GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD;
    size_t first = out->len;
    static const unsigned order[] = {GEN_COMPAT_BACKWARD, GEN_COMPAT_FORWARD};
    for (size_t i = 0; i < 2; i++) {
        if (!(run & order[i]))
            continue;
        cx c = {.old_m = old_m, .new_m = new_m, .res = out, .dir = order[i]};
        c.w = order[i] == GEN_COMPAT_BACKWARD ? old_m : new_m;
        c.r = order[i] == GEN_COMPAT_BACKWARD ? new_m : old_m;
        compare_direction(&c);
    }
    check_version(old_m, new_m, run, out);
    for (size_t i = first; i < out->len; i++) {
        gen_compat_finding *f = &out->items[i];
        const char *id = gen_compat_rule_get(f->rule)->id;
        for (size_t k = 0; k < new_m->n_accepted && !f->accepted; k++)
            if (strcmp(new_m->accepted[k].rule, id) == 0 &&
                strcmp(new_m->accepted[k].target, f->target) == 0)
                f->accepted = &new_m->accepted[k];
        /* A witness for each direction that has one is kept; a reason why one is missing only
         * when a direction has none. */
        if (f->no_witness &&
            f->n_witnesses == (size_t)((f->directions & 1u) + (f->directions >> 1 & 1u))) {
            free(f->no_witness);
            f->no_witness = NULL;
        }
    }
    if (out->len - first > 1)
        qsort(out->items + first, out->len - first, sizeof(*out->items), cmp_finding);
}
