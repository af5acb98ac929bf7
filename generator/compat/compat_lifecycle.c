/* Lifecycles: a reader replays an aggregate's history through its lifecycle and refuses an event
 * its state does not allow. For each aggregate both catalogs have, the writer's and the reader's
 * lifecycles run side by side from "none", breadth first over the writer's events (and, for a
 * transition that takes its state from a field, over the values of that field), so the first
 * history the writer allows and the reader refuses is a shortest one. It becomes the witness: one
 * event per step, decoded and replayed with the runtime's eventc_lifecycle_apply on both sides. An
 * aggregate without a lifecycle allows any history. */
#include "compat_internal.h"
#include "model/dyndesc.h"
#include "model/dynlife.h"

#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

typedef struct sym {
    const gen_event *we, *re;
    const char *value; /* the state-naming field's value, or NULL */
    const char *field; /* that field (the writer's), or NULL */
} sym;

static const gen_aggregate *find_aggregate(const gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_aggregates; i++)
        if (strcmp(m->aggregates[i]->name, name) == 0)
            return m->aggregates[i];
    return NULL;
}

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

/* The state after `e` (with `value` for a state-naming field) from `state`, or false. */
static bool step_of(const gen_aggregate *a, const gen_event *e, size_t state, const char *value,
                    size_t *next)
{
    if (!a->has_lifecycle) {
        *next = 0;
        return true;
    }
    gen_lifecycle_rule r;
    gen_lifecycle_rule_of(a, e, &r);
    bool allowed = false;
    for (size_t k = 0; k < r.n_from && !allowed; k++)
        allowed = r.from[k] == state;
    if (!allowed)
        return false;
    if (r.field) {
        size_t s = value ? gen_lifecycle_state(a, value) : 0;
        if (!s)
            return false;
        *next = s;
    } else {
        *next = r.to ? r.to : state;
    }
    return true;
}

/* The symbols of the writer's events of aggregate `wa` that the reader knows in `ra`. */
static sym *symbols(cx *c, const gen_aggregate *wa, const gen_aggregate *ra, size_t *n)
{
    size_t cap = 16, len = 0;
    sym *out = gen_xmalloc(cap * sizeof(*out));
    for (size_t i = 0; i < wa->n_events; i++) {
        const gen_event *we = wa->events[i];
        const gen_event *re = reader_event(c->r, we);
        if (!re || re->aggregate != ra)
            continue;
        gen_lifecycle_rule wr = {0}, rr = {0};
        if (wa->has_lifecycle)
            gen_lifecycle_rule_of(wa, we, &wr);
        if (ra->has_lifecycle)
            gen_lifecycle_rule_of(ra, re, &rr);
        const char *fname = wr.field ? wr.field->name : rr.field ? rr.field->name : NULL;
        const gen_field *wf = fname ? gen_event_find_field(we, fname) : NULL;
        const gen_type *en = wf && wf->type.kind == GEN_T_ENUM ? wf->type.named : NULL;
        size_t nv = en ? en->n_values : 1;
        for (size_t v = 0; v < nv; v++) {
            if (len == cap)
                out = gen_xrealloc(out, (cap *= 2) * sizeof(*out));
            out[len++] = (sym){we, re, en ? en->values[v].name : NULL, en ? wf->name : NULL};
        }
    }
    *n = len;
    return out;
}

/* Replays the history with model m's decoders and lifecycle of aggregate `a`. Returns the index
 * of the event that fails (n when none does), with *why and *lifecycle (the failure is the
 * lifecycle's, not the decoder's). */
static size_t replay(gen_model *m, const gen_aggregate *a, char **events, size_t n, bool strict,
                     char **why, bool *lifecycle)
{
    size_t nt = 0, size = 0;
    const eventc_event_entry *types = gen_event_table(m, &nt, &size);
    const eventc_lifecycle_desc *lc = gen_lifecycle_desc(m, a);
    eventc_decode_options o = eventc_decode_options_default();
    o.strict = strict;
    const gen_field *nf = m->role_fields[GEN_ROLE_EVENT_NAME];
    void *buf = gen_xcalloc(1, size ? size : 1);
    int state = 0;
    *why = NULL;
    *lifecycle = false;
    for (size_t i = 0; i < n; i++) {
        int kind = 0;
        eventc_error err;
        eventc_status st = eventc_decode_any(types, nt, nf ? nf->name : "event_name", &kind, buf,
                                             events[i], strlen(events[i]), &o, &err);
        if (st == EVENTC_OK && lc) {
            int next = 0;
            st = eventc_lifecycle_apply(lc, state, kind, buf, &next, &err);
            if (st == EVENTC_OK)
                state = next;
            else
                *lifecycle = true;
        }
        if (kind)
            eventc_clear(types[kind - 1].desc, buf);
        if (st != EVENTC_OK) {
            *why = gen_format("event %zu: %s%s%s [%s]", i + 1, err.path[0] ? err.path : "",
                              err.path[0] ? ": " : "", err.message, eventc_status_code(err.code));
            free(buf);
            return i;
        }
    }
    free(buf);
    return n;
}

static gen_loc transition_loc(const gen_aggregate *a, const gen_event *e)
{
    for (size_t i = 0; a->has_lifecycle && i < a->n_transitions; i++)
        if (strcmp(a->transitions[i].event_name, e->name) == 0)
            return a->transitions[i].loc;
    return a->has_lifecycle ? a->lifecycle_loc : e->loc;
}

/* Builds the history of `path` (symbol indexes), checks it, and records the finding. */
static bool witness(cx *c, const gen_aggregate *wa, const gen_aggregate *ra, const sym *syms,
                    const size_t *path, size_t n, gen_compat_rule_id rule, const char *target,
                    char *msg)
{
    char **events = gen_xcalloc(n + 1, sizeof(*events));
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const sym *s = &syms[path[i]];
        char *value = s->value ? compat_json_string(s->value) : NULL;
        events[i] = compat_event_instance(c, s->we, s->re, s->field, value);
        free(value);
        ok = events[i] != NULL;
    }
    char *wwhy = NULL, *rwhy = NULL;
    bool wl = false, rl = false;
    if (ok)
        ok = replay(c->w, wa, events, n, true, &wwhy, &wl) == n;
    if (ok)
        ok = replay(c->r, ra, events, n, false, &rwhy, &rl) == n - 1 && rl;
    free(wwhy);
    if (ok) {
        gen_str s;
        gen_str_init(&s);
        gen_str_putc(&s, '[');
        for (size_t i = 0; i < n; i++)
            gen_str_printf(&s, "%s%s", i ? "," : "", events[i]);
        gen_str_putc(&s, ']');
        const sym *last = &syms[path[n - 1]];
        gen_loc wloc = transition_loc(wa, last->we), rloc = transition_loc(ra, last->re);
        compat_report(c, rule, target, wloc, rloc, msg, NULL);
        gen_compat_result *res = c->res;
        gen_compat_finding *f = NULL;
        for (size_t i = 0; i < res->len; i++)
            if (res->items[i].rule == rule && strcmp(res->items[i].target, target) == 0)
                f = &res->items[i];
        bool have = false;
        for (size_t i = 0; f && i < f->n_witnesses; i++)
            have = have || f->witnesses[i].direction == c->dir;
        if (f && !have) {
            f->witnesses[f->n_witnesses++] = (gen_compat_witness){c->dir, gen_str_detach(&s), rwhy};
            rwhy = NULL;
        }
        gen_str_free(&s);
    } else {
        free(msg);
    }
    free(rwhy);
    for (size_t i = 0; i < n; i++)
        free(events[i]);
    free(events);
    return ok;
}

typedef struct node {
    size_t ws, rs;
    size_t parent; /* SIZE_MAX at the root */
    size_t sym;
} node;

static void compare_lifecycle(cx *c, const gen_aggregate *wa, const gen_aggregate *ra)
{
    size_t n_syms = 0;
    sym *syms = symbols(c, wa, ra, &n_syms);
    size_t nw = wa->has_lifecycle ? wa->n_states + 1 : 1, nr = ra->n_states + 1;
    if (nw > 65 || nr > 65 || n_syms == 0) {
        free(syms);
        return;
    }
    bool *seen = gen_xcalloc(nw * nr, sizeof(bool));
    bool *reported = gen_xcalloc(n_syms + 1, sizeof(bool));
    size_t cap = 64, len = 0;
    node *q = gen_xmalloc(cap * sizeof(*q));
    q[len++] = (node){0, 0, SIZE_MAX, 0};
    seen[0] = true;
    bool whole = !wa->has_lifecycle; /* one finding for the aggregate */
    bool done = false;
    for (size_t head = 0; head < len && !done; head++) {
        for (size_t k = 0; k < n_syms && !done; k++) {
            const sym *s = &syms[k];
            size_t wn, rn;
            if (!step_of(wa, s->we, q[head].ws, s->value, &wn))
                continue;
            if (!step_of(ra, s->re, q[head].rs, s->value, &rn)) {
                /* The same event refused again later adds nothing. */
                bool again = false;
                for (size_t i = 0; i < n_syms && !again; i++)
                    again = reported[i] && syms[i].re == s->re;
                if (again)
                    continue;
                size_t depth = 1;
                for (size_t at = head; q[at].parent != SIZE_MAX; at = q[at].parent)
                    depth++;
                size_t *path = gen_xmalloc(depth * sizeof(*path));
                path[depth - 1] = k;
                size_t i = depth - 1;
                for (size_t at = head; q[at].parent != SIZE_MAX; at = q[at].parent)
                    path[--i] = q[at].sym;
                const gen_aggregate *new_a = c->dir == GEN_COMPAT_BACKWARD ? ra : wa;
                const gen_event *new_e = c->dir == GEN_COMPAT_BACKWARD ? s->re : s->we;
                char *target = whole ? gen_xstrdup(new_a->name)
                                     : gen_format("%s.%s", new_a->name, new_e->name);
                const char *state = q[head].rs ? ra->states[q[head].rs - 1].name : "none";
                gen_compat_rule_id rule =
                    whole ? compat_rule(c, GEN_RULE_LIFECYCLE_ADDED, GEN_RULE_LIFECYCLE_REMOVED)
                          : compat_rule(c, GEN_RULE_TRANSITION_REMOVED, GEN_RULE_TRANSITION_ADDED);
                char *msg =
                    whole ? gen_format("aggregate '%s' has a lifecycle in the %s catalog and none "
                                       "in the %s one: readers on the %s catalog refuse histories "
                                       "it does not allow, such as %s in state %s",
                                       new_a->name, cx_reader_name(c), cx_writer_name(c),
                                       cx_reader_name(c), s->re->name, state)
                          : gen_format("the lifecycle of '%s' in the %s catalog refuses %s in "
                                       "state %s, which the %s catalog allows: readers on the %s "
                                       "catalog refuse such histories",
                                       new_a->name, cx_reader_name(c), s->re->name, state,
                                       cx_writer_name(c), cx_reader_name(c));
                if (witness(c, wa, ra, syms, path, depth, rule, target, msg)) {
                    reported[k] = true;
                    done = whole;
                }
                free(target);
                free(path);
                continue;
            }
            if (seen[wn * nr + rn])
                continue;
            seen[wn * nr + rn] = true;
            if (len == cap)
                q = gen_xrealloc(q, (cap *= 2) * sizeof(*q));
            q[len++] = (node){wn, rn, head, k};
        }
    }
    free(q);
    free(seen);
    free(reported);
    free(syms);
}

void compat_lifecycles(cx *c)
{
    for (size_t i = 0; i < c->w->n_aggregates; i++) {
        const gen_aggregate *wa = c->w->aggregates[i];
        const gen_aggregate *ra = find_aggregate(c->r, wa->name);
        if (ra && ra->has_lifecycle)
            compare_lifecycle(c, wa, ra);
    }
}
