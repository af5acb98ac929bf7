/* The runtime's one strict JSON reader (json_reader.h): strings, numbers, literals, skipping any
 * value, duplicate member names, minifying, and the errors they raise. */
#include "json/json_reader.h"
#include "core/text_internal.h"
#include "eventc/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void json_reader_init(json_reader *r, const char *s, size_t n, const eventc_limits *lim,
                      const eventc_allocator *alloc, eventc_error *err)
{
    r->start = s;
    r->p = s;
    r->end = s + n;
    r->lim = lim;
    r->alloc = alloc;
    r->err = err;
    r->path = NULL;
    r->depth = 0;
    r->simd = json_simd_detect();
    eventc_buf_init(&r->scratch, alloc);
}

void json_reader_free(json_reader *r)
{
    eventc_buf_free(&r->scratch);
}

/* ---- strings ---- */

static bool hex4(const char *p, const char *end, uint32_t *out)
{
    uint32_t v = 0;
    if (end - p < 4)
        return false;
    for (int i = 0; i < 4; i++) {
        int h = text_hex_digit(p[i]);
        if (h < 0)
            return false;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return true;
}

void json_unescape(const char *s, size_t n, char *out)
{
    const char *e = s + n;
    while (s < e) {
        const char *bs = memchr(s, '\\', (size_t)(e - s));
        size_t run = bs ? (size_t)(bs - s) : (size_t)(e - s);
        memcpy(out, s, run);
        out += run;
        if (!bs)
            return;
        char x = bs[1];
        s = bs + 2;
        switch (x) {
        case 'b':
            *out++ = '\b';
            break;
        case 'f':
            *out++ = '\f';
            break;
        case 'n':
            *out++ = '\n';
            break;
        case 'r':
            *out++ = '\r';
            break;
        case 't':
            *out++ = '\t';
            break;
        case 'u': {
            /* The string was scanned first, so both hex4 calls succeed; the initial values only
             * tell the compiler so (gcc -O2 warns that they may be used uninitialized). */
            uint32_t cp = 0, lo = 0xDC00;
            hex4(s, e, &cp);
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                hex4(s + 2, e, &lo);
                s += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            out += eventc_utf8_encode(cp, out);
            break;
        }
        default:
            *out++ = x;
        }
    }
}

eventc_status json_read_string(json_reader *r, size_t max, json_string *s)
{
    json_string tmp;
    eventc_status st;
    if (s == NULL)
        s = &tmp;
    if ((st = json_scan_string(r, max, s)) != EVENTC_OK)
        return st;
    eventc_buf_reset(&r->scratch);
    if (eventc_buf_reserve(&r->scratch, s->len + 1) != EVENTC_OK)
        return json_fail(r, EVENTC_E_NOMEM, "out of memory");
    if (s->escaped)
        json_unescape(s->raw, s->raw_len, r->scratch.data);
    else
        memcpy(r->scratch.data, s->raw, s->len);
    r->scratch.len = s->len;
    r->scratch.data[s->len] = '\0';
    return EVENTC_OK;
}

/* ---- numbers, literals ---- */

eventc_status json_scan_number(json_reader *r, const char **tok, size_t *len, bool *integral)
{
    const char *p = r->p, *e = r->end, *s = p;
    bool integ = true;
    if (p < e && *p == '-')
        p++;
    if (p >= e || *p < '0' || *p > '9') {
        r->p = p;
        return json_syntax(r, "a digit");
    }
    if (*p == '0') {
        p++;
    } else {
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && *p == '.') {
        integ = false;
        p++;
        if (p >= e || *p < '0' || *p > '9') {
            r->p = p;
            return json_syntax(r, "a digit after '.'");
        }
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        integ = false;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || *p < '0' || *p > '9') {
            r->p = p;
            return json_syntax(r, "a digit in the exponent");
        }
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (tok)
        *tok = s;
    if (len)
        *len = (size_t)(p - s);
    if (integral)
        *integral = integ;
    r->p = p;
    return EVENTC_OK;
}

eventc_status json_literal(json_reader *r, const char *lit, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n) != 0)
        return json_syntax(r, "a value");
    r->p += n;
    return EVENTC_OK;
}

/* ---- any value ---- */

/* White space, with the common case (none: minified text) in one test. */
static inline void skip_ws(json_reader *r)
{
    if (r->p < r->end && (unsigned char)*r->p <= ' ')
        json_skip_ws(r);
}

static eventc_status skip_container(json_reader *r, char close);

/* Any value at the cursor (no white space before it), with every rule. */
static inline eventc_status skip_any(json_reader *r)
{
    if (r->p >= r->end)
        return json_syntax(r, "a value");
    json_string s;
    switch (*r->p) {
    case '"':
        return json_scan_string(r, r->lim->max_string, &s);
    case '{':
        return skip_container(r, '}');
    case '[':
        return skip_container(r, ']');
    case 't':
        return json_literal(r, "true", 4);
    case 'f':
        return json_literal(r, "false", 5);
    case 'n':
        return json_literal(r, "null", 4);
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
            return json_scan_number(r, NULL, NULL, NULL);
        return json_syntax(r, "a value");
    }
}

static eventc_status skip_container(json_reader *r, char close)
{
    json_names names;
    size_t count = 0;
    eventc_status st = EVENTC_OK;
    if (++r->depth > r->lim->max_depth)
        return json_fail(r, EVENTC_E_LIMIT, "nesting deeper than %u", r->lim->max_depth);
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        r->depth--;
        return EVENTC_OK;
    }
    json_names_init(&names, r->alloc);
    for (;;) {
        if (++count > r->lim->max_items) {
            st = json_fail(r, EVENTC_E_LIMIT, "more than %zu members or items", r->lim->max_items);
            break;
        }
        if (close == '}') {
            json_string name;
            skip_ws(r);
            if (r->p >= r->end || *r->p != '"') {
                st = json_syntax(r, "a member name");
                break;
            }
            const char *name_at = r->p;
            if ((st = json_scan_string(r, r->lim->max_string, &name)) != EVENTC_OK)
                break;
            if (r->path)
                json_path_push_key(r->path, name.raw, name.raw_len);
            st = json_names_check(r, &names, &name, name_at);
            if (st == EVENTC_OK) {
                skip_ws(r);
                if (r->p >= r->end || *r->p != ':') {
                    if (r->path)
                        json_path_pop(r->path);
                    st = json_syntax(r, "':'");
                    break;
                }
                r->p++;
            }
        } else if (r->path) {
            json_path_push_index(r->path, count - 1);
        }
        if (st == EVENTC_OK) {
            skip_ws(r);
            st = skip_any(r);
        }
        if (st != EVENTC_OK)
            break; /* the path is left pointing at the problem */
        if (r->path)
            json_path_pop(r->path);
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            r->depth--;
            break;
        }
        st = json_syntax(r, close == '}' ? "',' or '}'" : "',' or ']'");
        break;
    }
    json_names_free(&names);
    return st;
}

eventc_status json_skip_value(json_reader *r)
{
    skip_ws(r);
    if (r->p >= r->end || (*r->p != '{' && *r->p != '['))
        return skip_any(r);
    /* A container is walked first without a path and without messages (a failure there costs
     * nothing but its code); only when it fails is it walked again, from where it began, to
     * report the problem where it is. */
    const char *at = r->p;
    unsigned depth = r->depth;
    eventc_error *err = r->err;
    json_path *path = r->path;
    r->err = NULL;
    r->path = NULL;
    eventc_status st = skip_container(r, *at == '{' ? '}' : ']');
    r->err = err;
    r->path = path;
    if (st == EVENTC_OK || (!err && !path))
        return st;
    r->p = at;
    r->depth = depth;
    return skip_container(r, *at == '{' ? '}' : ']');
}

eventc_status json_check(const char *s, size_t n, const eventc_limits *lim,
                         const eventc_allocator *alloc, eventc_error *err)
{
    json_reader r;
    eventc_status st;
    if (n > lim->max_input)
        return eventc_error_set(err, EVENTC_E_LIMIT, NULL,
                                "input of %zu bytes is larger than the limit of %zu", n,
                                lim->max_input);
    json_reader_init(&r, s, n, lim, alloc, err);
    st = json_skip_value(&r);
    if (st == EVENTC_OK) {
        json_skip_ws(&r);
        if (r.p != r.end)
            st = json_syntax(&r, "the end of the input");
    }
    json_reader_free(&r);
    return st;
}

size_t json_minify(const char *s, size_t n, char *out)
{
    size_t o = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (out)
                out[o] = c;
            o++;
            if (c == '\\') {
                i++;
                if (out)
                    out[o] = s[i];
                o++;
            } else if (c == '"') {
                in_str = false;
            }
        } else if (c == '"') {
            in_str = true;
            if (out)
                out[o] = c;
            o++;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            if (out)
                out[o] = c;
            o++;
        }
    }
    return o;
}

/* ---- member names ---- */

/* Decoded copies of escaped names, in blocks that never move. */
typedef struct json_names_block {
    struct json_names_block *next;
    size_t size;
} json_names_block;

void json_names_free(json_names *k)
{
    while (k->blocks) {
        json_names_block *b = k->blocks;
        k->blocks = b->next;
        eventc_free(k->alloc, b, b->size);
    }
    if (k->table)
        eventc_free(k->alloc, k->table, k->cap * sizeof(*k->table));
    k->table = NULL;
}

static uint64_t names_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* 1 when the name was in the table, 0 when it is new (and now recorded). */
static int names_insert(json_names *k, const char *s, size_t n)
{
    size_t mask = k->cap - 1;
    for (size_t i = (size_t)names_hash(s, n) & mask;; i = (i + 1) & mask) {
        if (!k->table[i].s) {
            k->table[i] = (json_names_entry){s, n};
            return 0;
        }
        if (k->table[i].n == n && memcmp(k->table[i].s, s, n) == 0)
            return 1;
    }
}

static int names_grow(json_names *k)
{
    size_t cap = k->cap ? k->cap * 2 : 64, old_cap = k->cap;
    json_names_entry *t = eventc_alloc(k->alloc, cap * sizeof(*t)), *old = k->table;
    if (!t)
        return -1;
    memset(t, 0, cap * sizeof(*t));
    k->table = t;
    k->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].s)
            names_insert(k, old[i].s, old[i].n);
    if (!old_cap)
        for (size_t i = 0; i < k->n; i++)
            names_insert(k, k->small[i].s, k->small[i].n);
    if (old)
        eventc_free(k->alloc, old, old_cap * sizeof(*old));
    return 0;
}

int json_names_add(json_names *k, const json_string *s)
{
    const char *name = s->raw;
    size_t n = s->len;
    if (s->escaped) {
        size_t size = sizeof(json_names_block) + n + 1;
        json_names_block *b = eventc_alloc(k->alloc, size);
        if (!b)
            return -1;
        b->size = size;
        b->next = k->blocks;
        k->blocks = b;
        json_unescape(s->raw, s->raw_len, (char *)(b + 1));
        name = (const char *)(b + 1);
    }
    if (!k->table) {
        for (size_t i = 0; i < k->n; i++)
            if (k->small[i].n == n && memcmp(k->small[i].s, name, n) == 0)
                return 1;
        if (k->n < 16) {
            k->small[k->n++] = (json_names_entry){name, n};
            return 0;
        }
        if (names_grow(k))
            return -1;
    }
    if ((k->n + 1) * 4 >= k->cap * 3 && names_grow(k))
        return -1;
    int seen = names_insert(k, name, n);
    if (!seen)
        k->n++;
    return seen;
}

eventc_status json_names_check(json_reader *r, json_names *k, const json_string *s,
                               const char *name_at)
{
    int seen = json_names_add(k, s);
    if (seen == 0)
        return EVENTC_OK;
    if (seen < 0) {
        r->p = name_at;
        return json_fail(r, EVENTC_E_NOMEM, "out of memory");
    }
    /* The name as the message shows it: decoded (the last one recorded when escaped). */
    if (s->escaped)
        return json_fail_duplicate(r, name_at, (const char *)(k->blocks + 1), s->len);
    return json_fail_duplicate(r, name_at, s->raw, s->len);
}
