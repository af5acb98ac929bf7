/* The decoder: one pass over the JSON text, driven by the descriptor tables. It reads with the
 * runtime's strict reader (json/json_reader.h: RFC 8259, UTF-8, duplicate names, limits), writes
 * values straight into the C struct, copies strings into the value's arena, and applies the same
 * rule checks as eventc_validate as each value is read. On error everything allocated so far is
 * released at once with the arena. */
#include "codec_internal.h"
#include "core/arena_internal.h"
#include "core/number_internal.h"
#include "json/json_reader.h"
#include "eventc/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct dec {
    json_reader r; /* its path is &path */
    eventc_arena *arena;
    const eventc_decode_options *o;
    json_path path;
} dec;

#define OFF(d) ((size_t)((d)->r.p - (d)->r.start))

static void dec_init(dec *d, const char *json, size_t len, const eventc_decode_options *o,
                     eventc_arena *arena, eventc_error *err)
{
    json_reader_init(&d->r, json, len, &o->limits, o->alloc, err);
    d->path.depth = 0;
    d->r.path = &d->path;
    d->arena = arena;
    d->o = o;
}

#define fail(d, ...) json_fail(&(d)->r, __VA_ARGS__)
#define syntax(d, what) json_syntax(&(d)->r, what)
/* White space, with the common case (none: minified text) in two tests. */
static inline void skip_ws(dec *d)
{
    if (d->r.p < d->r.end && (unsigned char)*d->r.p <= ' ')
        json_skip_ws(&d->r);
}

static const char *kind_at(const dec *d)
{
    if (d->r.p >= d->r.end)
        return "end of input";
    switch (*d->r.p) {
    case '"':
        return "a string";
    case '{':
        return "an object";
    case '[':
        return "an array";
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    default:
        return (*d->r.p == '-' || (*d->r.p >= '0' && *d->r.p <= '9')) ? "a number"
                                                                      : "an invalid token";
    }
}

/* A value of the wrong type; what cannot begin any JSON value at all is a syntax error. */
static eventc_status mismatch(dec *d, const char *expected)
{
    if (d->r.p >= d->r.end || strcmp(kind_at(d), "an invalid token") == 0)
        return syntax(d, "a value");
    return fail(d, EVENTC_E_TYPE, "expected %s, got %s", expected, kind_at(d));
}

/* Whether the n bytes at a and b are equal; reads only those bytes (names are short). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, w;
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&w, b, 4);
        if (u != w)
            return false;
        memcpy(&u, a + n - 4, 4);
        memcpy(&w, b + n - 4, 4);
        return u == w;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Whether the NUL-terminated @p name is the @p n bytes at @p k (which hold no NUL). The first
 * two bytes turn most names away; strncmp stops at the name's end. */
static inline bool name_is(const char *name, const char *k, size_t n)
{
    if (n < 2)
        return n == 0 ? name[0] == '\0' : name[0] == k[0] && name[1] == '\0';
    return name[0] == k[0] && name[1] == k[1] && strncmp(name + 2, k + 2, n - 2) == 0 &&
           name[n] == '\0';
}

/* Reads the string value at the cursor into the arena and checks it against @p v. A value equal
 * to the constant it must have is not copied: the member points at the constant. U+0000 cannot
 * be held in a C string. */
static eventc_status read_string(dec *d, const eventc_value_desc *v, const char **out)
{
    json_string s;
    const char *at = d->r.p;
    eventc_status st = json_scan_string(&d->r, d->o->limits.max_string, &s);
    if (st)
        return st;
    /* The length rules, settled by the code points the scan counted. */
    bool lengths_ok = (!(v->flags & EVENTC_VF_MIN_LENGTH) || s.chars >= v->min_length) &&
                      (!(v->flags & EVENTC_VF_MAX_LENGTH) || s.chars <= v->max_length);
    if (v->const_value && !s.escaped && lengths_ok && !v->pattern &&
        name_is(v->const_value, s.raw, s.len)) {
        *out = v->const_value;
        return EVENTC_OK;
    }
    if (s.nul) {
        d->r.p = at;
        return fail(d, EVENTC_E_UNSUPPORTED, "U+0000 in a string cannot be held in a C string");
    }
    char *copy = arena_take_bytes(d->arena, s.len + 1);
    if (!copy && !(copy = eventc_arena_alloc(d->arena, s.len + 1)))
        return fail(d, EVENTC_E_NOMEM, "out of memory");
    if (s.escaped)
        json_unescape(s.raw, s.raw_len, copy);
    else
        codec_copy(copy, s.raw, s.len);
    copy[s.len] = '\0';
    *out = copy;
    /* Most strings have no rule but lengths, which the scan's count settles; the rest, and every
     * failure, go to the one place every rule lives. */
    if (!v->const_value && !v->pattern && lengths_ok)
        return EVENTC_OK;
    return codec_check_string(v, copy, s.len, s.chars, &d->path, d->r.err,
                              (size_t)(at - d->r.start));
}

/* Whether @p c could continue a number (so what came before it is not one). */
static inline bool continues_number(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Copies the valid JSON text from s to e without insignificant white space. */
static char *minify(dec *d, const char *s, const char *e)
{
    size_t n = json_minify(s, (size_t)(e - s), NULL);
    char *out = eventc_arena_alloc(d->arena, n + 1);
    if (!out)
        return NULL;
    json_minify(s, (size_t)(e - s), out);
    out[n] = '\0';
    return out;
}

/* "a, b, c" (cut short with "..." when long), for enum messages. */
static const char *enum_list(const eventc_enum_desc *e, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < e->count; i++) {
        size_t need = e->lens[i] + (i ? 2 : 0);
        if (len + need + 4 >= n) {
            snprintf(buf + len, n - len, ", ...");
            break;
        }
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", e->names[i]);
    }
    return buf;
}

static eventc_status decode_object(dec *d, const eventc_type_desc *t, unsigned char *base);

static eventc_status decode_value(dec *d, const eventc_value_desc *v, void *dst);

static eventc_status decode_array(dec *d, const eventc_value_desc *v, void **items, size_t *count)
{
    size_t start = OFF(d);
    if (d->r.p >= d->r.end || *d->r.p != '[')
        return mismatch(d, "an array");
    if (++d->r.depth > d->o->limits.max_depth)
        return fail(d, EVENTC_E_LIMIT, "nesting deeper than %u", d->o->limits.max_depth);
    d->r.p++;
    const eventc_value_desc *iv = v->items;
    size_t isz = v->item_size, n = 0, cap = 0;
    unsigned char *buf = NULL;
    skip_ws(d);
    if (d->r.p < d->r.end && *d->r.p == ']') {
        d->r.p++;
    } else {
        json_path_push_index(&d->path, 0);
        for (;;) {
            if (n == d->o->limits.max_items)
                return fail(d, EVENTC_E_LIMIT, "more than %zu items", d->o->limits.max_items);
            if (n == cap) {
                /* Grow by doubling inside the arena; the old block is simply left behind, so
                 * the waste is bounded by the final size. */
                size_t ncap = cap ? cap * 2 : 8;
                unsigned char *nb = eventc_arena_alloc(d->arena, ncap * isz);
                if (!nb)
                    return fail(d, EVENTC_E_NOMEM, "out of memory");
                if (n)
                    memcpy(nb, buf, n * isz);
                memset(nb + n * isz, 0, (ncap - n) * isz); /* every item starts zeroed */
                buf = nb;
                cap = ncap;
            }
            json_path_set_index(&d->path, n);
            skip_ws(d);
            eventc_status st = decode_value(d, iv, buf + n * isz);
            if (st)
                return st;
            n++;
            skip_ws(d);
            if (d->r.p < d->r.end && *d->r.p == ',') {
                d->r.p++;
                continue;
            }
            if (d->r.p < d->r.end && *d->r.p == ']') {
                d->r.p++;
                break;
            }
            return syntax(d, "',' or ']'");
        }
        json_path_pop(&d->path);
    }
    d->r.depth--;
    if (!buf) {
        /* An empty array is present, so it gets a non-NULL pointer. */
        buf = eventc_arena_alloc(d->arena, 1);
        if (!buf)
            return fail(d, EVENTC_E_NOMEM, "out of memory");
    }
    eventc_status st = codec_check_items(v, buf, n, &d->path, d->r.err, start);
    if (st)
        return st;
    *items = buf;
    *count = n;
    return EVENTC_OK;
}

static eventc_status decode_value(dec *d, const eventc_value_desc *v, void *dst)
{
    size_t start = OFF(d);
    switch (v->type) {
    case EVENTC_FT_STRING:
    case EVENTC_FT_TIMESTAMP:
    case EVENTC_FT_ENUM: {
        if (d->r.p >= d->r.end || *d->r.p != '"')
            return mismatch(d, "a string");
        if (v->type != EVENTC_FT_STRING) {
            /* Enum spellings and timestamps are short: read them without copying. */
            json_string js;
            eventc_status st = json_scan_string(&d->r, d->o->limits.max_string, &js);
            if (st)
                return st;
            const char *raw = js.raw;
            size_t rl = js.raw_len;
            char tmp[64], tmp2[160];
            if (js.escaped) {
                if (js.len >= sizeof(tmp))
                    goto bad_enum_or_time;
                json_unescape(js.raw, js.raw_len, tmp);
                raw = tmp;
                rl = js.len;
            }
            if (v->type == EVENTC_FT_TIMESTAMP) {
                if (eventc_timestamp_parse(raw, rl, (eventc_timestamp *)dst) != EVENTC_OK)
                    goto bad_enum_or_time;
                return EVENTC_OK;
            }
            const eventc_enum_desc *en = v->enum_desc;
            for (unsigned i = 0; i < en->count; i++) {
                if (en->lens[i] == rl && memcmp(en->names[i], raw, rl) == 0) {
                    *(int *)dst = (int)i;
                    return EVENTC_OK;
                }
            }
        bad_enum_or_time:
            d->r.p = d->r.start + start;
            if (rl > 40)
                rl = 40;
            if (v->type == EVENTC_FT_TIMESTAMP)
                return fail(d, EVENTC_E_TIMESTAMP,
                            "\"%.*s\" is not an RFC 3339 UTC timestamp "
                            "(YYYY-MM-DDTHH:MM:SS[.fraction]Z)",
                            (int)rl, raw);
            return fail(d, EVENTC_E_ENUM, "\"%.*s\" is not one of %s", (int)rl, raw,
                        enum_list(v->enum_desc, tmp2, sizeof(tmp2)));
        }
        return read_string(d, v, (const char **)dst);
    }
    case EVENTC_FT_INT64:
    case EVENTC_FT_DOUBLE: {
        if (d->r.p >= d->r.end || !(*d->r.p == '-' || (*d->r.p >= '0' && *d->r.p <= '9')))
            return mismatch(d, v->type == EVENTC_FT_INT64 ? "an integer" : "a number");
        const char *tok = NULL;
        size_t tl = 0;
        bool integ = false;
        eventc_status st = json_scan_number(&d->r, &tok, &tl, &integ);
        if (st)
            return st;
        if (d->r.p < d->r.end && continues_number(*d->r.p))
            return EVENTC_OK; /* "01", "1.2.3": the syntax error comes next, where it is */
        if (v->type == EVENTC_FT_INT64) {
            int64_t x = 0;
            if (integ) {
                /* Exact: digits accumulate negatively so INT64_MIN fits. */
                const char *q = tok;
                int neg = *q == '-';
                if (neg)
                    q++;
                int64_t acc = 0;
                for (; q < tok + tl; q++) {
                    int dg = *q - '0';
                    if (acc < (INT64_MIN + dg) / 10) {
                        d->r.p = d->r.start + start;
                        return fail(d, EVENTC_E_RANGE, "%.*s is out of the int64 range",
                                    (int)(tl > 40 ? 40 : tl), tok);
                    }
                    acc = acc * 10 - dg;
                }
                if (!neg && acc == INT64_MIN) {
                    d->r.p = d->r.start + start;
                    return fail(d, EVENTC_E_RANGE, "%.*s is out of the int64 range", (int)tl, tok);
                }
                x = neg ? acc : -acc;
            } else {
                /* 1.0 and 1e2 are integers, as in JSON Schema. */
                double dv;
                if (!num_parse_double(tok, tl, &dv) || dv != floor(dv)) {
                    d->r.p = d->r.start + start;
                    return fail(d, EVENTC_E_TYPE, "expected an integer, got %.*s",
                                (int)(tl > 40 ? 40 : tl), tok);
                }
                if (!(dv >= -9223372036854775808.0 && dv < 9223372036854775808.0)) {
                    d->r.p = d->r.start + start;
                    return fail(d, EVENTC_E_RANGE, "%.*s is out of the int64 range",
                                (int)(tl > 40 ? 40 : tl), tok);
                }
                x = (int64_t)dv;
            }
            *(int64_t *)dst = x;
            return codec_check_int(v, x, &d->path, d->r.err, start);
        }
        double dv;
        if (!num_parse_double(tok, tl, &dv)) {
            d->r.p = d->r.start + start;
            return fail(d, EVENTC_E_RANGE, "number %.*s cannot be represented as a double",
                        (int)(tl > 40 ? 40 : tl), tok);
        }
        *(double *)dst = dv;
        return codec_check_double(v, dv, &d->path, d->r.err, start);
    }
    case EVENTC_FT_BOOL:
        if (d->r.p < d->r.end && *d->r.p == 't') {
            *(bool *)dst = true;
            return json_literal(&d->r, "true", 4);
        }
        if (d->r.p < d->r.end && *d->r.p == 'f') {
            *(bool *)dst = false;
            return json_literal(&d->r, "false", 5);
        }
        return mismatch(d, "a boolean");
    case EVENTC_FT_OBJECT:
        return decode_object(d, v->object, dst);
    case EVENTC_FT_JSON: {
        const char *s = d->r.p;
        eventc_status st = json_skip_value(&d->r);
        if (st)
            return st;
        char *text = minify(d, s, d->r.p);
        if (!text)
            return fail(d, EVENTC_E_NOMEM, "out of memory");
        *(const char **)dst = text;
        return EVENTC_OK;
    }
    case EVENTC_FT_ARRAY:
        break; /* handled by the field walker, which owns the count member */
    }
    return fail(d, EVENTC_E_INVALID_ARGUMENT, "invalid descriptor");
}

/* Finds a member by name; `hint` is where the previous member was found, since documents
 * usually list members in descriptor order. */
static const eventc_field_desc *find_field(const eventc_type_desc *t, const char *k, size_t n,
                                           size_t *hint)
{
    size_t nf = t->n_fields;
    for (size_t i = 0; i < nf; i++) {
        size_t j = *hint + i;
        if (j >= nf)
            j -= nf;
        const eventc_field_desc *f = &t->fields[j];
        if (f->name_len == n && same_bytes(f->name, k, n)) {
            *hint = j + 1 < nf ? j + 1 : 0;
            return f;
        }
    }
    return NULL;
}

/* Finds the member whose name is the raw text of the member name at @p at (its opening quote),
 * trying the one after the previous match first (documents list members in order). A catalog
 * name is an identifier (no escape, quote or non-ASCII byte), so raw text equal to it and
 * followed by a quote is that name, already scanned. NULL: an unknown or escaped name. */
static inline const eventc_field_desc *find_raw(const eventc_type_desc *t, const char *at,
                                                const char *end, size_t *hint)
{
    size_t nf = t->n_fields, avail = (size_t)(end - at);
    for (size_t i = 0, j = *hint; i < nf; i++, j = j + 1 < nf ? j + 1 : 0) {
        const eventc_field_desc *f = &t->fields[j];
        size_t n = f->name_len;
        if (avail > n + 1 && at[n + 1] == '"' && same_bytes(at + 1, f->name, n)) {
            *hint = j + 1 < nf ? j + 1 : 0;
            return f;
        }
    }
    return NULL;
}

static eventc_status decode_members(dec *d, const eventc_type_desc *t, unsigned char *base,
                                    json_names *unknown)
{
    if (d->r.p >= d->r.end || *d->r.p != '{')
        return mismatch(d, "an object");
    if (++d->r.depth > d->o->limits.max_depth)
        return fail(d, EVENTC_E_LIMIT, "nesting deeper than %u", d->o->limits.max_depth);
    size_t obj_start = OFF(d);
    d->r.p++;
    unsigned char seen_small[64];
    unsigned char *seen = seen_small;
    if (t->n_fields > sizeof(seen_small)) {
        seen = eventc_arena_alloc(d->arena, t->n_fields);
        if (!seen)
            return fail(d, EVENTC_E_NOMEM, "out of memory");
    }
    memset(seen, 0, t->n_fields);
    size_t hint = 0, members = 0;
    int reject_unknown = !t->additional_properties || d->o->strict;
    skip_ws(d);
    if (d->r.p < d->r.end && *d->r.p == '}') {
        d->r.p++;
    } else {
        for (;;) {
            if (++members > d->o->limits.max_items)
                return fail(d, EVENTC_E_LIMIT, "more than %zu members", d->o->limits.max_items);
            skip_ws(d);
            if (d->r.p >= d->r.end || *d->r.p != '"')
                return syntax(d, "a member name");
            const char *key_at = d->r.p;
            const eventc_field_desc *f = find_raw(t, key_at, d->r.end, &hint);
            json_string ks;
            eventc_status st;
            const char *key;
            size_t kn;
            if (f && f->name_len <= d->o->limits.max_string) {
                key = f->name;
                kn = f->name_len;
                d->r.p = key_at + kn + 2;
            } else {
                if ((st = json_scan_string(&d->r, d->o->limits.max_string, &ks)))
                    return st;
                key = ks.raw;
                kn = ks.len;
                if (ks.escaped) {
                    char *k = eventc_arena_alloc(d->arena, kn + 1);
                    if (!k)
                        return fail(d, EVENTC_E_NOMEM, "out of memory");
                    json_unescape(ks.raw, ks.raw_len, k);
                    k[kn] = '\0';
                    key = k;
                }
                f = ks.escaped ? find_field(t, key, kn, &hint) : NULL;
            }
            skip_ws(d);
            if (d->r.p >= d->r.end || *d->r.p != ':')
                return syntax(d, "':'");
            d->r.p++;
            skip_ws(d);
            json_path_push_key(&d->path, f ? f->name : key, kn);
            if (!f) {
                if ((st = json_names_check(&d->r, unknown, &ks, key_at)))
                    return st;
                if (reject_unknown) {
                    d->r.p = key_at;
                    return fail(d, EVENTC_E_UNKNOWN_FIELD, "unknown member");
                }
                if ((st = json_skip_value(&d->r)))
                    return st;
            } else {
                size_t idx = (size_t)(f - t->fields);
                if (seen[idx])
                    return json_fail_duplicate(&d->r, key_at, key, kn);
                seen[idx] = 1;
                if (d->r.p < d->r.end && *d->r.p == 'n' && f->value->type != EVENTC_FT_JSON) {
                    if (!(f->flags & EVENTC_FF_NULLABLE))
                        return fail(d, EVENTC_E_NULL_VALUE, "null is not allowed here");
                    if ((st = json_literal(&d->r, "null", 4)))
                        return st;
                } else if (f->value->type == EVENTC_FT_ARRAY) {
                    void *items = NULL;
                    size_t count = 0;
                    if ((st = decode_array(d, f->value, &items, &count)))
                        return st;
                    *(void **)(base + f->offset) = items;
                    *(size_t *)(base + f->aux_offset) = count;
                } else {
                    if ((st = decode_value(d, f->value, base + f->offset)))
                        return st;
                    if (f->aux_offset != SIZE_MAX)
                        *(bool *)(base + f->aux_offset) = true;
                }
            }
            json_path_pop(&d->path);
            skip_ws(d);
            if (d->r.p < d->r.end && *d->r.p == ',') {
                d->r.p++;
                continue;
            }
            if (d->r.p < d->r.end && *d->r.p == '}') {
                d->r.p++;
                break;
            }
            return syntax(d, "',' or '}'");
        }
    }
    d->r.depth--;
    for (size_t i = 0; i < t->n_fields; i++) {
        const eventc_field_desc *f = &t->fields[i];
        if (!seen[i] && !(f->flags & EVENTC_FF_OPTIONAL)) {
            json_path_push_key(&d->path, f->name, f->name_len);
            eventc_status st = codec_fail(&d->path, d->r.err, obj_start, EVENTC_E_REQUIRED,
                                          "required member is missing");
            json_path_pop(&d->path);
            return st;
        }
    }
    return EVENTC_OK;
}

/* An object of type t: its members, with the names of unknown members kept to refuse
 * duplicates among them too. */
static eventc_status decode_object(dec *d, const eventc_type_desc *t, unsigned char *base)
{
    json_names unknown;
    json_names_init(&unknown, d->o->alloc);
    eventc_status st = decode_members(d, t, base, &unknown);
    json_names_free(&unknown);
    return st;
}

eventc_decode_options eventc_decode_options_default(void)
{
    eventc_decode_options o;
    o.limits = eventc_limits_default();
    o.strict = 0;
    o.alloc = NULL;
    o.upcasters = NULL;
    o.n_upcasters = 0;
    return o;
}

static eventc_status decode_text(const eventc_type_desc *desc, void *out, const char *json,
                                 size_t len, const eventc_decode_options *opts, eventc_error *err)
{
    return codec_decode_at(desc, out, json, len, opts, json_simd_detect(), err);
}

eventc_status codec_decode_at(const eventc_type_desc *desc, void *out, const char *json, size_t len,
                              const eventc_decode_options *opts, json_simd simd, eventc_error *err)
{
    static const eventc_decode_options defaults = {EVENTC_LIMITS_DEFAULT, 0, NULL, NULL, 0};
    if (!opts)
        opts = &defaults;
    eventc_error_clear(err);
    if (!desc || !out || (!json && len) || desc->arena_offset == SIZE_MAX)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    unsigned char *base = out;
    eventc_arena **slot = (eventc_arena **)(base + desc->arena_offset);
    eventc_arena *arena = *slot;
    if (arena) {
        eventc_arena_reset(arena);
    } else {
        arena = eventc_alloc(opts->alloc, sizeof(*arena));
        if (!arena)
            return eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
        eventc_arena_init(arena, opts->alloc);
    }
    memset(base, 0, desc->size);
    dec d;
    dec_init(&d, json, len, opts, arena, err);
    d.r.simd = simd;
    eventc_status st;
    if (len > opts->limits.max_input) {
        st = fail(&d, EVENTC_E_LIMIT, "input of %zu bytes is larger than the limit of %zu", len,
                  opts->limits.max_input);
    } else {
        skip_ws(&d);
        st = decode_object(&d, desc, base);
        if (!st) {
            skip_ws(&d);
            if (d.r.p != d.r.end)
                st = syntax(&d, "the end of the input");
        }
    }
    json_reader_free(&d.r);
    if (st) {
        memset(base, 0, desc->size);
        eventc_release(arena); /* with its own allocator, which a reused arena may not share */
        return st;
    }
    *slot = arena;
    return EVENTC_OK;
}

eventc_status eventc_decode(const eventc_type_desc *desc, void *out, const char *json, size_t len,
                            const eventc_decode_options *opts, eventc_error *err)
{
    static const eventc_decode_options defaults = {EVENTC_LIMITS_DEFAULT, 0, NULL, NULL, 0};
    if (!opts)
        opts = &defaults;
    /* Events of earlier versions are upcast first (codec_upcast.c); an event without earlier
     * names, history or hand-written upcasters never gets there. */
    if (desc && out && desc->upcast &&
        (desc->upcast->n_aliases || desc->upcast->n_steps || opts->n_upcasters)) {
        char *up = NULL;
        size_t up_len = 0;
        int64_t from = 0;
        eventc_status st = codec_upcast(desc, json, len, opts, &up, &up_len, &from, err);
        if (st) {
            eventc_clear(desc, out);
            return st;
        }
        if (up) {
            st = decode_text(desc, out, up, up_len, opts, err);
            eventc_free(opts->alloc, up, up_len + 1);
            if (st && err) {
                size_t n = strlen(err->message);
                snprintf(err->message + n, sizeof(err->message) - n,
                         " (in the event upcast from version %lld)", (long long)from);
            }
            return st;
        }
    }
    return decode_text(desc, out, json, len, opts, err);
}

eventc_status eventc_peek_string(const char *json, size_t len, const char *key, const char **value,
                                 size_t *value_len, int *has_escapes, eventc_error *err)
{
    eventc_decode_options o = eventc_decode_options_default();
    dec d;
    eventc_status st;
    size_t klen = strlen(key);
    json_string s;
    dec_init(&d, json, len, &o, NULL, err);
    skip_ws(&d);
    if (d.r.p >= d.r.end || *d.r.p != '{') {
        st = mismatch(&d, "an object");
        goto done;
    }
    d.r.p++;
    d.r.depth = 1;
    skip_ws(&d);
    if (d.r.p < d.r.end && *d.r.p == '}')
        goto missing;
    for (;;) {
        skip_ws(&d);
        if (d.r.p >= d.r.end || *d.r.p != '"') {
            st = syntax(&d, "a member name");
            goto done;
        }
        if ((st = json_scan_string(&d.r, o.limits.max_string, &s)))
            goto done;
        skip_ws(&d);
        if (d.r.p >= d.r.end || *d.r.p != ':') {
            st = syntax(&d, "':'");
            goto done;
        }
        d.r.p++;
        skip_ws(&d);
        if (!s.escaped && s.raw_len == klen && memcmp(s.raw, key, klen) == 0) {
            json_path_push_key(&d.path, key, klen);
            if (d.r.p >= d.r.end || *d.r.p != '"') {
                st = mismatch(&d, "a string");
                goto done;
            }
            if ((st = json_scan_string(&d.r, o.limits.max_string, &s)))
                goto done;
            *value = s.raw;
            *value_len = s.raw_len;
            *has_escapes = s.escaped;
            goto done;
        }
        if ((st = json_skip_value(&d.r)))
            goto done;
        skip_ws(&d);
        if (d.r.p < d.r.end && *d.r.p == ',') {
            d.r.p++;
            continue;
        }
        if (d.r.p < d.r.end && *d.r.p == '}')
            break;
        st = syntax(&d, "',' or '}'");
        goto done;
    }
missing:
    json_path_push_key(&d.path, key, klen);
    st = codec_fail(&d.path, err, 0, EVENTC_E_REQUIRED, "required member is missing");
done:
    json_reader_free(&d.r);
    return st;
}

eventc_status eventc_json_check(const char *json, size_t len)
{
    eventc_limits lim = EVENTC_LIMITS_DEFAULT;
    return json_check(json, len, &lim, NULL, NULL);
}

eventc_status eventc_decode_any(const eventc_event_entry *types, size_t n_types,
                                const char *name_key, int *kind, void *value, const char *json,
                                size_t len, const eventc_decode_options *opts, eventc_error *err)
{
    static const eventc_decode_options defaults = {EVENTC_LIMITS_DEFAULT, 0, NULL, NULL, 0};
    if (!opts)
        opts = &defaults;
    eventc_error_clear(err);
    unsigned char *base = value;
    const eventc_event_entry *old = NULL;
    if (*kind > 0 && (size_t)*kind <= n_types && types[*kind - 1].kind == *kind)
        old = &types[*kind - 1]; /* generated tables are in kind order */
    for (size_t i = 0; i < n_types && *kind && !old; i++)
        if (types[i].kind == *kind)
            old = &types[i];
    eventc_status st;
    const eventc_event_entry *e = NULL;
    const char *name = NULL;
    size_t name_len = 0;
    int escaped = 0;
    char unescaped[128];
    if (len > opts->limits.max_input) {
        st = eventc_error_set(err, EVENTC_E_LIMIT, "$",
                              "input of %zu bytes is larger than the limit of %zu", len,
                              opts->limits.max_input);
        goto fail;
    }
    /* Producers write the name first: `{"event_name":"...` is read in place, anything else by
     * the general peek. */
    size_t nk = strlen(name_key);
    if (len > nk + 5 && json[0] == '{' && json[1] == '"' && same_bytes(json + 2, name_key, nk) &&
        json[nk + 2] == '"' && json[nk + 3] == ':' && json[nk + 4] == '"') {
        json_reader r;
        json_string s;
        json_reader_init(&r, json, len, &opts->limits, NULL, NULL);
        r.p = json + nk + 4;
        if (json_scan_string(&r, opts->limits.max_string, &s) == EVENTC_OK) {
            name = s.raw;
            name_len = s.raw_len;
            escaped = s.escaped;
        }
        json_reader_free(&r);
    }
    if (!name) {
        st = eventc_peek_string(json, len, name_key, &name, &name_len, &escaped, err);
        if (st)
            goto fail;
    }
    const char *key = name;
    size_t key_len = name_len;
    if (escaped) {
        /* The raw text was validated by the peek; its decoded form is never longer, and a name
         * that does not fit the buffer is longer than any event name anyway. */
        json_reader r;
        json_string s;
        json_reader_init(&r, name - 1, (size_t)(json + len - (name - 1)), &opts->limits, NULL,
                         NULL);
        if (json_scan_string(&r, opts->limits.max_string, &s) == EVENTC_OK &&
            s.len < sizeof(unescaped)) {
            json_unescape(s.raw, s.raw_len, unescaped);
            key = unescaped;
            key_len = s.len;
        }
        json_reader_free(&r);
    }
    /* Only an escaped name can hold U+0000 (raw text holds no control character); no event
     * has such a name. */
    bool nul = escaped && memchr(key, '\0', key_len) != NULL;
    for (size_t i = 0; i < n_types && !nul; i++)
        if (name_is(types[i].name, key, key_len)) {
            e = &types[i];
            break;
        }
    /* An earlier name of an event (renamed_from) selects it; its decoder upcasts. */
    for (size_t i = 0; i < n_types && !e; i++) {
        const eventc_upcast_desc *u = types[i].desc->upcast;
        for (size_t j = 0; u && j < u->n_aliases && !e; j++)
            if (strlen(u->aliases[j]) == key_len && memcmp(u->aliases[j], key, key_len) == 0)
                e = &types[i];
    }
    if (!e) {
        char path[64];
        snprintf(path, sizeof(path), "$.%s", name_key);
        st = eventc_error_set(err, EVENTC_E_ENUM, path, "unknown event name \"%.*s\"",
                              (int)(key_len > 64 ? 64 : key_len), key);
        if (err)
            err->offset = (size_t)(name - json);
        goto fail;
    }
    if (old && old != e) {
        /* A stream mixes kinds: hand the arena of the previous event to the new one rather
         * than freeing it, so decoding keeps reusing its memory. Both events' other bytes go. */
        eventc_arena *arena =
            *(eventc_arena **)(base + old->union_offset + old->desc->arena_offset);
        memset(base + old->union_offset, 0, old->desc->size);
        memset(base + e->union_offset, 0, e->desc->size);
        *(eventc_arena **)(base + e->union_offset + e->desc->arena_offset) = arena;
    } else if (!old) {
        /* No kind: when every event keeps its arena in one place, whatever the union held is
         * already where the new event's decoder looks for one, and is reused (only the
         * members' other bytes go). The tables are walked for that only here, not on every
         * event of a stream. */
        size_t common = codec_any_arena_offset(types, n_types);
        if (common != SIZE_MAX) {
            eventc_arena *arena = *(eventc_arena **)(base + common);
            memset(base + e->union_offset, 0, e->desc->size);
            *(eventc_arena **)(base + common) = arena;
        }
    }
    *kind = 0;
    st = eventc_decode(e->desc, base + e->union_offset, json, len, opts, err);
    if (!st)
        *kind = e->kind;
    return st;
fail:
    eventc_clear_any(types, n_types, kind, value);
    return st;
}
