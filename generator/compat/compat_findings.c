/* Findings: gathered by rule and target (a change to a type used by many events is one
 * finding), each with a witness per direction that breaks, built and judged when the finding is
 * recorded. */
#include "compat_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings -------------------------------------------------------------------------------- */

static gen_compat_finding *find(gen_compat_result *r, gen_compat_rule_id rule, const char *target)
{
    for (size_t i = 0; i < r->len; i++)
        if (r->items[i].rule == rule && strcmp(r->items[i].target, target) == 0)
            return &r->items[i];
    return NULL;
}

static void add_witness(cx *c, gen_compat_finding *f, const wreq *req)
{
    for (size_t i = 0; i < f->n_witnesses; i++)
        if (f->witnesses[i].direction == c->dir)
            return;
    char *refusal = NULL, *why = NULL;
    char *json = compat_witness(c, req, &refusal, &why);
    if (json) {
        f->witnesses[f->n_witnesses++] = (gen_compat_witness){c->dir, json, refusal};
        return;
    }
    if (!f->no_witness)
        f->no_witness = why;
    else
        free(why);
}

void compat_report(cx *c, gen_compat_rule_id rule, const char *target, gen_loc wloc, gen_loc rloc,
                   char *msg, wreq *req)
{
    gen_compat_result *r = c->res;
    gen_compat_finding *f = find(r, rule, target);
    if (!f) {
        if (r->len == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->items = gen_xrealloc(r->items, r->cap * sizeof(*r->items));
        }
        f = &r->items[r->len++];
        memset(f, 0, sizeof *f);
        f->rule = rule;
        f->target = gen_xstrdup(target);
        f->message = msg;
        msg = NULL;
        f->loc = c->dir == GEN_COMPAT_BACKWARD ? rloc : wloc;
        f->old_loc = c->dir == GEN_COMPAT_BACKWARD ? wloc : rloc;
        if (!f->loc.line)
            f->loc = c->new_m->root_loc;
    }
    f->directions |= c->dir;
    if (req && c->we)
        add_witness(c, f, req);
    if (req)
        wreq_free(req);
    free(msg);
}

bool gen_compat_breaking(const gen_compat_result *r)
{
    for (size_t i = 0; i < r->len; i++)
        if (!r->items[i].accepted)
            return true;
    return false;
}

void gen_compat_result_free(gen_compat_result *r)
{
    for (size_t i = 0; i < r->len; i++) {
        gen_compat_finding *f = &r->items[i];
        free(f->target);
        free(f->message);
        free(f->no_witness);
        for (size_t k = 0; k < f->n_witnesses; k++) {
            free(f->witnesses[k].json);
            free(f->witnesses[k].refusal);
        }
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}
