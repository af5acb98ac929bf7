/* A small strict JSON reader for the CloudEvents sources: RFC 8259, UTF-8, duplicate keys refused
 * at every depth, limits. The JSON event format (ce_json.c) reads events with it, and the event's
 * own checks (ce_event.c) use it on data given as JSON text.
 *
 * The reader is separate from the codec's: the codec's tokenizer is private to it and walks
 * descriptor tables, while an event needs its members dispatched by name, `data` kept as a
 * minified JSON text, and duplicate keys refused inside `data` too. */
#include "ce_json_reader.h"
#include "ce_types.h"
#include "core/text_internal.h"
#include "eventc/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define OFF(j) ((size_t)((j)->p - (j)->start))

void ce_json_init(ce_json *j, const char *s, size_t n, const eventc_limits *lim,
                  const eventc_allocator *alloc, eventc_error *err)
{
    j->start = s;
    j->p = s;
    j->end = s + n;
    j->lim = lim;
    j->err = err;
    j->depth = 0;
    eventc_buf_init(&j->keys, alloc);
    eventc_buf_init(&j->key_starts, alloc);
    eventc_buf_init(&j->scratch, alloc);
}

void ce_json_free(ce_json *j)
{
    eventc_buf_free(&j->keys);
    eventc_buf_free(&j->key_starts);
    eventc_buf_free(&j->scratch);
}

void ce_json_skip_ws(ce_json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

eventc_status ce_json_fail(ce_json *j, eventc_status code, const char *fmt, ...)
{
    char msg[EVENTC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    eventc_error_set(j->err, code, NULL, "%s", msg);
    if (j->err)
        j->err->offset = OFF(j);
    return code;
}

eventc_status ce_json_syntax(ce_json *j, const char *what)
{
    if (j->p >= j->end)
        return ce_json_fail(j, EVENTC_E_SYNTAX, "unexpected end of input, expected %s", what);
    unsigned char c = (unsigned char)*j->p;
    if (c >= 0x20 && c < 0x7f)
        return ce_json_fail(j, EVENTC_E_SYNTAX, "unexpected '%c', expected %s", c, what);
    return ce_json_fail(j, EVENTC_E_SYNTAX, "unexpected byte 0x%02X, expected %s", c, what);
}

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

/* Scans the string at j->p ('"'); decodes it into out when out is not NULL. */
static eventc_status scan_string(ce_json *j, eventc_buf *out, size_t max)
{
    const char *p = j->p + 1, *e = j->end;
    size_t decoded = 0;
    for (;;) {
        const char *run = p;
        while (p < e) {
            unsigned char c = (unsigned char)*p;
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
                break;
            p++;
        }
        if (out && p > run)
            eventc_buf_append(out, run, (size_t)(p - run));
        decoded += (size_t)(p - run);
        if (p >= e) {
            j->p = p;
            return ce_json_fail(j, EVENTC_E_SYNTAX, "unterminated string");
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            p++;
            break;
        }
        if (c < 0x20) {
            j->p = p;
            return ce_json_fail(j, EVENTC_E_SYNTAX,
                                "control character 0x%02X in a string must be escaped", c);
        }
        if (c >= 0x80) {
            int k = eventc_utf8_decode(p, (size_t)(e - p), NULL);
            if (k < 0) {
                j->p = p;
                return ce_json_fail(j, EVENTC_E_UTF8, "invalid UTF-8 in a string");
            }
            if (out)
                eventc_buf_append(out, p, (size_t)k);
            decoded += (size_t)k;
            p += k;
        } else {
            /* An escape. */
            char enc[4];
            size_t n = 1;
            if (e - p < 2) {
                j->p = p;
                return ce_json_fail(j, EVENTC_E_SYNTAX, "unterminated string");
            }
            switch (p[1]) {
            case '"':
            case '\\':
            case '/':
                enc[0] = p[1];
                break;
            case 'b':
                enc[0] = '\b';
                break;
            case 'f':
                enc[0] = '\f';
                break;
            case 'n':
                enc[0] = '\n';
                break;
            case 'r':
                enc[0] = '\r';
                break;
            case 't':
                enc[0] = '\t';
                break;
            case 'u': {
                uint32_t cp, lo;
                if (!hex4(p + 2, e, &cp)) {
                    j->p = p;
                    return ce_json_fail(j, EVENTC_E_SYNTAX, "invalid \\u escape");
                }
                if (cp >= 0xdc00 && cp <= 0xdfff) {
                    j->p = p;
                    return ce_json_fail(j, EVENTC_E_UTF8, "unpaired surrogate \\u%04X",
                                        (unsigned)cp);
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (e - p < 12 || p[6] != '\\' || p[7] != 'u' || !hex4(p + 8, e, &lo) ||
                        lo < 0xdc00 || lo > 0xdfff) {
                        j->p = p;
                        return ce_json_fail(j, EVENTC_E_UTF8, "unpaired surrogate \\u%04X",
                                            (unsigned)cp);
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                }
                n = eventc_utf8_encode(cp, enc);
                p += 4;
                break;
            }
            default:
                j->p = p;
                return ce_json_fail(
                    j, EVENTC_E_SYNTAX, "invalid escape '\\%c'",
                    (unsigned char)p[1] >= 0x20 && (unsigned char)p[1] < 0x7f ? p[1] : '?');
            }
            if (out)
                eventc_buf_append(out, enc, n);
            decoded += n;
            p += 2;
        }
        if (decoded > max) {
            j->p = run;
            return ce_json_fail(j, EVENTC_E_LIMIT, "string longer than %zu bytes", max);
        }
    }
    if (decoded > max)
        return ce_json_fail(j, EVENTC_E_LIMIT, "string longer than %zu bytes", max);
    if (out && out->failed)
        return ce_json_fail(j, EVENTC_E_NOMEM, "out of memory");
    j->p = p;
    return EVENTC_OK;
}

eventc_status ce_json_string(ce_json *j, size_t max)
{
    eventc_status st;
    eventc_buf_reset(&j->scratch);
    if ((st = scan_string(j, &j->scratch, max)) != EVENTC_OK)
        return st;
    if (eventc_buf_reserve(&j->scratch, 1) != EVENTC_OK)
        return ce_json_fail(j, EVENTC_E_NOMEM, "out of memory");
    (void)eventc_buf_cstr(&j->scratch);
    return EVENTC_OK;
}

size_t ce_json_key_count(const ce_json *j)
{
    return j->key_starts.len / sizeof(size_t);
}

void ce_json_key_truncate(ce_json *j, size_t base)
{
    if (base < ce_json_key_count(j)) {
        size_t start;
        memcpy(&start, j->key_starts.data + base * sizeof(size_t), sizeof(size_t));
        j->keys.len = start;
        j->key_starts.len = base * sizeof(size_t);
    }
}

eventc_status ce_json_key_seen(ce_json *j, size_t base)
{
    size_t count = ce_json_key_count(j);
    const char *k = j->scratch.data ? j->scratch.data : "";
    size_t klen = j->scratch.len;
    for (size_t i = base; i < count; i++) {
        size_t s, e;
        memcpy(&s, j->key_starts.data + i * sizeof(size_t), sizeof(size_t));
        if (i + 1 < count)
            memcpy(&e, j->key_starts.data + (i + 1) * sizeof(size_t), sizeof(size_t));
        else
            e = j->keys.len;
        if (e - s == klen && memcmp(j->keys.data + s, k, klen) == 0) {
            char q[128];
            ce_quote(q, sizeof(q), k, klen);
            return ce_json_fail(j, EVENTC_E_DUPLICATE_KEY, "duplicate member %s", q);
        }
    }
    size_t start = j->keys.len;
    if (eventc_buf_append(&j->key_starts, (const char *)&start, sizeof(start)) != EVENTC_OK ||
        eventc_buf_append(&j->keys, k, klen) != EVENTC_OK)
        return ce_json_fail(j, EVENTC_E_NOMEM, "out of memory");
    return EVENTC_OK;
}

eventc_status ce_json_number(ce_json *j)
{
    const char *p = j->p, *e = j->end;
    if (p < e && *p == '-')
        p++;
    if (p >= e || *p < '0' || *p > '9') {
        j->p = p;
        return ce_json_syntax(j, "a digit");
    }
    if (*p == '0') {
        p++;
    } else {
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') {
            j->p = p;
            return ce_json_syntax(j, "a digit after '.'");
        }
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || *p < '0' || *p > '9') {
            j->p = p;
            return ce_json_syntax(j, "a digit in the exponent");
        }
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    j->p = p;
    return EVENTC_OK;
}

static eventc_status literal(ce_json *j, const char *lit, size_t n)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return ce_json_syntax(j, "a value");
    j->p += n;
    return EVENTC_OK;
}

eventc_status ce_json_skip_value(ce_json *j)
{
    eventc_status st;
    ce_json_skip_ws(j);
    if (j->p >= j->end)
        return ce_json_syntax(j, "a value");
    char c = *j->p;
    if (c == '"')
        return scan_string(j, NULL, j->lim->max_string);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        size_t base = ce_json_key_count(j), count = 0;
        if (++j->depth > j->lim->max_depth)
            return ce_json_fail(j, EVENTC_E_LIMIT, "nesting deeper than %u", j->lim->max_depth);
        j->p++;
        ce_json_skip_ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return EVENTC_OK;
        }
        for (;;) {
            if (++count > j->lim->max_items)
                return ce_json_fail(j, EVENTC_E_LIMIT, "more than %zu members or items",
                                    j->lim->max_items);
            if (close == '}') {
                ce_json_skip_ws(j);
                if (j->p >= j->end || *j->p != '"')
                    return ce_json_syntax(j, "a member name");
                const char *name_at = j->p;
                if ((st = ce_json_string(j, j->lim->max_string)) != EVENTC_OK)
                    return st;
                if ((st = ce_json_key_seen(j, base)) != EVENTC_OK) {
                    if (j->err)
                        j->err->offset = (size_t)(name_at - j->start);
                    return st;
                }
                ce_json_skip_ws(j);
                if (j->p >= j->end || *j->p != ':')
                    return ce_json_syntax(j, "':'");
                j->p++;
            }
            if ((st = ce_json_skip_value(j)) != EVENTC_OK)
                return st;
            ce_json_skip_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                j->depth--;
                ce_json_key_truncate(j, base);
                return EVENTC_OK;
            }
            return ce_json_syntax(j, close == '}' ? "',' or '}'" : "',' or ']'");
        }
    }
    if (c == 't')
        return literal(j, "true", 4);
    if (c == 'f')
        return literal(j, "false", 5);
    if (c == 'n')
        return literal(j, "null", 4);
    if (c == '-' || (c >= '0' && c <= '9'))
        return ce_json_number(j);
    return ce_json_syntax(j, "a value");
}

eventc_status ce_json_check(const char *s, size_t n, const eventc_limits *lim,
                            const eventc_allocator *alloc, eventc_error *err)
{
    ce_json j;
    eventc_status st;
    if (n > lim->max_input) {
        return eventc_error_set(err, EVENTC_E_LIMIT, NULL,
                                "input of %zu bytes is larger than the limit of %zu", n,
                                lim->max_input);
    }
    ce_json_init(&j, s, n, lim, alloc, err);
    st = ce_json_skip_value(&j);
    if (st == EVENTC_OK) {
        ce_json_skip_ws(&j);
        if (j.p != j.end)
            st = ce_json_syntax(&j, "the end of the input");
    }
    ce_json_free(&j);
    return st;
}

size_t ce_json_minify(const char *s, size_t n, char *out)
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
