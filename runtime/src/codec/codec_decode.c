/* The decoder: one pass over the JSON text, driven by the descriptor tables. It tokenizes
 * strictly (RFC 8259, UTF-8), writes values straight into the C struct, copies strings into the
 * value's arena, and applies the same rule checks as eventc_validate as each value is read. On
 * error everything allocated so far is released at once with the arena. */
#include "codec_internal.h"
#include "core/text_internal.h"
#include "eventc/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct dec {
    const char *start;
    const char *p;
    const char *end;
    eventc_arena *arena;
    const eventc_decode_options *o;
    eventc_error *err;
    unsigned depth;
    codec_path path;
} dec;

#define OFF(d) ((size_t)((d)->p - (d)->start))

static eventc_status fail(dec *d, eventc_status code, const char *fmt, ...) EVENTC_PRINTF(3, 4);
static eventc_status fail(dec *d, eventc_status code, const char *fmt, ...)
{
    char msg[EVENTC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return codec_fail(&d->path, d->err, OFF(d), code, "%s", msg);
}

static inline void skip_ws(dec *d)
{
    const char *p = d->p, *e = d->end;
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    d->p = p;
}

static const char *kind_at(const dec *d)
{
    if (d->p >= d->end)
        return "end of input";
    switch (*d->p) {
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
        return (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) ? "a number" : "an invalid token";
    }
}

static eventc_status syntax(dec *d, const char *what)
{
    if (d->p >= d->end)
        return fail(d, EVENTC_E_SYNTAX, "unexpected end of input, expected %s", what);
    unsigned char c = (unsigned char)*d->p;
    if (c >= 0x20 && c < 0x7f)
        return fail(d, EVENTC_E_SYNTAX, "unexpected '%c', expected %s", c, what);
    return fail(d, EVENTC_E_SYNTAX, "unexpected byte 0x%02X, expected %s", c, what);
}

/* A value of the wrong type; what cannot begin any JSON value at all is a syntax error. */
static eventc_status mismatch(dec *d, const char *expected)
{
    if (d->p >= d->end || strcmp(kind_at(d), "an invalid token") == 0)
        return syntax(d, "a value");
    return fail(d, EVENTC_E_TYPE, "expected %s, got %s", expected, kind_at(d));
}

static int read_hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = text_hex_digit(p[i]);
        if (h < 0)
            return 0;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return 1;
}

/* Whether any of 8 bytes needs a closer look in a string: a control character, '"', '\\' or
 * a non-ASCII byte. False positives only cost speed; there are no false negatives. */
static inline int has_special8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
    uint64_t ctrl = (x - ones * 0x20) & ~x;
    return ((x | ctrl | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash)) & high) != 0;
}

/* Scans the string at d->p (which is '"'). On success: *raw (length *raw_len) is the text between
 * the quotes, *out_len its decoded length in bytes, *chars its length in code points, *escaped
 * whether it holds escapes. d->p is left after the closing quote. */
static eventc_status scan_string(dec *d, const char **raw, size_t *raw_len, size_t *out_len,
                                 size_t *chars, int *escaped)
{
    const char *p = d->p + 1, *e = d->end;
    size_t n_chars = 0, decoded = 0;
    int esc = 0;
    for (;;) {
        /* Plain ASCII runs are the common case: count them in one tight loop. */
        const char *run = p;
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (has_special8(w))
                break;
            p += 8;
        }
        while (p < e) {
            unsigned char c = (unsigned char)*p;
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
                break;
            p++;
        }
        n_chars += (size_t)(p - run);
        decoded += (size_t)(p - run);
        if (p >= e) {
            d->p = p;
            return fail(d, EVENTC_E_SYNTAX, "unterminated string");
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\\') {
            esc = 1;
            if (p + 1 >= e) {
                d->p = p;
                return fail(d, EVENTC_E_SYNTAX, "unterminated string");
            }
            char x = p[1];
            if (x == 'u') {
                uint32_t cp;
                if (e - p < 6 || !read_hex4(p + 2, &cp)) {
                    d->p = p;
                    return fail(d, EVENTC_E_SYNTAX, "invalid \\u escape");
                }
                p += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4(p + 2, &lo) ||
                        lo < 0xDC00 || lo > 0xDFFF) {
                        d->p = p - 6;
                        return fail(d, EVENTC_E_UTF8, "unpaired UTF-16 surrogate in \\u escape");
                    }
                    p += 6;
                    decoded += 4;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    d->p = p - 6;
                    return fail(d, EVENTC_E_UTF8, "unpaired UTF-16 surrogate in \\u escape");
                } else if (cp == 0) {
                    d->p = p - 6;
                    return fail(d, EVENTC_E_UNSUPPORTED,
                                "U+0000 in a string cannot be held in a C string");
                } else {
                    decoded += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
                }
            } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' ||
                       x == 'r' || x == 't') {
                p += 2;
                decoded++;
            } else {
                d->p = p;
                return fail(d, EVENTC_E_SYNTAX, "invalid escape in string");
            }
            n_chars++;
            continue;
        }
        if (c < 0x20) {
            d->p = p;
            return fail(d, EVENTC_E_SYNTAX, "unescaped control character in string");
        }
        uint32_t cp;
        int k = eventc_utf8_decode(p, (size_t)(e - p), &cp);
        if (k <= 0) {
            d->p = p;
            return fail(d, EVENTC_E_UTF8, "invalid UTF-8 in string");
        }
        p += k;
        decoded += (size_t)k;
        n_chars++;
    }
    *raw = d->p + 1;
    *raw_len = (size_t)(p - (d->p + 1));
    *out_len = decoded;
    *chars = n_chars;
    *escaped = esc;
    d->p = p + 1;
    return EVENTC_OK;
}

/* Writes the decoded form of an escaped raw string into out (which has room for it). */
static void unescape(const char *s, size_t n, char *out)
{
    const char *e = s + n;
    while (s < e) {
        if (*s != '\\') {
            *out++ = *s++;
            continue;
        }
        char x = s[1];
        s += 2;
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
            uint32_t cp, lo;
            read_hex4(s, &cp);
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                read_hex4(s + 2, &lo);
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

/* Reads a string value into the arena. */
static eventc_status read_string(dec *d, const char **out, size_t *len, size_t *chars)
{
    const char *raw;
    size_t raw_len, n;
    int esc;
    eventc_status st = scan_string(d, &raw, &raw_len, &n, chars, &esc);
    if (st)
        return st;
    if (n > d->o->limits.max_string) {
        d->p = raw - 1;
        return fail(d, EVENTC_E_LIMIT, "string of %zu bytes is longer than the limit of %zu", n,
                    d->o->limits.max_string);
    }
    char *s;
    if (esc) {
        s = eventc_arena_alloc(d->arena, n + 1);
        if (s) {
            unescape(raw, raw_len, s);
            s[n] = '\0';
        }
    } else {
        s = eventc_arena_strndup(d->arena, raw, n); /* packed: strings need no alignment */
    }
    if (!s)
        return fail(d, EVENTC_E_NOMEM, "out of memory");
    *out = s;
    *len = n;
    return EVENTC_OK;
}

/* Number grammar of RFC 8259; *integral is set when there is no fraction and no exponent. */
static eventc_status scan_number(dec *d, const char **tok, size_t *tok_len, int *integral)
{
    const char *p = d->p, *e = d->end, *s = p;
    int integ = 1;
    if (p < e && *p == '-')
        p++;
    if (p >= e || !(*p >= '0' && *p <= '9')) {
        d->p = p;
        return syntax(d, "a digit");
    }
    if (*p == '0') {
        p++;
    } else {
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && *p == '.') {
        integ = 0;
        p++;
        if (p >= e || !(*p >= '0' && *p <= '9')) {
            d->p = p;
            return syntax(d, "a digit after '.'");
        }
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        integ = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || !(*p >= '0' && *p <= '9')) {
            d->p = p;
            return syntax(d, "a digit in the exponent");
        }
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' ||
                  *p == '-')) {
        d->p = p;
        return syntax(d, "the end of the number");
    }
    *tok = s;
    *tok_len = (size_t)(p - s);
    *integral = integ;
    d->p = p;
    return EVENTC_OK;
}

/* strtod needs a terminated string: numbers are copied to a bounded buffer first. */
static int to_double(const char *tok, size_t n, double *out)
{
    char buf[512];
    if (n >= sizeof(buf))
        return 0;
    memcpy(buf, tok, n);
    buf[n] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static eventc_status expect_literal(dec *d, const char *lit, size_t n)
{
    if ((size_t)(d->end - d->p) < n || memcmp(d->p, lit, n) != 0)
        return syntax(d, "a value");
    d->p += n;
    return EVENTC_OK;
}

/* The member names seen in one object, to refuse duplicates, compared in decoded form (so "a"
 * and "\u0061" are the same name). The first 16 are kept inline and compared in turn; past that a
 * hash table on the heap keeps the check linear. */
typedef struct keyset_entry {
    const char *s;
    size_t n;
} keyset_entry;

typedef struct keyset {
    keyset_entry small[16];
    size_t n;
    keyset_entry *table; /* open addressing, cap a power of two */
    size_t cap;
    char **owned; /* decoded copies of escaped names */
    size_t n_owned;
} keyset;

static uint64_t keyset_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static void keyset_free(keyset *k)
{
    for (size_t i = 0; i < k->n_owned; i++)
        free(k->owned[i]);
    free(k->owned);
    free(k->table);
}

/* 1 when the name was seen before, 0 when it is new (and now recorded), -1 out of memory. */
static int keyset_insert(keyset *k, const char *s, size_t n);

static int keyset_grow(keyset *k)
{
    size_t cap = k->cap ? k->cap * 2 : 64;
    keyset_entry *t = calloc(cap, sizeof(*t)), *old = k->table;
    if (!t)
        return -1;
    size_t old_cap = k->cap;
    k->table = t;
    k->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].s)
            keyset_insert(k, old[i].s, old[i].n);
    if (!old_cap)
        for (size_t i = 0; i < k->n; i++)
            keyset_insert(k, k->small[i].s, k->small[i].n);
    free(old);
    return 0;
}

static int keyset_insert(keyset *k, const char *s, size_t n)
{
    size_t mask = k->cap - 1;
    for (size_t i = (size_t)keyset_hash(s, n) & mask;; i = (i + 1) & mask) {
        if (!k->table[i].s) {
            k->table[i] = (keyset_entry){s, n};
            return 0;
        }
        if (k->table[i].n == n && memcmp(k->table[i].s, s, n) == 0)
            return 1;
    }
}

static int keyset_add(keyset *k, const char *raw, size_t raw_len, int escaped, size_t len)
{
    const char *s = raw;
    if (escaped) {
        char *copy = malloc(len + 1);
        char **owned = realloc(k->owned, (k->n_owned + 1) * sizeof(*owned));
        if (!copy || !owned) {
            free(copy);
            if (owned)
                k->owned = owned;
            return -1;
        }
        unescape(raw, raw_len, copy);
        k->owned = owned;
        k->owned[k->n_owned++] = copy;
        s = copy;
    }
    if (!k->table) {
        for (size_t i = 0; i < k->n; i++)
            if (k->small[i].n == len && memcmp(k->small[i].s, s, len) == 0)
                return 1;
        if (k->n < 16) {
            k->small[k->n++] = (keyset_entry){s, len};
            return 0;
        }
        if (keyset_grow(k))
            return -1;
    }
    if ((k->n + 1) * 4 >= k->cap * 3 && keyset_grow(k))
        return -1;
    int r = keyset_insert(k, s, len);
    if (r == 0)
        k->n++;
    return r;
}

/* Validates and skips any value (unknown members, `json` fields). */
static eventc_status skip_value(dec *d)
{
    skip_ws(d);
    if (d->p >= d->end)
        return syntax(d, "a value");
    char c = *d->p;
    if (c == '"') {
        const char *raw = NULL;
        size_t rl = 0, n = 0, ch = 0;
        int esc;
        return scan_string(d, &raw, &rl, &n, &ch, &esc);
    }
    if (c == '{' || c == '[') {
        if (++d->depth > d->o->limits.max_depth)
            return fail(d, EVENTC_E_LIMIT, "nesting deeper than %u", d->o->limits.max_depth);
        char close = c == '{' ? '}' : ']';
        d->p++;
        skip_ws(d);
        if (d->p < d->end && *d->p == close) {
            d->p++;
            d->depth--;
            return EVENTC_OK;
        }
        size_t count = 0;
        keyset names;
        names.n = 0;
        names.table = NULL;
        names.cap = 0;
        names.owned = NULL;
        names.n_owned = 0;
        eventc_status st = EVENTC_OK;
        for (;;) {
            if (++count > d->o->limits.max_items) {
                st = fail(d, EVENTC_E_LIMIT, "more than %zu members or items",
                          d->o->limits.max_items);
                break;
            }
            if (close == '}') {
                skip_ws(d);
                if (d->p >= d->end || *d->p != '"') {
                    st = syntax(d, "a member name");
                    break;
                }
                const char *key_at = d->p;
                const char *raw = NULL;
                size_t rl = 0, n = 0, ch = 0;
                int esc = 0;
                if ((st = scan_string(d, &raw, &rl, &n, &ch, &esc)))
                    break;
                int seen = keyset_add(&names, raw, rl, esc, n);
                if (seen) {
                    d->p = key_at;
                    path_push_key(&d->path, raw, rl);
                    st = seen < 0 ? fail(d, EVENTC_E_NOMEM, "out of memory")
                                  : fail(d, EVENTC_E_DUPLICATE_KEY, "duplicate member");
                    path_pop(&d->path);
                    break;
                }
                skip_ws(d);
                if (d->p >= d->end || *d->p != ':') {
                    st = syntax(d, "':'");
                    break;
                }
                d->p++;
                path_push_key(&d->path, raw, rl);
            } else {
                path_push_index(&d->path, count - 1);
            }
            st = skip_value(d);
            if (st)
                break;
            path_pop(&d->path);
            skip_ws(d);
            if (d->p < d->end && *d->p == ',') {
                d->p++;
                continue;
            }
            if (d->p < d->end && *d->p == close) {
                d->p++;
                d->depth--;
                break;
            }
            st = syntax(d, close == '}' ? "',' or '}'" : "',' or ']'");
            break;
        }
        keyset_free(&names);
        return st;
    }
    if (c == 't')
        return expect_literal(d, "true", 4);
    if (c == 'f')
        return expect_literal(d, "false", 5);
    if (c == 'n')
        return expect_literal(d, "null", 4);
    const char *tok;
    size_t tl;
    int integ;
    return scan_number(d, &tok, &tl, &integ);
}

/* Copies the JSON text from s to e without insignificant white space. */
static char *minify(dec *d, const char *s, const char *e)
{
    char *out = eventc_arena_alloc(d->arena, (size_t)(e - s) + 1), *o = out;
    if (!out)
        return NULL;
    int in_str = 0;
    for (const char *p = s; p < e; p++) {
        char c = *p;
        if (in_str) {
            *o++ = c;
            if (c == '\\')
                *o++ = *++p;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
            *o++ = c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            *o++ = c;
        }
    }
    *o = '\0';
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
    if (d->p >= d->end || *d->p != '[')
        return mismatch(d, "an array");
    if (++d->depth > d->o->limits.max_depth)
        return fail(d, EVENTC_E_LIMIT, "nesting deeper than %u", d->o->limits.max_depth);
    d->p++;
    const eventc_value_desc *iv = v->items;
    size_t isz = v->item_size, n = 0, cap = 0;
    unsigned char *buf = NULL;
    skip_ws(d);
    if (d->p < d->end && *d->p == ']') {
        d->p++;
    } else {
        path_push_index(&d->path, 0);
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
                buf = nb;
                cap = ncap;
            }
            path_set_index(&d->path, n);
            memset(buf + n * isz, 0, isz);
            skip_ws(d);
            eventc_status st = decode_value(d, iv, buf + n * isz);
            if (st)
                return st;
            n++;
            skip_ws(d);
            if (d->p < d->end && *d->p == ',') {
                d->p++;
                continue;
            }
            if (d->p < d->end && *d->p == ']') {
                d->p++;
                break;
            }
            return syntax(d, "',' or ']'");
        }
        path_pop(&d->path);
    }
    d->depth--;
    if (!buf) {
        /* An empty array is present, so it gets a non-NULL pointer. */
        buf = eventc_arena_alloc(d->arena, 1);
        if (!buf)
            return fail(d, EVENTC_E_NOMEM, "out of memory");
    }
    eventc_status st = codec_check_items(v, buf, n, &d->path, d->err, start);
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
        if (d->p >= d->end || *d->p != '"')
            return mismatch(d, "a string");
        if (v->type != EVENTC_FT_STRING) {
            /* Enum spellings and timestamps are short: read them without copying. */
            const char *raw = NULL;
            size_t rl = 0, n = 0, ch = 0;
            int esc;
            eventc_status st = scan_string(d, &raw, &rl, &n, &ch, &esc);
            if (st)
                return st;
            char tmp[64], tmp2[160];
            if (esc) {
                if (n >= sizeof(tmp))
                    goto bad_enum_or_time;
                unescape(raw, rl, tmp);
                raw = tmp;
                rl = n;
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
            d->p = d->start + start;
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
        const char *s = NULL;
        size_t len = 0, chars = 0;
        eventc_status st = read_string(d, &s, &len, &chars);
        if (st)
            return st;
        *(const char **)dst = s;
        return codec_check_string(v, s, len, chars, &d->path, d->err, start);
    }
    case EVENTC_FT_INT64:
    case EVENTC_FT_DOUBLE: {
        if (d->p >= d->end || !(*d->p == '-' || (*d->p >= '0' && *d->p <= '9')))
            return mismatch(d, v->type == EVENTC_FT_INT64 ? "an integer" : "a number");
        const char *tok = NULL;
        size_t tl = 0;
        int integ = 0;
        eventc_status st = scan_number(d, &tok, &tl, &integ);
        if (st)
            return st;
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
                        d->p = d->start + start;
                        return fail(d, EVENTC_E_RANGE, "%.*s is out of the int64 range",
                                    (int)(tl > 40 ? 40 : tl), tok);
                    }
                    acc = acc * 10 - dg;
                }
                if (!neg && acc == INT64_MIN) {
                    d->p = d->start + start;
                    return fail(d, EVENTC_E_RANGE, "%.*s is out of the int64 range", (int)tl, tok);
                }
                x = neg ? acc : -acc;
            } else {
                /* 1.0 and 1e2 are integers, as in JSON Schema. */
                double dv;
                if (!to_double(tok, tl, &dv) || dv != floor(dv)) {
                    d->p = d->start + start;
                    return fail(d, EVENTC_E_TYPE, "expected an integer, got %.*s",
                                (int)(tl > 40 ? 40 : tl), tok);
                }
                if (!(dv >= -9223372036854775808.0 && dv < 9223372036854775808.0)) {
                    d->p = d->start + start;
                    return fail(d, EVENTC_E_RANGE, "%.*s is out of the int64 range",
                                (int)(tl > 40 ? 40 : tl), tok);
                }
                x = (int64_t)dv;
            }
            *(int64_t *)dst = x;
            return codec_check_int(v, x, &d->path, d->err, start);
        }
        double dv;
        if (!to_double(tok, tl, &dv)) {
            d->p = d->start + start;
            return fail(d, EVENTC_E_RANGE, "number %.*s cannot be represented as a double",
                        (int)(tl > 40 ? 40 : tl), tok);
        }
        *(double *)dst = dv;
        return codec_check_double(v, dv, &d->path, d->err, start);
    }
    case EVENTC_FT_BOOL:
        if (d->p < d->end && *d->p == 't') {
            *(bool *)dst = true;
            return expect_literal(d, "true", 4);
        }
        if (d->p < d->end && *d->p == 'f') {
            *(bool *)dst = false;
            return expect_literal(d, "false", 5);
        }
        return mismatch(d, "a boolean");
    case EVENTC_FT_OBJECT:
        return decode_object(d, v->object, dst);
    case EVENTC_FT_JSON: {
        const char *s = d->p;
        eventc_status st = skip_value(d);
        if (st)
            return st;
        char *text = minify(d, s, d->p);
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
        if (f->name_len == n && memcmp(f->name, k, n) == 0) {
            *hint = j + 1 < nf ? j + 1 : 0;
            return f;
        }
    }
    return NULL;
}

static eventc_status decode_members(dec *d, const eventc_type_desc *t, unsigned char *base,
                                    keyset *unknown)
{
    if (d->p >= d->end || *d->p != '{')
        return mismatch(d, "an object");
    if (++d->depth > d->o->limits.max_depth)
        return fail(d, EVENTC_E_LIMIT, "nesting deeper than %u", d->o->limits.max_depth);
    size_t obj_start = OFF(d);
    d->p++;
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
    if (d->p < d->end && *d->p == '}') {
        d->p++;
    } else {
        for (;;) {
            if (++members > d->o->limits.max_items)
                return fail(d, EVENTC_E_LIMIT, "more than %zu members", d->o->limits.max_items);
            skip_ws(d);
            if (d->p >= d->end || *d->p != '"')
                return syntax(d, "a member name");
            size_t key_off = OFF(d);
            const char *raw;
            size_t rl, kn, ch;
            int esc;
            eventc_status st = scan_string(d, &raw, &rl, &kn, &ch, &esc);
            if (st)
                return st;
            const char *key = raw;
            if (esc) {
                char *k = eventc_arena_alloc(d->arena, kn + 1);
                if (!k)
                    return fail(d, EVENTC_E_NOMEM, "out of memory");
                unescape(raw, rl, k);
                k[kn] = '\0';
                key = k;
            }
            skip_ws(d);
            if (d->p >= d->end || *d->p != ':')
                return syntax(d, "':'");
            d->p++;
            skip_ws(d);
            const eventc_field_desc *f = find_field(t, key, kn, &hint);
            path_push_key(&d->path, f ? f->name : key, kn);
            if (!f) {
                int again = keyset_add(unknown, key, kn, 0, kn);
                if (again) {
                    d->p = d->start + key_off;
                    return again < 0 ? fail(d, EVENTC_E_NOMEM, "out of memory")
                                     : fail(d, EVENTC_E_DUPLICATE_KEY, "duplicate member");
                }
                if (reject_unknown) {
                    d->p = d->start + key_off;
                    return fail(d, EVENTC_E_UNKNOWN_FIELD, "unknown member");
                }
                if ((st = skip_value(d)))
                    return st;
            } else {
                size_t idx = (size_t)(f - t->fields);
                if (seen[idx]) {
                    d->p = d->start + key_off;
                    return fail(d, EVENTC_E_DUPLICATE_KEY, "duplicate member");
                }
                seen[idx] = 1;
                if (d->p < d->end && *d->p == 'n' && f->value->type != EVENTC_FT_JSON) {
                    if (!(f->flags & EVENTC_FF_NULLABLE))
                        return fail(d, EVENTC_E_NULL_VALUE, "null is not allowed here");
                    if ((st = expect_literal(d, "null", 4)))
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
            path_pop(&d->path);
            skip_ws(d);
            if (d->p < d->end && *d->p == ',') {
                d->p++;
                continue;
            }
            if (d->p < d->end && *d->p == '}') {
                d->p++;
                break;
            }
            return syntax(d, "',' or '}'");
        }
    }
    d->depth--;
    for (size_t i = 0; i < t->n_fields; i++) {
        const eventc_field_desc *f = &t->fields[i];
        if (!seen[i] && !(f->flags & EVENTC_FF_OPTIONAL)) {
            path_push_key(&d->path, f->name, f->name_len);
            eventc_status st = codec_fail(&d->path, d->err, obj_start, EVENTC_E_REQUIRED,
                                          "required member is missing");
            path_pop(&d->path);
            return st;
        }
    }
    return EVENTC_OK;
}

/* An object of type t: its members, with the names of unknown members kept to refuse
 * duplicates among them too. */
static eventc_status decode_object(dec *d, const eventc_type_desc *t, unsigned char *base)
{
    keyset unknown;
    unknown.n = 0;
    unknown.table = NULL;
    unknown.cap = 0;
    unknown.owned = NULL;
    unknown.n_owned = 0;
    eventc_status st = decode_members(d, t, base, &unknown);
    keyset_free(&unknown);
    return st;
}

eventc_decode_options eventc_decode_options_default(void)
{
    eventc_decode_options o;
    o.limits = eventc_limits_default();
    o.strict = 0;
    o.alloc = NULL;
    return o;
}

eventc_status eventc_decode(const eventc_type_desc *desc, void *out, const char *json, size_t len,
                            const eventc_decode_options *opts, eventc_error *err)
{
    static const eventc_decode_options defaults = {EVENTC_LIMITS_DEFAULT, 0, NULL};
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
    dec d = {.start = json,
             .p = json,
             .end = json + len,
             .arena = arena,
             .o = opts,
             .err = err,
             .depth = 0};
    eventc_status st;
    if (len > opts->limits.max_input) {
        st = fail(&d, EVENTC_E_LIMIT, "input of %zu bytes is larger than the limit of %zu", len,
                  opts->limits.max_input);
    } else {
        skip_ws(&d);
        st = decode_object(&d, desc, base);
        if (!st) {
            skip_ws(&d);
            if (d.p != d.end)
                st = syntax(&d, "the end of the input");
        }
    }
    if (st) {
        memset(base, 0, desc->size);
        eventc_arena_free(arena);
        eventc_free(opts->alloc, arena, sizeof(*arena));
        return st;
    }
    *slot = arena;
    return EVENTC_OK;
}

eventc_status eventc_peek_string(const char *json, size_t len, const char *key, const char **value,
                                 size_t *value_len, int *has_escapes, eventc_error *err)
{
    eventc_decode_options o = eventc_decode_options_default();
    dec d = {.start = json, .p = json, .end = json + len, .o = &o, .err = err};
    size_t klen = strlen(key);
    skip_ws(&d);
    if (d.p >= d.end || *d.p != '{')
        return mismatch(&d, "an object");
    d.p++;
    skip_ws(&d);
    if (d.p < d.end && *d.p == '}')
        goto missing;
    for (;;) {
        skip_ws(&d);
        if (d.p >= d.end || *d.p != '"')
            return syntax(&d, "a member name");
        const char *raw = NULL;
        size_t rl = 0, n = 0, ch = 0;
        int esc;
        eventc_status st = scan_string(&d, &raw, &rl, &n, &ch, &esc);
        if (st)
            return st;
        skip_ws(&d);
        if (d.p >= d.end || *d.p != ':')
            return syntax(&d, "':'");
        d.p++;
        skip_ws(&d);
        if (!esc && rl == klen && memcmp(raw, key, klen) == 0) {
            path_push_key(&d.path, key, klen);
            if (d.p >= d.end || *d.p != '"')
                return mismatch(&d, "a string");
            if ((st = scan_string(&d, &raw, &rl, &n, &ch, &esc)))
                return st;
            *value = raw;
            *value_len = rl;
            *has_escapes = esc;
            return EVENTC_OK;
        }
        if ((st = skip_value(&d)))
            return st;
        skip_ws(&d);
        if (d.p < d.end && *d.p == ',') {
            d.p++;
            continue;
        }
        if (d.p < d.end && *d.p == '}')
            break;
        return syntax(&d, "',' or '}'");
    }
missing:
    path_push_key(&d.path, key, klen);
    return codec_fail(&d.path, err, 0, EVENTC_E_REQUIRED, "required member is missing");
}

eventc_status eventc_json_check(const char *json, size_t len)
{
    eventc_decode_options o = eventc_decode_options_default();
    dec d = {.start = json, .p = json, .end = json + len, .o = &o, .err = NULL};
    eventc_status st = skip_value(&d);
    if (st)
        return st;
    skip_ws(&d);
    return d.p == d.end ? EVENTC_OK : EVENTC_E_SYNTAX;
}

eventc_status eventc_decode_any(const eventc_event_entry *types, size_t n_types,
                                const char *name_key, int *kind, void *value, const char *json,
                                size_t len, const eventc_decode_options *opts, eventc_error *err)
{
    static const eventc_decode_options defaults = {EVENTC_LIMITS_DEFAULT, 0, NULL};
    if (!opts)
        opts = &defaults;
    eventc_error_clear(err);
    unsigned char *base = value;
    const eventc_event_entry *old = NULL;
    for (size_t i = 0; i < n_types && *kind; i++)
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
    st = eventc_peek_string(json, len, name_key, &name, &name_len, &escaped, err);
    if (st)
        goto fail;
    const char *key = name;
    size_t key_len = name_len;
    if (escaped) {
        /* The raw text was validated by the peek; its decoded form is never longer, and a name
         * that does not fit the buffer is longer than any event name anyway. */
        const char *raw = NULL;
        size_t rl = 0, n = 0, ch = 0;
        int esc = 0;
        dec d = {.start = name - 1, .p = name - 1, .end = json + len, .o = opts, .err = NULL};
        if (scan_string(&d, &raw, &rl, &n, &ch, &esc) == EVENTC_OK && n < sizeof(unescaped)) {
            unescape(raw, rl, unescaped);
            key = unescaped;
            key_len = n;
        }
    }
    for (size_t i = 0; i < n_types && !e; i++)
        if (strlen(types[i].name) == key_len && memcmp(types[i].name, key, key_len) == 0)
            e = &types[i];
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
         * than freeing it, so decoding keeps reusing its memory. */
        eventc_arena **from = (eventc_arena **)(base + old->union_offset + old->desc->arena_offset);
        eventc_arena *arena = *from;
        memset(base + old->union_offset, 0, old->desc->size);
        *(eventc_arena **)(base + e->union_offset + e->desc->arena_offset) = arena;
    }
    *kind = 0;
    st = eventc_decode(e->desc, base + e->union_offset, json, len, opts, err);
    if (!st)
        *kind = e->kind;
    return st;
fail:
    if (old)
        eventc_clear(old->desc, base + old->union_offset);
    *kind = 0;
    return st;
}
