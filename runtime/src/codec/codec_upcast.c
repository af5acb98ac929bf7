/* Upcasting: turning the JSON text of an event written with an earlier catalog version into the
 * current form before it is decoded (codec.h, eventc_upcast_desc). Only events that need it pay:
 * the decoder calls in here when the event has earlier names, history steps or hand-written
 * upcasters, and for an event in the current form the work is a look at its first members (the
 * envelope, which canonical JSON writes first) for the name and the version.
 *
 * The text is checked with the runtime's one JSON reader before it is rewritten (and again after
 * each hand-written upcaster), so the rewriting passes, which walk it with the same reader, only
 * meet valid JSON; the decoder then judges the result as any other input. Each declarative step
 * is one pass over the top-level members. */
#include "codec_internal.h"
#include "core/number_internal.h"
#include "json/json_reader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scanning valid JSON ------------------------------------------------------------------------
 * The text is checked with json_check first, so the reader below meets only valid JSON: it is the
 * runtime's one reader (json/json_reader.h), used here to walk the top-level members. */

typedef struct scan {
    json_reader r;
    char name[128];      /* the member's decoded name, when it fits */
    size_t name_len;     /* (size_t)-1 when longer than the buffer: matches no known name */
    const char *ks, *ke; /* the name as written, quotes included */
    const char *vs, *ve; /* the value */
} scan;

static void scan_init(scan *s, const char *json, size_t len, const eventc_decode_options *o)
{
    json_reader_init(&s->r, json, len, &o->limits, o->alloc, NULL);
    json_skip_ws(&s->r);
    if (s->r.p < s->r.end && *s->r.p == '{')
        s->r.p++;
    s->r.depth = 1;
}

/* Decodes a scanned string into buf (cap bytes with the NUL); (size_t)-1 when it does not fit. */
static size_t decode_into(const json_string *js, char *buf, size_t cap)
{
    if (js->len >= cap)
        return (size_t)-1;
    if (js->escaped)
        json_unescape(js->raw, js->raw_len, buf);
    else
        memcpy(buf, js->raw, js->len);
    buf[js->len] = '\0';
    return js->len;
}

/* The next member: 1, or 0 at the end of the object. */
static int next_member(scan *s)
{
    json_reader *r = &s->r;
    json_skip_ws(r);
    if (r->p < r->end && *r->p == ',')
        r->p++;
    json_skip_ws(r);
    if (r->p >= r->end || *r->p != '"')
        return 0;
    json_string js;
    s->ks = r->p;
    if (json_scan_string(r, SIZE_MAX, &js) != EVENTC_OK)
        return 0;
    s->ke = r->p;
    s->name_len = decode_into(&js, s->name, sizeof(s->name));
    json_skip_ws(r);
    r->p++; /* ':' */
    json_skip_ws(r);
    s->vs = r->p;
    if (json_skip_value(r) != EVENTC_OK)
        return 0;
    s->ve = r->p;
    return 1;
}

static int named(const scan *m, const char *name)
{
    size_t n = strlen(name);
    return m->name_len == n && memcmp(m->name, name, n) == 0;
}

/* The decoded string [vs, ve) in buf (NUL-terminated); NULL when not a string or too long. */
static const char *string_value(const char *vs, const char *ve, const eventc_decode_options *o,
                                char *buf, size_t cap)
{
    if (ve - vs < 2 || *vs != '"')
        return NULL;
    json_reader r;
    json_reader_init(&r, vs, (size_t)(ve - vs), &o->limits, o->alloc, NULL);
    json_string js;
    const char *v = NULL;
    if (json_scan_string(&r, SIZE_MAX, &js) == EVENTC_OK &&
        decode_into(&js, buf, cap) != (size_t)-1)
        v = buf;
    json_reader_free(&r);
    return v;
}

/* An integral JSON number as int64 (1, 1.0 and 1e0 alike, as the decoder reads integers). The
 * text is valid JSON (checked before), and is read the same in every locale. */
static int int_value(const char *vs, const char *ve, int64_t *out)
{
    double d;
    if (ve <= vs || !strchr("-0123456789", *vs) || !num_parse_double(vs, (size_t)(ve - vs), &d))
        return 0;
    if (d != floor(d) || fabs(d) >= 9.2e18)
        return 0;
    *out = (int64_t)d;
    return 1;
}

/* ---- the chain ---------------------------------------------------------------------------------
 */

typedef struct link {
    int64_t version;
    const eventc_upcast_step *step; /* declarative, or */
    const eventc_upcaster *hand;    /* hand-written */
} link;

static int link_cmp(const link *a, const link *b)
{
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    return (a->step ? 0 : 1) - (b->step ? 0 : 1);
}

/* ---- one rewriting pass ------------------------------------------------------------------------
 */

static eventc_status put_string(eventc_buf *out, const char *s)
{
    eventc_status st = eventc_buf_append_json_string(out, s, strlen(s));
    return st == EVENTC_E_UTF8 ? EVENTC_E_INVALID_ARGUMENT : st;
}

static const char *renamed_to(const eventc_upcast_step *s, const scan *m)
{
    for (size_t i = 0; s && i < s->n_renamed; i++)
        if (named(m, s->renamed[i].from))
            return s->renamed[i].to;
    return NULL;
}

static int dropped(const eventc_upcast_step *s, const scan *m)
{
    for (size_t i = 0; s && i < s->n_dropped; i++)
        if (named(m, s->dropped[i]))
            return 1;
    return 0;
}

/* The value of field `name` with step s's value maps applied: a string, or the strings of an
 * array. */
static eventc_status put_mapped(eventc_buf *out, const eventc_upcast_step *s, const char *name,
                                const char *vs, const char *ve, const eventc_decode_options *o)
{
    char buf[256];
    if (*vs == '[') {
        json_reader r;
        json_reader_init(&r, vs, (size_t)(ve - vs), &o->limits, o->alloc, NULL);
        r.p++;
        r.depth = 1;
        eventc_status st = eventc_buf_putc(out, '[');
        for (int first = 1; !st;) {
            json_skip_ws(&r);
            if (r.p < r.end && *r.p == ',')
                r.p++;
            json_skip_ws(&r);
            if (r.p >= r.end || *r.p == ']')
                break;
            const char *is = r.p;
            if (json_skip_value(&r) != EVENTC_OK)
                break;
            if (!first)
                st = eventc_buf_putc(out, ',');
            first = 0;
            if (!st)
                st = put_mapped(out, s, name, is, r.p, o);
        }
        json_reader_free(&r);
        return st ? st : eventc_buf_putc(out, ']');
    }
    const char *v = string_value(vs, ve, o, buf, sizeof(buf));
    for (size_t i = 0; v && i < s->n_mapped; i++)
        if (strcmp(s->mapped[i].field, name) == 0 && strcmp(s->mapped[i].from, v) == 0)
            return put_string(out, s->mapped[i].to);
    return eventc_buf_append(out, vs, (size_t)(ve - vs));
}

static int has_map(const eventc_upcast_step *s, const char *name)
{
    for (size_t i = 0; s && i < s->n_mapped; i++)
        if (strcmp(s->mapped[i].field, name) == 0)
            return 1;
    return 0;
}

/* Rewrites the object [json, json+len) through step s (may be NULL); with `fix`, also sets the
 * name and version members to the current ones. */
static eventc_status rewrite(const eventc_type_desc *desc, const eventc_upcast_step *s, int fix,
                             const char *json, size_t len, const eventc_decode_options *o,
                             eventc_buf *out)
{
    const eventc_upcast_desc *u = desc->upcast;
    unsigned char seen[64] = {0}; /* added fields present, for the first 64 */
    int first = 1;
    scan m;
    scan_init(&m, json, len, o);
    eventc_status st = eventc_buf_putc(out, '{');
    while (!st && next_member(&m)) {
        if (dropped(s, &m))
            continue;
        const char *to = renamed_to(s, &m);
        const char *name = to ? to : m.name_len != (size_t)-1 ? m.name : NULL;
        if (!first)
            st = eventc_buf_putc(out, ',');
        first = 0;
        if (!st && to)
            st = put_string(out, to);
        else if (!st)
            st = eventc_buf_append(out, m.ks, (size_t)(m.ke - m.ks));
        if (!st)
            st = eventc_buf_putc(out, ':');
        if (st)
            break;
        for (size_t i = 0; name && s && i < s->n_added && i < sizeof(seen); i++)
            if (strcmp(s->added[i].field, name) == 0)
                seen[i] = 1;
        if (fix && name && strcmp(name, u->name_key) == 0)
            st = put_string(out, desc->name);
        else if (fix && name && strcmp(name, u->version_key) == 0)
            st = eventc_buf_append_int64(out, u->version);
        else if (name && has_map(s, name))
            st = put_mapped(out, s, name, m.vs, m.ve, o);
        else
            st = eventc_buf_append(out, m.vs, (size_t)(m.ve - m.vs));
    }
    json_reader_free(&m.r);
    for (size_t i = 0; !st && s && i < s->n_added; i++) {
        if (i < sizeof(seen) && seen[i])
            continue;
        if (!first)
            st = eventc_buf_putc(out, ',');
        first = 0;
        if (!st)
            st = put_string(out, s->added[i].field);
        if (!st)
            st = eventc_buf_putc(out, ':');
        if (!st)
            st = eventc_buf_append_str(out, s->added[i].json);
    }
    if (!st)
        st = eventc_buf_putc(out, '}');
    return st;
}

/* ---- the entry
 * ----------------------------------------------------------------------------------- */

static int needs_look(const eventc_type_desc *desc, const eventc_decode_options *o)
{
    const eventc_upcast_desc *u = desc->upcast;
    if (u->n_aliases || u->n_steps)
        return 1;
    for (size_t i = 0; i < o->n_upcasters; i++)
        if (o->upcasters[i].event && strcmp(o->upcasters[i].event, desc->name) == 0)
            return 1;
    return 0;
}

eventc_status codec_upcast(const eventc_type_desc *desc, const char *json, size_t len,
                           const eventc_decode_options *o, char **out, size_t *out_len,
                           int64_t *from_version, eventc_error *err)
{
    *out = NULL;
    *out_len = 0;
    const eventc_upcast_desc *u = desc->upcast;
    if (!u || !json || len > o->limits.max_input || !needs_look(desc, o))
        return EVENTC_OK;
    /* The whole text is checked first: the passes below read only valid JSON. */
    if (json_check(json, len, &o->limits, o->alloc, NULL) != EVENTC_OK)
        return EVENTC_OK;
    /* The name and the version, usually among the first members. */
    char namebuf[128];
    const char *name = NULL;
    int64_t version = 0;
    int has_version = 0;
    scan m;
    scan_init(&m, json, len, o);
    while ((!name || !has_version) && next_member(&m)) {
        if (!name && named(&m, u->name_key))
            name = string_value(m.vs, m.ve, o, namebuf, sizeof(namebuf));
        else if (!has_version && named(&m, u->version_key))
            has_version = int_value(m.vs, m.ve, &version);
    }
    json_reader_free(&m.r);
    /* Only the event's own names are upcast: another name is the decoder's to refuse. */
    int alias = 0;
    for (size_t i = 0; name && i < u->n_aliases && strcmp(name, desc->name) != 0; i++)
        alias = alias || strcmp(name, u->aliases[i]) == 0;
    if (!name || (!alias && strcmp(name, desc->name) != 0))
        return EVENTC_OK;
    size_t n = 0;
    for (size_t i = 0; has_version && i < u->n_steps; i++)
        n += u->steps[i].version >= version;
    for (size_t i = 0; has_version && i < o->n_upcasters; i++)
        n += o->upcasters[i].event && strcmp(o->upcasters[i].event, desc->name) == 0 &&
             o->upcasters[i].version >= version;
    if (!alias && n == 0)
        return EVENTC_OK;
    *from_version = version;

    link *chain = NULL;
    if (n) {
        chain = eventc_alloc(o->alloc, n * sizeof(*chain));
        if (!chain)
            return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; has_version && i < u->n_steps; i++)
        if (u->steps[i].version >= version)
            chain[k++] = (link){u->steps[i].version, &u->steps[i], NULL};
    for (size_t i = 0; has_version && i < o->n_upcasters; i++)
        if (o->upcasters[i].event && strcmp(o->upcasters[i].event, desc->name) == 0 &&
            o->upcasters[i].version >= version)
            chain[k++] = (link){o->upcasters[i].version, NULL, &o->upcasters[i]};
    for (size_t i = 1; i < n; i++) /* stable insertion sort: chains are short */
        for (size_t j = i; j > 0 && link_cmp(&chain[j - 1], &chain[j]) > 0; j--) {
            link t = chain[j];
            chain[j] = chain[j - 1];
            chain[j - 1] = t;
        }

    /* Two buffers in turn: each step reads one and writes the other. The text starts as a copy,
     * so that every step, hand-written upcasters included, reads NUL-terminated text. */
    eventc_buf bufs[2];
    eventc_buf_init(&bufs[0], o->alloc);
    eventc_buf_init(&bufs[1], o->alloc);
    eventc_status st = eventc_buf_append(&bufs[1], json, len);
    const char *cur = eventc_buf_cstr(&bufs[1]);
    size_t cur_len = bufs[1].len;
    int which = 0, valid = 1;
    if (!st && bufs[1].failed)
        st = EVENTC_E_NOMEM;
    for (size_t i = 0; i < n && !st && valid; i++) {
        eventc_buf *next = &bufs[which];
        eventc_buf_reset(next);
        if (chain[i].step) {
            st = rewrite(desc, chain[i].step, 0, cur, cur_len, o, next);
        } else {
            const eventc_upcaster *h = chain[i].hand;
            eventc_upcast_input in = {cur, cur_len, desc->name, version};
            if (h->can_upcast && !h->can_upcast(&in, h->ctx))
                continue;
            if (!h->do_upcast)
                continue;
            eventc_error_clear(err);
            st = h->do_upcast(&in, next, h->ctx, err);
            if (st && err && err->code == EVENTC_OK)
                eventc_error_set(err, st, "$", "the upcaster of %s for version %lld failed",
                                 desc->name, (long long)h->version);
            if (st)
                break;
            /* What a hand-written upcaster wrote is judged before the next pass reads it; if it
             * is not valid JSON, the decoder reports that on the text as it stands. */
            valid = next->failed || json_check(eventc_buf_cstr(next), next->len, &o->limits,
                                               o->alloc, NULL) == EVENTC_OK;
        }
        cur = eventc_buf_cstr(next);
        cur_len = next->len;
        if (!st && next->failed)
            st = EVENTC_E_NOMEM;
        which ^= 1;
    }
    eventc_free(o->alloc, chain, n * sizeof(*chain));
    if (!st && valid) {
        eventc_buf *next = &bufs[which];
        eventc_buf_reset(next);
        st = rewrite(desc, NULL, 1, cur, cur_len, o, next);
        if (!st && next->failed)
            st = EVENTC_E_NOMEM;
        which ^= 1;
    }
    if (!st) {
        eventc_buf *last = &bufs[which ^ 1];
        *out = eventc_buf_detach(last, out_len);
        if (!*out)
            st = EVENTC_E_NOMEM;
    }
    eventc_buf_free(&bufs[0]);
    eventc_buf_free(&bufs[1]);
    if (st == EVENTC_E_NOMEM)
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    if (st == EVENTC_E_INVALID_ARGUMENT)
        return eventc_error_set(err, st, "$", "an upcast of %s writes invalid UTF-8", desc->name);
    return st;
}

eventc_status eventc_upcast(const eventc_type_desc *desc, const char *json, size_t len,
                            const eventc_decode_options *opts, char **out, size_t *out_len,
                            eventc_error *err)
{
    static const eventc_decode_options defaults = {EVENTC_LIMITS_DEFAULT, 0, NULL, NULL, 0};
    int64_t version = 0;
    eventc_error_clear(err);
    if (!out || !out_len || !desc || (!json && len))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    return codec_upcast(desc, json, len, opts ? opts : &defaults, out, out_len, &version, err);
}
