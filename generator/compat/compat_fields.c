/* Fields and values: for each member the writer may write, whether the reader takes every value
 * the writer may put there. Presence (optional, nullable, defaults from the history), the type,
 * and each constraint in turn: a constraint the reader has and the writer lacks, or a tighter
 * one, lets the writer write values the reader refuses. Each difference found carries a witness
 * request: where in the event to change the writer's smallest event, and to what. */
#include "compat_internal.h"

#include <eventc/eventc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- signatures ------------------------------------------------------------------------------ */

void compat_type_sig(gen_str *s, const gen_typeref *t)
{
    gen_str_puts(s, gen_kind_name(t->kind));
    if (t->has_min_length)
        gen_str_printf(s, " minl=%llu", (unsigned long long)t->min_length);
    if (t->has_max_length)
        gen_str_printf(s, " maxl=%llu", (unsigned long long)t->max_length);
    if (t->pattern)
        gen_str_printf(s, " pat=%s", t->pattern);
    if (t->kind == GEN_T_INTEGER) {
        if (t->has_minimum)
            gen_str_printf(s, " min=%lld", (long long)t->imin);
        if (t->has_maximum)
            gen_str_printf(s, " max=%lld", (long long)t->imax);
    } else if (t->kind == GEN_T_NUMBER) {
        if (t->has_minimum)
            gen_str_printf(s, " min=%.17g", t->nmin);
        if (t->has_maximum)
            gen_str_printf(s, " max=%.17g", t->nmax);
        if (t->has_exclusive_minimum)
            gen_str_printf(s, " xmin=%.17g", t->nexmin);
        if (t->has_exclusive_maximum)
            gen_str_printf(s, " xmax=%.17g", t->nexmax);
    }
    if (t->has_min_items)
        gen_str_printf(s, " mini=%llu", (unsigned long long)t->min_items);
    if (t->has_max_items)
        gen_str_printf(s, " maxi=%llu", (unsigned long long)t->max_items);
    if (t->unique)
        gen_str_puts(s, " unique");
    if (t->kind == GEN_T_ENUM && t->named) {
        gen_str_puts(s, " [");
        for (size_t i = 0; i < t->named->n_values; i++)
            gen_str_printf(s, "%s%s", i ? "," : "", t->named->values[i].name);
        gen_str_puts(s, "]");
    }
    if (t->kind == GEN_T_OBJECT && t->named) {
        gen_str_puts(s, " {");
        for (size_t i = 0; i < t->named->n_fields; i++) {
            const gen_field *f = &t->named->fields[i];
            gen_str_printf(s, "%s%s%s%s:", i ? "," : "", f->name, f->optional ? "?" : "",
                           f->nullable ? "~" : "");
            compat_type_sig(s, &f->type);
        }
        gen_str_puts(s, "}");
    }
    if (t->kind == GEN_T_ARRAY && t->items) {
        gen_str_puts(s, " <");
        compat_type_sig(s, t->items);
        gen_str_puts(s, ">");
    }
}

static bool same_shape(const gen_field *a, const gen_field *b)
{
    gen_str x, y;
    gen_str_init(&x);
    gen_str_init(&y);
    compat_type_sig(&x, &a->type);
    compat_type_sig(&y, &b->type);
    bool same =
        strcmp(x.data, y.data) == 0 && a->optional == b->optional && a->nullable == b->nullable;
    gen_str_free(&x);
    gen_str_free(&y);
    return same;
}

/* ---- the overlay of the reader's history ----------------------------------------------------- */

overlay *compat_overlay(const cx *c, const gen_event *we, const gen_event *re)
{
    size_t n_steps = 0;
    for (size_t k = 0; k < re->n_history; k++)
        n_steps += re->history[k].version >= c->w->version;
    if (n_steps == 0)
        return NULL;
    overlay *ov = gen_xcalloc(1, sizeof(*ov));
    ov->n_steps = n_steps;
    ov->fields = gen_xcalloc(we->n_fields + 1, sizeof(*ov->fields));
    ov->n_fields = we->n_fields;
    for (size_t i = 0; i < we->n_fields; i++)
        ov->fields[i] = (ov_field){&we->fields[i], we->fields[i].name, NULL, 0};
    /* Names that hold a default (a field the writer may leave out), as the steps go. */
    size_t cap = 1;
    for (size_t k = 0; k < re->n_history; k++)
        cap += re->history[k].n_added;
    ov->defaulted = gen_xcalloc(cap, sizeof(*ov->defaulted));
    for (size_t k = 0; k < re->n_history; k++) {
        const gen_history_step *s = &re->history[k];
        if (s->version < c->w->version)
            continue;
        for (size_t i = 0; i < ov->n_fields; i++) {
            ov_field *f = &ov->fields[i];
            if (!f->name)
                continue;
            for (size_t d = 0; d < s->n_dropped; d++)
                if (strcmp(s->dropped[d].field, f->name) == 0)
                    f->name = NULL;
            for (size_t r = 0; f->name && r < s->n_renamed; r++)
                if (strcmp(s->renamed[r].from, f->name) == 0) {
                    f->name = s->renamed[r].to;
                    break;
                }
            for (size_t m = 0; f->name && m < s->n_mapped; m++)
                if (strcmp(s->mapped[m].field, f->name) == 0) {
                    f->maps = gen_xrealloc(f->maps, (f->n_maps + 1) * sizeof(*f->maps));
                    f->maps[f->n_maps++] = &s->mapped[m];
                }
        }
        for (size_t r = 0; r < s->n_renamed; r++)
            for (size_t d = 0; d < ov->n_defaulted; d++)
                if (strcmp(ov->defaulted[d], s->renamed[r].from) == 0)
                    ov->defaulted[d] = s->renamed[r].to;
        for (size_t a = 0; a < s->n_added; a++)
            ov->defaulted[ov->n_defaulted++] = s->added[a].field;
    }
    return ov;
}

void compat_overlay_free(overlay *ov)
{
    if (!ov)
        return;
    for (size_t i = 0; i < ov->n_fields; i++)
        free(ov->fields[i].maps);
    free(ov->fields);
    free(ov->defaulted);
    free(ov);
}

static bool defaulted(const overlay *ov, const char *name)
{
    for (size_t i = 0; ov && i < ov->n_defaulted; i++)
        if (strcmp(ov->defaulted[i], name) == 0)
            return true;
    return false;
}

/* ---- small helpers -----------------------------------------------------------------------------
 */

static void push(cx *c, const char *name)
{
    if (c->depth < CX_MAX_DEPTH)
        c->path[c->depth] = (seg){name};
    c->depth++;
}

static void pop(cx *c)
{
    c->depth--;
}

static const char *what(const cx *c)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "'%s'", cx_target((cx *)c, NULL));
    return buf;
}

/* Positions: the writer's and reader's of the value being compared. */
typedef struct locs {
    gen_loc w, r;
} locs;

static gen_compat_rule_id pick(const cx *c, bool writer_has, gen_compat_rule_id added,
                               gen_compat_rule_id tightened, gen_compat_rule_id relaxed,
                               gen_compat_rule_id removed)
{
    /* The reader has the constraint; the writer has a looser one, or none. */
    return writer_has ? compat_rule(c, tightened, relaxed) : compat_rule(c, added, removed);
}

static void add_string_candidates(wreq *req, const str_req *q, const str_req *fallback)
{
    for (unsigned v = 0; v < 2; v++) {
        char *s = compat_string(q, v);
        if (!s && fallback)
            s = compat_string(fallback, v);
        if (!s)
            break;
        wreq_value(req, compat_json_string(s));
        free(s);
    }
}

static char *num_text(double x, bool integer)
{
    return integer ? gen_format("%lld", (long long)x) : gen_format("%.17g", x);
}

/* ---- strings -----------------------------------------------------------------------------------
 */

static void compare_string(cx *c, const gen_typeref *w, const gen_typeref *r, locs l)
{
    uint64_t wlo = w->has_min_length ? w->min_length : 0;
    uint64_t whi = w->has_max_length ? w->max_length : UINT64_MAX;
    uint64_t rlo = r->has_min_length ? r->min_length : 0;
    uint64_t rhi = r->has_max_length ? r->max_length : UINT64_MAX;
    if (rlo > wlo && wlo <= whi) {
        wreq req;
        cx_req(c, &req, NULL, W_SET);
        uint64_t hi = whi < rlo - 1 ? whi : rlo - 1;
        str_req q = {wlo, hi, {w->pattern, r->pattern}, 0, NULL, NULL, 0};
        q.n_must = w->pattern ? 1 : 0;
        if (r->pattern)
            q.must[q.n_must++] = r->pattern;
        str_req f = {wlo, hi, {w->pattern, NULL}, w->pattern ? 1u : 0u, NULL, NULL, 0};
        add_string_candidates(&req, &q, &f);
        gen_compat_rule_id rule =
            pick(c, w->has_min_length, GEN_RULE_MIN_LENGTH_ADDED, GEN_RULE_MIN_LENGTH_TIGHTENED,
                 GEN_RULE_MIN_LENGTH_RELAXED, GEN_RULE_MIN_LENGTH_REMOVED);
        char *msg = gen_format("min_length of %s is %llu in the %s catalog and %s in the %s one: "
                               "readers on the %s catalog refuse shorter strings",
                               what(c), (unsigned long long)rlo, cx_reader_name(c),
                               w->has_min_length ? gen_format("%llu", (unsigned long long)wlo)
                                                 : gen_xstrdup("none"),
                               cx_writer_name(c), cx_reader_name(c));
        compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
    }
    if (rhi < whi && (rhi == UINT64_MAX ? false : (rhi + 1 > wlo ? rhi + 1 : wlo) <= whi)) {
        wreq req;
        cx_req(c, &req, NULL, W_SET);
        uint64_t lo = rhi + 1 > wlo ? rhi + 1 : wlo;
        str_req q = {lo, whi, {w->pattern, r->pattern}, 0, NULL, NULL, 0};
        q.n_must = w->pattern ? 1 : 0;
        if (r->pattern)
            q.must[q.n_must++] = r->pattern;
        str_req f = {lo, whi, {w->pattern, NULL}, w->pattern ? 1u : 0u, NULL, NULL, 0};
        add_string_candidates(&req, &q, &f);
        gen_compat_rule_id rule =
            pick(c, w->has_max_length, GEN_RULE_MAX_LENGTH_ADDED, GEN_RULE_MAX_LENGTH_TIGHTENED,
                 GEN_RULE_MAX_LENGTH_RELAXED, GEN_RULE_MAX_LENGTH_REMOVED);
        char *wtext =
            w->has_max_length ? gen_format("%llu", (unsigned long long)whi) : gen_xstrdup("none");
        char *msg = gen_format("max_length of %s is %llu in the %s catalog and %s in the %s one: "
                               "readers on the %s catalog refuse longer strings",
                               what(c), (unsigned long long)rhi, cx_reader_name(c), wtext,
                               cx_writer_name(c), cx_reader_name(c));
        free(wtext);
        compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
    }
    if (r->pattern && (!w->pattern || strcmp(w->pattern, r->pattern) != 0)) {
        /* A string the writer may write that the reader's pattern refuses, of a length both
         * take if there is one. */
        uint64_t lo = wlo > rlo ? wlo : rlo, hi = whi < rhi ? whi : rhi;
        str_req q = {lo, hi, {w->pattern, NULL}, w->pattern ? 1u : 0u, r->pattern, NULL, 0};
        str_req f = {wlo, whi, {w->pattern, NULL}, w->pattern ? 1u : 0u, r->pattern, NULL, 0};
        char *s = lo <= hi ? compat_string(&q, 0) : NULL;
        if (!s)
            s = compat_string(&f, 0);
        if (s) {
            wreq req;
            cx_req(c, &req, NULL, W_SET);
            wreq_value(&req, compat_json_string(s));
            char *s2 = compat_string(lo <= hi ? &q : &f, 1);
            if (s2)
                wreq_value(&req, compat_json_string(s2));
            free(s2);
            gen_compat_rule_id rule =
                pick(c, w->pattern != NULL, GEN_RULE_PATTERN_ADDED, GEN_RULE_PATTERN_TIGHTENED,
                     GEN_RULE_PATTERN_RELAXED, GEN_RULE_PATTERN_REMOVED);
            char *wtext = w->pattern ? gen_format("'%s'", w->pattern) : gen_xstrdup("none");
            char *msg = gen_format("pattern of %s is '%s' in the %s catalog and %s in the %s "
                                   "one: readers on the %s catalog refuse strings such as %s",
                                   what(c), r->pattern, cx_reader_name(c), wtext, cx_writer_name(c),
                                   cx_reader_name(c), req.values[0]);
            free(wtext);
            free(s);
            compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
        }
    }
}

/* ---- numbers -----------------------------------------------------------------------------------
 */

typedef struct nrange {
    bool has_lo, has_hi, lo_ex, hi_ex;
    double lo, hi;
} nrange;

static nrange nrange_of(const gen_typeref *t)
{
    nrange r = {0};
    if (t->kind == GEN_T_INTEGER) {
        r.has_lo = t->has_minimum, r.lo = (double)t->imin;
        r.has_hi = t->has_maximum, r.hi = (double)t->imax;
        return r;
    }
    r.has_lo = t->has_minimum, r.lo = t->nmin;
    if (t->has_exclusive_minimum && (!r.has_lo || t->nexmin >= r.lo))
        r.has_lo = true, r.lo = t->nexmin, r.lo_ex = true;
    r.has_hi = t->has_maximum, r.hi = t->nmax;
    if (t->has_exclusive_maximum && (!r.has_hi || t->nexmax <= r.hi))
        r.has_hi = true, r.hi = t->nexmax, r.hi_ex = true;
    return r;
}

static bool above_lo(const nrange *r, double x)
{
    return !r->has_lo || x > r->lo || (!r->lo_ex && x == r->lo);
}

static bool below_hi(const nrange *r, double x)
{
    return !r->has_hi || x < r->hi || (!r->hi_ex && x == r->hi);
}

static bool representable(double x, bool integer)
{
    if (!isfinite(x))
        return false;
    return !integer || (x == floor(x) && fabs(x) < 9.2e18);
}

static void compare_bound(cx *c, const gen_typeref *w, const gen_typeref *r, locs l, bool lower)
{
    nrange a = nrange_of(w), b = nrange_of(r);
    bool integer = w->kind == GEN_T_INTEGER;
    bool rhas = lower ? b.has_lo : b.has_hi;
    if (!rhas)
        return;
    double bound = lower ? b.lo : b.hi;
    double sign = lower ? -1 : 1;
    double cands[8];
    size_t n = 0;
    cands[n++] = bound;
    cands[n++] = bound + sign;
    if (!integer) {
        cands[n++] = bound + sign * 0.5;
        cands[n++] = nextafter(bound, sign * INFINITY);
    }
    bool whas = lower ? a.has_lo : a.has_hi;
    if (whas) {
        cands[n++] = lower ? a.lo : a.hi;
        if (!integer)
            cands[n++] = lower ? (a.lo + b.lo) / 2 : (a.hi + b.hi) / 2;
    }
    wreq req;
    cx_req(c, &req, NULL, W_SET);
    for (size_t i = 0; i < n && req.n_values < 3; i++) {
        double x = cands[i];
        if (!representable(x, integer) || !above_lo(&a, x) || !below_hi(&a, x))
            continue;
        if (lower ? above_lo(&b, x) : below_hi(&b, x))
            continue;
        wreq_value(&req, num_text(x, integer));
    }
    if (req.n_values == 0) {
        wreq_free(&req);
        return;
    }
    gen_compat_rule_id rule =
        lower ? pick(c, whas, GEN_RULE_MINIMUM_ADDED, GEN_RULE_MINIMUM_TIGHTENED,
                     GEN_RULE_MINIMUM_RELAXED, GEN_RULE_MINIMUM_REMOVED)
              : pick(c, whas, GEN_RULE_MAXIMUM_ADDED, GEN_RULE_MAXIMUM_TIGHTENED,
                     GEN_RULE_MAXIMUM_RELAXED, GEN_RULE_MAXIMUM_REMOVED);
    char *btext = num_text(bound, r->kind == GEN_T_INTEGER);
    char *wtext = whas ? num_text(lower ? a.lo : a.hi, integer) : gen_xstrdup("none");
    const char *rkw = lower ? (b.lo_ex ? "exclusive_minimum" : "minimum")
                            : (b.hi_ex ? "exclusive_maximum" : "maximum");
    const char *wkw = lower ? (a.lo_ex ? "exclusive_minimum" : "minimum")
                            : (a.hi_ex ? "exclusive_maximum" : "maximum");
    char *msg = gen_format("%s of %s is %s in the %s catalog and %s%s%s in the %s one: readers on "
                           "the %s catalog refuse %s such as %s",
                           rkw, what(c), btext, cx_reader_name(c), whas ? wkw : "", whas ? " " : "",
                           wtext, cx_writer_name(c), cx_reader_name(c),
                           lower ? "smaller values" : "larger values", req.values[0]);
    free(btext);
    free(wtext);
    compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
}

/* ---- arrays ------------------------------------------------------------------------------------
 */

static void compare_value(cx *c, const gen_typeref *w, const gen_typeref *r, const ov_field *o,
                          locs l);

static void items_request(cx *c, wreq *req, const gen_typeref *w, const gen_typeref *r,
                          uint64_t count)
{
    if (count == 0) {
        cx_req(c, req, NULL, W_SET);
        wreq_value(req, gen_xstrdup("[]"));
        return;
    }
    cx_req(c, req, NULL, W_SET);
    req->path[req->depth++] = (seg){NULL};
    req->count = (unsigned)count;
    char *v = compat_value(w->items, r->items, 0);
    if (v)
        wreq_value(req, v);
}

static void compare_array(cx *c, const gen_typeref *w, const gen_typeref *r, const ov_field *o,
                          locs l)
{
    uint64_t wlo = w->has_min_items ? w->min_items : 0;
    uint64_t whi = w->has_max_items ? w->max_items : UINT64_MAX;
    uint64_t rlo = r->has_min_items ? r->min_items : 0;
    uint64_t rhi = r->has_max_items ? r->max_items : UINT64_MAX;
    if (rlo > wlo && wlo <= whi && wlo <= 4096) {
        wreq req;
        items_request(c, &req, w, r, wlo);
        gen_compat_rule_id rule =
            pick(c, w->has_min_items, GEN_RULE_MIN_ITEMS_ADDED, GEN_RULE_MIN_ITEMS_TIGHTENED,
                 GEN_RULE_MIN_ITEMS_RELAXED, GEN_RULE_MIN_ITEMS_REMOVED);
        char *msg = gen_format("min_items of %s is %llu in the %s catalog and %llu in the %s one: "
                               "readers on the %s catalog refuse shorter arrays",
                               what(c), (unsigned long long)rlo, cx_reader_name(c),
                               (unsigned long long)wlo, cx_writer_name(c), cx_reader_name(c));
        compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
    }
    if (rhi < whi && rhi < 4096) {
        uint64_t n = rhi + 1 > wlo ? rhi + 1 : wlo;
        if (n <= whi) {
            wreq req;
            items_request(c, &req, w, r, n);
            gen_compat_rule_id rule =
                pick(c, w->has_max_items, GEN_RULE_MAX_ITEMS_ADDED, GEN_RULE_MAX_ITEMS_TIGHTENED,
                     GEN_RULE_MAX_ITEMS_RELAXED, GEN_RULE_MAX_ITEMS_REMOVED);
            char *wtext = w->has_max_items ? gen_format("%llu", (unsigned long long)whi)
                                           : gen_xstrdup("none");
            char *msg = gen_format("max_items of %s is %llu in the %s catalog and %s in the %s "
                                   "one: readers on the %s catalog refuse longer arrays",
                                   what(c), (unsigned long long)rhi, cx_reader_name(c), wtext,
                                   cx_writer_name(c), cx_reader_name(c));
            free(wtext);
            compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
        }
    }
    if (r->unique && !w->unique && whi >= 2) {
        uint64_t n = 2;
        if (wlo > n)
            n = wlo;
        if (n <= whi && n <= 4096) {
            wreq req;
            items_request(c, &req, w, r, n);
            req.repeat = true;
            char *msg =
                gen_format("%s holds unique items in the %s catalog but not in the %s "
                           "one: readers on the %s catalog refuse repeated items",
                           what(c), cx_reader_name(c), cx_writer_name(c), cx_reader_name(c));
            compat_report(c, compat_rule(c, GEN_RULE_UNIQUE_ADDED, GEN_RULE_UNIQUE_REMOVED),
                          cx_target(c, NULL), l.w, l.r, msg, &req);
        }
    }
    if (w->items && r->items) {
        push(c, NULL);
        compare_value(c, w->items, r->items, o, (locs){w->items->loc, r->items->loc});
        pop(c);
    }
}

/* ---- enums -------------------------------------------------------------------------------------
 */

static void compare_enum(cx *c, const gen_typeref *w, const gen_typeref *r, const ov_field *o)
{
    const gen_type *we = w->named, *re = r->named;
    if (!we || !re)
        return;
    const gen_type *new_type = c->dir == GEN_COMPAT_BACKWARD ? re : we;
    for (size_t i = 0; i < we->n_values; i++) {
        const char *v = we->values[i].name;
        const char *mapped = v;
        for (size_t k = 0; o && k < o->n_maps; k++)
            if (strcmp(o->maps[k]->from, mapped) == 0)
                mapped = o->maps[k]->to;
        bool known = false;
        for (size_t k = 0; k < re->n_values && !known; k++)
            known = strcmp(re->values[k].name, mapped) == 0;
        if (known)
            continue;
        wreq req;
        cx_req(c, &req, NULL, W_SET);
        wreq_value(&req, compat_json_string(v));
        char *target = gen_format("%s.%s", new_type->name, v);
        char *msg =
            c->dir == GEN_COMPAT_BACKWARD
                ? gen_format("enum '%s' has no value '%s' in the new catalog (%s takes it in the "
                             "old one): readers on the new catalog refuse it",
                             re->name, v, what(c))
                : gen_format("enum '%s' has the value '%s' in the new catalog (%s takes it) but "
                             "not in the old one: readers on the old catalog refuse it",
                             we->name, v, what(c));
        compat_report(c, compat_rule(c, GEN_RULE_ENUM_VALUE_REMOVED, GEN_RULE_ENUM_VALUE_ADDED),
                      target, we->values[i].loc, re->loc, msg, &req);
        free(target);
    }
}

/* ---- types -------------------------------------------------------------------------------------
 */

static void compare_object(cx *c, const gen_type *w, const gen_type *r, locs l);

/* Values of w the reader's string constraints refuse (w is a timestamp or an enum). */
static void string_from(cx *c, const gen_typeref *w, const gen_typeref *r, locs l)
{
    const char *cands[64];
    size_t n = 0;
    if (w->kind == GEN_T_TIMESTAMP) {
        cands[n++] = "2025-01-01T00:00:00Z";
        cands[n++] = "2025-01-01T00:00:00.123456789Z";
    } else if (w->named) {
        for (size_t i = 0; i < w->named->n_values && n < 64; i++)
            cands[n++] = w->named->values[i].name;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(cands[i]);
        size_t chars = eventc_utf8_count(cands[i], len);
        bool ok = (!r->has_min_length || chars >= r->min_length) &&
                  (!r->has_max_length || chars <= r->max_length) &&
                  (!r->pattern ||
                   eventc_regex_search(r->pattern, strlen(r->pattern), cands[i], len) == 1);
        if (ok)
            continue;
        wreq req;
        cx_req(c, &req, NULL, W_SET);
        wreq_value(&req, compat_json_string(cands[i]));
        char *msg = gen_format("%s is a %s in the %s catalog and a string in the %s one, whose "
                               "constraints refuse values such as \"%s\"",
                               what(c), gen_kind_name(w->kind), cx_writer_name(c),
                               cx_reader_name(c), cands[i]);
        compat_report(c, GEN_RULE_TYPE_CHANGED, cx_target(c, NULL), l.w, l.r, msg, &req);
        return;
    }
}

static const char *type_text(const gen_typeref *t)
{
    return t->named ? t->named->name : gen_kind_name(t->kind);
}

static void compare_value(cx *c, const gen_typeref *w, const gen_typeref *r, const ov_field *o,
                          locs l)
{
    if (w->kind == GEN_T_UNRESOLVED || r->kind == GEN_T_UNRESOLVED || c->depth >= CX_MAX_DEPTH)
        return;
    if (r->kind == GEN_T_JSON)
        return; /* any value */
    bool same = w->kind == r->kind || (w->kind == GEN_T_INTEGER && r->kind == GEN_T_NUMBER);
    if (same) {
        switch (r->kind) {
        case GEN_T_STRING:
            compare_string(c, w, r, l);
            break;
        case GEN_T_INTEGER:
        case GEN_T_NUMBER:
            compare_bound(c, w, r, l, true);
            compare_bound(c, w, r, l, false);
            break;
        case GEN_T_ENUM:
            compare_enum(c, w, r, o);
            break;
        case GEN_T_OBJECT:
            compare_object(c, w->named, r->named, l);
            break;
        case GEN_T_ARRAY:
            compare_array(c, w, r, o, l);
            break;
        default:
            break;
        }
        return;
    }
    if (r->kind == GEN_T_STRING && (w->kind == GEN_T_TIMESTAMP || w->kind == GEN_T_ENUM)) {
        string_from(c, w, r, l);
        return;
    }
    /* The reader's type takes a part of the writer's values, or other values altogether. */
    bool narrower =
        w->kind == GEN_T_JSON || (w->kind == GEN_T_NUMBER && r->kind == GEN_T_INTEGER) ||
        (w->kind == GEN_T_STRING && (r->kind == GEN_T_TIMESTAMP || r->kind == GEN_T_ENUM));
    wreq req;
    cx_req(c, &req, NULL, W_SET);
    if (w->kind == GEN_T_JSON) {
        bool stringy =
            r->kind == GEN_T_STRING || r->kind == GEN_T_TIMESTAMP || r->kind == GEN_T_ENUM;
        wreq_value(&req, gen_xstrdup(stringy ? "0" : "\"x\""));
        wreq_value(&req, gen_xstrdup("[]"));
    } else if (w->kind == GEN_T_NUMBER) {
        nrange a = nrange_of(w);
        double cands[] = {0.5, a.lo + 0.5, a.hi - 0.5, (a.lo + a.hi) / 2, -0.5};
        for (size_t i = 0; i < 5 && req.n_values < 3; i++)
            if (representable(cands[i], false) && cands[i] != floor(cands[i]) &&
                above_lo(&a, cands[i]) && below_hi(&a, cands[i]))
                wreq_value(&req, num_text(cands[i], false));
    } else if (w->kind == GEN_T_STRING && r->kind == GEN_T_ENUM && r->named) {
        str_req q = {w->has_min_length ? w->min_length : 0,
                     w->has_max_length ? w->max_length : UINT64_MAX,
                     {w->pattern, NULL},
                     w->pattern ? 1u : 0u,
                     NULL,
                     NULL,
                     0};
        const char **avoid = gen_xcalloc(r->named->n_values + 1, sizeof(*avoid));
        for (size_t i = 0; i < r->named->n_values; i++)
            avoid[i] = r->named->values[i].name;
        q.avoid = avoid;
        q.n_avoid = r->named->n_values;
        add_string_candidates(&req, &q, NULL);
        free(avoid);
    } else {
        for (unsigned v = 0; v < 3; v++) {
            char *x = compat_value(w, NULL, v);
            if (x)
                wreq_value(&req, x);
        }
    }
    gen_compat_rule_id rule = narrower
                                  ? compat_rule(c, GEN_RULE_TYPE_NARROWED, GEN_RULE_TYPE_WIDENED)
                                  : GEN_RULE_TYPE_CHANGED;
    const char *old_t = type_text(c->dir == GEN_COMPAT_BACKWARD ? w : r);
    const char *new_t = type_text(c->dir == GEN_COMPAT_BACKWARD ? r : w);
    char *msg = gen_format("the type of %s changed from %s to %s: readers on the %s catalog "
                           "refuse values written with the %s one",
                           what(c), old_t, new_t, cx_reader_name(c), cx_writer_name(c));
    compat_report(c, rule, cx_target(c, NULL), l.w, l.r, msg, &req);
}

/* ---- fields ------------------------------------------------------------------------------------
 */

static void compare_member(cx *c, const gen_field *w, const gen_field *r, const ov_field *o,
                           bool has_default)
{
    push(c, w->name);
    locs l = {w->loc, r->loc};
    if (w->optional && !r->optional && !has_default) {
        wreq req;
        cx_req(c, &req, NULL, W_OMIT);
        char *msg = gen_format("%s is %s in the %s catalog and required in the %s one: readers "
                               "on the %s catalog refuse events that leave it out",
                               what(c), "optional", cx_writer_name(c), cx_reader_name(c),
                               cx_reader_name(c));
        compat_report(c,
                      compat_rule(c, GEN_RULE_OPTIONAL_TO_REQUIRED, GEN_RULE_REQUIRED_TO_OPTIONAL),
                      cx_target(c, NULL), l.w, l.r, msg, &req);
    }
    if (w->nullable && !r->nullable && r->type.kind != GEN_T_JSON) {
        wreq req;
        cx_req(c, &req, NULL, W_SET);
        wreq_value(&req, gen_xstrdup("null"));
        char *msg = gen_format("%s is nullable in the %s catalog and not in the %s one: readers "
                               "on the %s catalog refuse null",
                               what(c), cx_writer_name(c), cx_reader_name(c), cx_reader_name(c));
        compat_report(c, compat_rule(c, GEN_RULE_NULLABLE_REMOVED, GEN_RULE_NULLABLE_ADDED),
                      cx_target(c, NULL), l.w, l.r, msg, &req);
    }
    compare_value(c, &w->type, &r->type, o, l);
    pop(c);
}

/* A container's fields: the writer's (through the overlay at the event's top level) against the
 * reader's. */
typedef struct side {
    const gen_field *fields;
    size_t n;
    gen_loc loc; /* the container */
} side;

static const char *reader_name_of(const overlay *ov, const gen_field *wf, const ov_field **o)
{
    *o = NULL;
    for (size_t k = 0; ov && k < ov->n_fields; k++)
        if (ov->fields[k].wf == wf) {
            *o = &ov->fields[k];
            return ov->fields[k].name;
        }
    return wf->name;
}

static void compare_fields(cx *c, side w, side r, const overlay *ov)
{
    bool closed = !c->r->additional_properties;
    bool *w_matched = gen_xcalloc(w.n + 1, sizeof(bool));
    bool *r_matched = gen_xcalloc(r.n + 1, sizeof(bool));
    for (size_t j = 0; j < r.n; j++) {
        for (size_t i = 0; i < w.n; i++) {
            const ov_field *o;
            const char *name = reader_name_of(ov, &w.fields[i], &o);
            if (!name || strcmp(name, r.fields[j].name) != 0)
                continue;
            w_matched[i] = r_matched[j] = true;
            compare_member(c, &w.fields[i], &r.fields[j], o, defaulted(ov, r.fields[j].name));
            break;
        }
    }
    for (size_t i = 0; i < w.n; i++) {
        const ov_field *o;
        if (!reader_name_of(ov, &w.fields[i], &o))
            w_matched[i] = true; /* dropped by the history */
    }
    for (size_t j = 0; j < r.n; j++)
        if (!r_matched[j] && defaulted(ov, r.fields[j].name))
            r_matched[j] = true;
    /* A removed field and an added one of the same shape read as a rename. */
    for (size_t i = 0; i < w.n; i++) {
        if (w_matched[i])
            continue;
        size_t partner = SIZE_MAX, count = 0;
        for (size_t j = 0; j < r.n; j++)
            if (!r_matched[j] && same_shape(&w.fields[i], &r.fields[j]))
                partner = j, count++;
        if (count != 1)
            continue;
        size_t back = 0;
        for (size_t k = 0; k < w.n; k++)
            back += !w_matched[k] && same_shape(&w.fields[k], &r.fields[partner]);
        if (back != 1)
            continue;
        const gen_field *wf = &w.fields[i], *rf = &r.fields[partner];
        w_matched[i] = r_matched[partner] = true;
        if (rf->optional && !closed)
            continue; /* each side ignores or does without the other's member */
        const gen_field *new_f = c->dir == GEN_COMPAT_BACKWARD ? rf : wf;
        const gen_field *old_f = c->dir == GEN_COMPAT_BACKWARD ? wf : rf;
        wreq req;
        cx_req(c, &req, NULL, W_BASE);
        char *hint =
            gen_format("field '%s' of %s seems renamed '%s' (same type, one gone and "
                       "one new): readers on each side %s; a history entry with "
                       "`renamed: { %s: %s }` lets readers on the new catalog read old "
                       "events",
                       old_f->name, c->label, new_f->name,
                       closed ? "refuse the other side's member" : "miss the member they require",
                       old_f->name, new_f->name);
        compat_report(c, GEN_RULE_FIELD_RENAMED, cx_target(c, new_f->name), wf->loc, rf->loc, hint,
                      &req);
    }
    for (size_t j = 0; j < r.n; j++) {
        const gen_field *rf = &r.fields[j];
        if (r_matched[j] || rf->optional)
            continue;
        wreq req;
        cx_req(c, &req, NULL, W_BASE);
        char *msg = c->dir == GEN_COMPAT_BACKWARD
                        ? gen_format("required field '%s' was added to %s: readers on the new "
                                     "catalog refuse old events, which lack it",
                                     rf->name, c->label)
                        : gen_format("required field '%s' of %s was removed: readers on the old "
                                     "catalog refuse new events, which lack it",
                                     rf->name, c->label);
        compat_report(c, compat_rule(c, GEN_RULE_FIELD_ADDED_REQUIRED, GEN_RULE_FIELD_REMOVED),
                      cx_target(c, rf->name), w.loc, rf->loc, msg, &req);
    }
    for (size_t i = 0; i < w.n && closed; i++) {
        const gen_field *wf = &w.fields[i];
        if (w_matched[i])
            continue;
        wreq req;
        cx_req(c, &req, wf->name, W_SET);
        for (unsigned v = 0; v < 2; v++) {
            char *x = compat_value(&wf->type, NULL, v);
            if (x)
                wreq_value(&req, x);
        }
        gen_compat_rule_id rule = c->dir == GEN_COMPAT_BACKWARD ? GEN_RULE_FIELD_REMOVED
                                  : wf->optional                ? GEN_RULE_FIELD_ADDED_OPTIONAL
                                                                : GEN_RULE_FIELD_ADDED_REQUIRED;
        char *msg = c->dir == GEN_COMPAT_BACKWARD
                        ? gen_format("field '%s' of %s was removed and additional_properties is "
                                     "false: readers on the new catalog refuse old events that "
                                     "carry it",
                                     wf->name, c->label)
                        : gen_format("%s field '%s' was added to %s and additional_properties is "
                                     "false: readers on the old catalog refuse new events that "
                                     "carry it",
                                     wf->optional ? "optional" : "required", wf->name, c->label);
        compat_report(c, rule, cx_target(c, wf->name), wf->loc, r.loc, msg, &req);
    }
    free(w_matched);
    free(r_matched);
}

static void compare_object(cx *c, const gen_type *w, const gen_type *r, locs l)
{
    (void)l;
    if (!w || !r)
        return;
    char saved[sizeof c->label];
    memcpy(saved, c->label, sizeof saved);
    size_t saved_depth = c->label_depth;
    snprintf(c->label, sizeof c->label, "%s", c->dir == GEN_COMPAT_BACKWARD ? r->name : w->name);
    c->label_depth = c->depth;
    compare_fields(c, (side){w->fields, w->n_fields, w->loc},
                   (side){r->fields, r->n_fields, r->loc}, NULL);
    memcpy(c->label, saved, sizeof saved);
    c->label_depth = saved_depth;
}

void compat_event_fields(cx *c)
{
    snprintf(c->label, sizeof c->label, "%s",
             c->dir == GEN_COMPAT_BACKWARD ? c->re->name : c->we->name);
    c->label_depth = 0;
    c->depth = 0;
    compare_fields(c, (side){c->we->fields, c->we->n_fields, c->we->loc},
                   (side){c->re->fields, c->re->n_fields, c->re->loc}, c->ov);
}

void compat_envelope(cx *c)
{
    snprintf(c->label, sizeof c->label, "envelope");
    c->label_depth = 0;
    c->depth = 0;
    compare_fields(c, (side){c->w->envelope, c->w->n_envelope, c->w->envelope_fields_loc},
                   (side){c->r->envelope, c->r->n_envelope, c->r->envelope_fields_loc}, NULL);
    for (int role = GEN_ROLE_NONE + 1; role < GEN_ROLE_COUNT; role++) {
        const gen_field *wf = c->w->role_fields[role], *rf = c->r->role_fields[role];
        if (!wf || !rf || strcmp(wf->name, rf->name) == 0)
            continue;
        const gen_field *old_f = c->dir == GEN_COMPAT_BACKWARD ? wf : rf;
        const gen_field *new_f = c->dir == GEN_COMPAT_BACKWARD ? rf : wf;
        wreq req;
        cx_req(c, &req, NULL, W_BASE);
        char *msg = gen_format("role %s moved from field '%s' to field '%s': readers on the %s "
                               "catalog look for it where writers on the %s one do not put it",
                               gen_role_name((gen_role)role), old_f->name, new_f->name,
                               cx_reader_name(c), cx_writer_name(c));
        char target[64];
        snprintf(target, sizeof target, "envelope.%s", gen_role_name((gen_role)role));
        compat_report(c, GEN_RULE_ROLE_CHANGED, target, wf->loc, rf->loc, msg, &req);
    }
}
