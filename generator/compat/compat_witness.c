/* Witnesses: the writer's smallest event, changed at one place (a member left out, or set to a
 * value the comparison chose), then judged by both catalogs' runtime decoders before it is
 * printed: the writer's must accept it in strict mode, the reader's must refuse it. Values are
 * chosen to satisfy the reader too wherever the two agree, so the reader refuses the event for
 * the change the witness shows and not for another. */
#include "compat_internal.h"
#include "model/dyndesc.h"

#include <eventc/eventc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- verdicts ----------------------------------------------------------------------------------
 */

int compat_accepts(gen_model *m, const char *json, bool strict, char **why)
{
    size_t n = 0, size = 0;
    const eventc_event_entry *types = gen_event_table(m, &n, &size);
    void *buf = gen_xcalloc(1, size ? size : 1);
    eventc_decode_options o = eventc_decode_options_default();
    o.strict = strict;
    int kind = 0;
    eventc_error err;
    const gen_field *nf = m->role_fields[GEN_ROLE_EVENT_NAME];
    eventc_status st = eventc_decode_any(types, n, nf ? nf->name : "event_name", &kind, buf, json,
                                         strlen(json), &o, &err);
    if (st == EVENTC_OK) {
        for (size_t i = 0; i < n; i++)
            if (types[i].kind == kind)
                eventc_clear(types[i].desc, buf);
    } else if (why) {
        *why = gen_format("%s: %s [%s]", err.path, err.message, eventc_status_code(err.code));
    }
    free(buf);
    return st == EVENTC_OK;
}

/* ---- values ---------------------------------------------------------------------------------- */

static bool is_num(const gen_typeref *t)
{
    return t && (t->kind == GEN_T_INTEGER || t->kind == GEN_T_NUMBER);
}

/* The bounds of a number type as doubles: [lo, hi] with exclusivity. */
typedef struct range {
    bool has_lo, has_hi, lo_ex, hi_ex;
    double lo, hi;
} range;

static range range_of(const gen_typeref *t)
{
    range r = {0};
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

static bool in_range(const range *r, double x)
{
    if (r->has_lo && (x < r->lo || (r->lo_ex && x == r->lo)))
        return false;
    if (r->has_hi && (x > r->hi || (r->hi_ex && x == r->hi)))
        return false;
    return true;
}

static char *number_text(double x, bool integer)
{
    if (integer)
        return gen_format("%lld", (long long)x);
    char *s = gen_format("%.17g", x);
    return s;
}

/* A number of type t (within `both` when it can), the variant-th candidate. */
static char *number_value(const gen_typeref *t, const gen_typeref *both, unsigned variant)
{
    bool integer = t->kind == GEN_T_INTEGER;
    range a = range_of(t), b = both && is_num(both) ? range_of(both) : (range){0};
    double cands[16];
    size_t n = 0;
    double base[] = {0, 1, a.lo, a.hi, b.lo, b.hi};
    bool has[] = {true, true, a.has_lo, a.has_hi, b.has_lo, b.has_hi};
    for (size_t i = 0; i < 6; i++) {
        if (!has[i])
            continue;
        for (int d = -1; d <= 1; d++) {
            double x = base[i] + d;
            if (n < 16)
                cands[n++] = x;
        }
    }
    if (a.has_lo && a.has_hi && n < 16)
        cands[n++] = integer ? floor((a.lo + a.hi) / 2) : (a.lo + a.hi) / 2;
    for (int pass = 0; pass < 2; pass++) {
        unsigned skip = variant;
        for (size_t i = 0; i < n; i++) {
            double x = cands[i];
            if (integer && (x != floor(x) || fabs(x) > 9.007199254740991e15))
                continue;
            if (!in_range(&a, x) || (pass == 0 && both && is_num(both) && !in_range(&b, x)) ||
                (pass == 0 && both && both->kind == GEN_T_INTEGER && x != floor(x)))
                continue;
            bool dup = false;
            for (size_t k = 0; k < i && !dup; k++)
                dup = cands[k] == x;
            if (dup || skip-- > 0)
                continue;
            return number_text(x, integer);
        }
    }
    return NULL;
}

static char *string_value(const gen_typeref *t, const gen_typeref *both, unsigned variant)
{
    /* One character rather than none where one fits: witnesses read better. */
    str_req q = {1, UINT64_MAX, {NULL, NULL}, 0, NULL, NULL, 0};
    if (t->has_min_length)
        q.lo = t->min_length > 0 ? t->min_length : 1;
    if (t->has_max_length && t->max_length == 0)
        q.lo = 0;
    if (t->has_max_length)
        q.hi = t->max_length;
    if (t->pattern)
        q.must[q.n_must++] = t->pattern;
    if (both && both->kind == GEN_T_STRING) {
        str_req qb = q;
        if (both->has_min_length && both->min_length > qb.lo)
            qb.lo = both->min_length;
        if (both->has_max_length && both->max_length == 0)
            qb.lo = 0;
        if (both->has_max_length && both->max_length < qb.hi)
            qb.hi = both->max_length;
        if (both->pattern && (!t->pattern || strcmp(both->pattern, t->pattern) != 0))
            qb.must[qb.n_must++] = both->pattern;
        char *s = compat_string(&qb, variant);
        if (s) {
            char *j = compat_json_string(s);
            free(s);
            return j;
        }
    }
    char *s = compat_string(&q, variant);
    if (!s && q.lo == 1 && !(t->has_min_length && t->min_length > 0)) {
        q.lo = 0;
        s = compat_string(&q, variant);
    }
    if (!s)
        return NULL;
    char *j = compat_json_string(s);
    free(s);
    return j;
}

static char *enum_value(const gen_typeref *t, const gen_typeref *both, unsigned variant)
{
    const gen_type *en = t->named;
    if (!en)
        return NULL;
    for (int pass = 0; pass < 2; pass++) {
        unsigned skip = variant;
        for (size_t i = 0; i < en->n_values; i++) {
            const char *v = en->values[i].name;
            if (pass == 0 && both && both->kind == GEN_T_ENUM && both->named) {
                bool in = false;
                for (size_t k = 0; k < both->named->n_values && !in; k++)
                    in = strcmp(both->named->values[k].name, v) == 0;
                if (!in)
                    continue;
            }
            if (skip-- == 0)
                return compat_json_string(v);
        }
    }
    return NULL;
}

static char *object_value(const gen_type *t, const gen_type *both, unsigned variant);

static char *array_value(const gen_typeref *t, const gen_typeref *both, unsigned variant)
{
    uint64_t n = t->has_min_items ? t->min_items : 0;
    if (both && both->kind == GEN_T_ARRAY && both->has_min_items && both->min_items > n)
        n = both->min_items;
    if (t->has_max_items && n > t->max_items)
        n = t->max_items;
    if (n > 64)
        return NULL;
    const gen_typeref *bi = both && both->kind == GEN_T_ARRAY ? both->items : NULL;
    gen_str s;
    gen_str_init(&s);
    gen_str_putc(&s, '[');
    for (uint64_t i = 0; i < n; i++) {
        char *v = compat_value(t->items, bi, (unsigned)(variant * n + i));
        if (!v) {
            gen_str_free(&s);
            return NULL;
        }
        gen_str_printf(&s, "%s%s", i ? "," : "", v);
        free(v);
    }
    gen_str_putc(&s, ']');
    return gen_str_detach(&s);
}

char *compat_value(const gen_typeref *t, const gen_typeref *both, unsigned variant)
{
    if (both && both->kind == GEN_T_UNRESOLVED)
        both = NULL;
    switch (t->kind) {
    case GEN_T_STRING:
        return string_value(t, both, variant);
    case GEN_T_INTEGER:
    case GEN_T_NUMBER:
        return number_value(t, both, variant);
    case GEN_T_BOOLEAN:
        return variant < 2 ? gen_xstrdup(variant ? "false" : "true") : NULL;
    case GEN_T_TIMESTAMP:
        if (variant >= 3600)
            return NULL;
        return gen_format("\"2025-01-01T00:%02u:%02uZ\"", variant / 60, variant % 60);
    case GEN_T_JSON:
        return variant ? gen_format("%u", variant) : gen_xstrdup("{}");
    case GEN_T_ENUM:
        return enum_value(t, both, variant);
    case GEN_T_OBJECT:
        return object_value(t->named, both && both->kind == GEN_T_OBJECT ? both->named : NULL,
                            variant);
    case GEN_T_ARRAY:
        return array_value(t, both, variant);
    case GEN_T_UNRESOLVED:
        break;
    }
    return NULL;
}

static const gen_field *find_field(const gen_field *fields, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

static char *object_value(const gen_type *t, const gen_type *both, unsigned variant)
{
    if (!t)
        return NULL;
    gen_str s;
    gen_str_init(&s);
    gen_str_putc(&s, '{');
    bool first = true;
    for (size_t i = 0; i < t->n_fields; i++) {
        const gen_field *f = &t->fields[i];
        const gen_field *bf = both ? find_field(both->fields, both->n_fields, f->name) : NULL;
        if (f->optional && !(bf && !bf->optional))
            continue;
        char *v = compat_value(&f->type, bf ? &bf->type : NULL, variant);
        if (!v) {
            gen_str_free(&s);
            return NULL;
        }
        char *k = compat_json_string(f->name);
        gen_str_printf(&s, "%s%s:%s", first ? "" : ",", k, v);
        first = false;
        free(k);
        free(v);
    }
    gen_str_putc(&s, '}');
    return gen_str_detach(&s);
}

/* ---- instances ------------------------------------------------------------------------------- */

typedef struct ib {
    cx *c;
    const wreq *req;
    const char *value; /* the value of a W_SET request being tried */
    unsigned variant;
    gen_str out;
    bool failed;
} ib;

/* One writer member and what the reader knows of it. */
typedef struct member {
    const gen_field *wf;
    const gen_field *rf; /* NULL: unknown to the reader */
    const ov_field *ov;  /* the overlay entry of a top-level event field, or NULL */
    bool defaulted;      /* the reader gets a default when it is absent */
} member;

static bool on_path(const ib *b, size_t depth, const char *name)
{
    return depth < b->req->depth && b->req->path[depth].name &&
           strcmp(b->req->path[depth].name, name) == 0;
}

static void emit_value(ib *b, const member *m, const gen_typeref *wt, const gen_typeref *rt,
                       size_t depth);

/* A base value of wt, mapped through the member's value maps where they make it the reader's. */
static char *base_value(ib *b, const member *m, const gen_typeref *wt, const gen_typeref *rt)
{
    if (m && m->ov && m->ov->n_maps && wt->kind == GEN_T_ENUM && wt->named && rt &&
        rt->kind == GEN_T_ENUM && rt->named) {
        /* The first writer value whose mapped value the reader knows. */
        for (size_t i = 0; i < wt->named->n_values; i++) {
            const char *v = wt->named->values[i].name;
            for (size_t k = 0; k < m->ov->n_maps; k++)
                if (strcmp(m->ov->maps[k]->from, v) == 0)
                    v = m->ov->maps[k]->to;
            for (size_t k = 0; k < rt->named->n_values; k++)
                if (strcmp(rt->named->values[k].name, v) == 0)
                    return compat_json_string(wt->named->values[i].name);
        }
    }
    return compat_value(wt, rt, b->variant);
}

static void emit_object(ib *b, const member *members, size_t n, size_t depth)
{
    gen_str_putc(&b->out, '{');
    bool first = true;
    for (size_t i = 0; i < n && !b->failed; i++) {
        const member *m = &members[i];
        bool here = on_path(b, depth, m->wf->name);
        bool leaf = here && depth + 1 == b->req->depth;
        if (leaf && b->req->act == W_OMIT)
            continue;
        bool needed = !m->wf->optional || here || (m->rf && !m->rf->optional && !m->defaulted);
        if (!needed)
            continue;
        char *k = compat_json_string(m->wf->name);
        gen_str_printf(&b->out, "%s%s:", first ? "" : ",", k);
        free(k);
        first = false;
        if (leaf && b->req->act == W_SET)
            gen_str_puts(&b->out, b->value);
        else
            emit_value(b, m, &m->wf->type, m->rf ? &m->rf->type : NULL,
                       here ? depth + 1 : SIZE_MAX);
    }
    gen_str_putc(&b->out, '}');
}

static void emit_fields(ib *b, const gen_field *wf, size_t wn, const gen_field *rf, size_t rn,
                        size_t depth)
{
    member *ms = gen_xcalloc(wn + 1, sizeof(*ms));
    for (size_t i = 0; i < wn; i++)
        ms[i] = (member){&wf[i], find_field(rf, rn, wf[i].name), NULL, false};
    emit_object(b, ms, wn, depth);
    free(ms);
}

/* depth: where the path goes on inside this value, or SIZE_MAX when it does not pass here. */
static void emit_value(ib *b, const member *m, const gen_typeref *wt, const gen_typeref *rt,
                       size_t depth)
{
    if (depth == SIZE_MAX || depth >= b->req->depth) {
        char *v = base_value(b, m, wt, rt);
        if (!v) {
            b->failed = true;
            return;
        }
        gen_str_puts(&b->out, v);
        free(v);
        return;
    }
    const seg *s = &b->req->path[depth];
    if (!s->name) { /* the items of an array */
        if (wt->kind != GEN_T_ARRAY) {
            b->failed = true;
            return;
        }
        const gen_typeref *ri = rt && rt->kind == GEN_T_ARRAY ? rt->items : NULL;
        bool leaf = depth + 1 == b->req->depth;
        uint64_t n = leaf && b->req->count ? b->req->count : 1;
        if (!(leaf && b->req->count)) {
            if (wt->has_min_items && wt->min_items > n)
                n = wt->min_items;
            if (rt && rt->kind == GEN_T_ARRAY && rt->has_min_items && rt->min_items > n &&
                (!wt->has_max_items || rt->min_items <= wt->max_items))
                n = rt->min_items;
        }
        if (n > 4096) {
            b->failed = true;
            return;
        }
        gen_str_putc(&b->out, '[');
        for (uint64_t i = 0; i < n && !b->failed; i++) {
            if (i)
                gen_str_putc(&b->out, ',');
            if (leaf && b->req->act == W_SET && (i == 0 || b->req->repeat)) {
                gen_str_puts(&b->out, b->value);
            } else if (i == 0) {
                emit_value(b, m, wt->items, ri, depth + 1);
            } else {
                char *v = compat_value(wt->items, ri, (unsigned)i);
                if (!v) {
                    b->failed = true;
                    break;
                }
                gen_str_puts(&b->out, v);
                free(v);
            }
        }
        gen_str_putc(&b->out, ']');
        return;
    }
    if (wt->kind != GEN_T_OBJECT || !wt->named) {
        b->failed = true;
        return;
    }
    const gen_type *rtype = rt && rt->kind == GEN_T_OBJECT ? rt->named : NULL;
    emit_fields(b, wt->named->fields, wt->named->n_fields, rtype ? rtype->fields : NULL,
                rtype ? rtype->n_fields : 0, depth);
}

static bool is_defaulted(const overlay *ov, const char *name)
{
    for (size_t i = 0; ov && name && i < ov->n_defaulted; i++)
        if (strcmp(ov->defaulted[i], name) == 0)
            return true;
    return false;
}

/* The top level: the envelope, then the event's fields, with the role fields filled in. */
static char *instance(cx *c, const gen_event *we, const gen_event *re, const overlay *ov,
                      const wreq *req, const char *value, unsigned variant)
{
    gen_model *w = c->w, *r = c->r;
    size_t n = w->n_envelope + we->n_fields;
    member *ms = gen_xcalloc(n + 1, sizeof(*ms));
    for (size_t i = 0; i < w->n_envelope; i++)
        ms[i] = (member){&w->envelope[i],
                         find_field(r->envelope, r->n_envelope, w->envelope[i].name), NULL, false};
    for (size_t i = 0; i < we->n_fields; i++) {
        const gen_field *f = &we->fields[i];
        const ov_field *o = NULL;
        for (size_t k = 0; ov && k < ov->n_fields; k++)
            if (ov->fields[k].wf == f)
                o = &ov->fields[k];
        const char *rname = o ? o->name : f->name;
        const gen_field *rf = re ? find_field(re->fields, re->n_fields, rname) : NULL;
        ms[w->n_envelope + i] = (member){f, rf, o, is_defaulted(ov, rname)};
    }
    ib b = {c, req, value, variant, {0}, false};
    gen_str_init(&b.out);
    /* The role fields hold what a writer's constructor puts there. */
    gen_str_putc(&b.out, '{');
    bool first = true;
    for (size_t i = 0; i < n && !b.failed; i++) {
        const member *m = &ms[i];
        const char *role_value = NULL;
        char buf[64];
        switch (i < w->n_envelope ? m->wf->role : GEN_ROLE_NONE) {
        case GEN_ROLE_EVENT_NAME:
            role_value = we->name;
            break;
        case GEN_ROLE_AGGREGATE_TYPE:
            role_value = we->aggregate->name;
            break;
        case GEN_ROLE_VERSION:
            snprintf(buf, sizeof buf, "%lld", (long long)w->version);
            role_value = buf;
            break;
        default:
            break;
        }
        bool here = on_path(&b, 0, m->wf->name);
        bool leaf = here && req->depth == 1;
        if (leaf && req->act == W_OMIT)
            continue;
        bool needed = !m->wf->optional || here || (m->rf && !m->rf->optional && !m->defaulted);
        if (!needed)
            continue;
        char *k = compat_json_string(m->wf->name);
        gen_str_printf(&b.out, "%s%s:", first ? "" : ",", k);
        free(k);
        first = false;
        if (leaf && req->act == W_SET) {
            gen_str_puts(&b.out, value);
        } else if (role_value && m->wf->role == GEN_ROLE_VERSION) {
            gen_str_puts(&b.out, role_value);
        } else if (role_value) {
            char *j = compat_json_string(role_value);
            gen_str_puts(&b.out, j);
            free(j);
        } else {
            emit_value(&b, m, &m->wf->type, m->rf ? &m->rf->type : NULL, here ? 1 : SIZE_MAX);
        }
    }
    gen_str_putc(&b.out, '}');
    free(ms);
    if (b.failed) {
        gen_str_free(&b.out);
        return NULL;
    }
    return gen_str_detach(&b.out);
}

char *compat_event_instance(cx *c, const gen_event *we, const gen_event *re, const char *field,
                            const char *value)
{
    wreq req = {.act = field ? W_SET : W_BASE};
    if (field) {
        req.path[0] = (seg){field};
        req.depth = 1;
    }
    for (unsigned v = 0; v < 4; v++) {
        char *s = instance(c, we, re, NULL, &req, value, v);
        if (s && compat_accepts(c->w, s, true, NULL))
            return s;
        free(s);
    }
    return NULL;
}

char *compat_witness(cx *c, const wreq *req, char **refusal, char **why)
{
    *refusal = NULL;
    *why = NULL;
    char *last_writer_error = NULL;
    bool reader_took = false;
    size_t n_values = req->act == W_SET ? req->n_values : 1;
    for (size_t vi = 0; vi < n_values; vi++) {
        for (unsigned variant = 0; variant < 3; variant++) {
            const char *value = req->act == W_SET ? req->values[vi] : NULL;
            char *s = instance(c, c->we, c->re, c->ov, req, value, variant);
            if (!s)
                continue;
            char *werr = NULL;
            if (!compat_accepts(c->w, s, true, &werr)) {
                free(last_writer_error);
                last_writer_error = werr;
                free(s);
                continue;
            }
            char *rerr = NULL;
            if (!compat_accepts(c->r, s, false, &rerr)) {
                free(last_writer_error);
                *refusal = rerr;
                return s;
            }
            reader_took = true;
            free(s);
        }
    }
    if (reader_took)
        *why = gen_format("the events built to show it are accepted by the %s catalog too",
                          cx_reader_name(c));
    else if (last_writer_error)
        *why = gen_format("no event was found that the %s catalog accepts (%s)", cx_writer_name(c),
                          last_writer_error);
    else
        *why = gen_xstrdup("no event could be built to show it");
    free(last_writer_error);
    return NULL;
}
