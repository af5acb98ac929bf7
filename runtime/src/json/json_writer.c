/* The runtime's JSON writer: strings escaped and numbers formatted into an eventc_buf (the
 * eventc_buf_append_json_string, _int64, _uint64 and _double functions of eventc/buf.h), for the
 * codec's encoder and the CloudEvents writers alike. Doubles are spelled by num_format_double
 * (core/number.c), whatever the process locale. */
#include "core/number_internal.h"
#include "eventc/buf.h"
#include "eventc/utf8.h"

#include <math.h>
#include <string.h>

/* For each ASCII byte: 0 = copied as is, otherwise the character after the backslash ('u' for
 * the \u00XX form). */
static const char json_escape[128] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f',  'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',  'u', 'u', 'u',
    0,   0,   '"', 0,   0,   0,   0,   0,   0,   0,   0,   0,   0,    0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,    0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,    0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   '\\', 0,   0,   0,
};

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* True when any of the 8 bytes in x is a control character, '"', '\\' or non-ASCII.
 * (x - ONES * k) & ~x & HIGHS is non-zero exactly when some byte of x is below k (k <= 128). */
static bool has_special(uint64_t x)
{
    uint64_t ctl = (x - ONES * 0x20) & ~x;
    uint64_t quote = ((x ^ (ONES * '"')) - ONES) & ~(x ^ (ONES * '"'));
    uint64_t bslash = ((x ^ (ONES * '\\')) - ONES) & ~(x ^ (ONES * '\\'));
    return ((ctl | quote | bslash) & HIGHS) != 0 || (x & HIGHS) != 0;
}

eventc_status eventc_buf_append_json_string(eventc_buf *buf, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t start_len = buf->len;
    size_t run = 0; /* start of the pending run of bytes copied as is */
    size_t i = 0;
    eventc_status st;

    if (buf->failed) {
        return EVENTC_E_NOMEM;
    }
    /* The common case (nothing to escape) then needs this one allocation at most. */
    if (n > SIZE_MAX - 2) {
        buf->failed = 1;
        return EVENTC_E_NOMEM;
    }
    st = eventc_buf_reserve(buf, n + 2);
    if (st != EVENTC_OK) {
        return st;
    }
    buf->data[buf->len++] = '"';
    while (i < n) {
        char esc[6];
        size_t esc_len;
        size_t skip; /* input bytes the escape replaces */
        unsigned char c;

        while (n - i >= 8) {
            uint64_t x;
            memcpy(&x, p + i, sizeof x);
            if (has_special(x)) {
                break;
            }
            i += 8;
        }
        if (i == n) {
            break;
        }
        c = p[i];
        if (c < 0x80) {
            char e = json_escape[c];
            if (e == 0) {
                i++;
                continue;
            }
            esc[0] = '\\';
            esc[1] = e;
            esc_len = 2;
            if (e == 'u') {
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 0xF];
                esc_len = 6;
            }
            skip = 1;
        } else {
            uint32_t cp;
            int len = eventc_utf8_decode(s + i, n - i, &cp);
            if (len < 0) {
                buf->len = start_len;
                return EVENTC_E_UTF8;
            }
            if (cp != 0x2028 && cp != 0x2029) {
                i += (size_t)len;
                continue;
            }
            memcpy(esc, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
            esc_len = 6;
            skip = (size_t)len;
        }
        if (eventc_buf_append(buf, s + run, i - run) != EVENTC_OK ||
            eventc_buf_append(buf, esc, esc_len) != EVENTC_OK) {
            buf->len = start_len;
            return EVENTC_E_NOMEM;
        }
        i += skip;
        run = i;
    }
    if (eventc_buf_append(buf, s + run, i - run) != EVENTC_OK ||
        eventc_buf_putc(buf, '"') != EVENTC_OK) {
        buf->len = start_len;
        return EVENTC_E_NOMEM;
    }
    return EVENTC_OK;
}

/* Writes the decimal digits of v backwards ending at end; returns the first digit. */
static char *format_u64(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

eventc_status eventc_buf_append_uint64(eventc_buf *buf, uint64_t v)
{
    char tmp[24];
    char *end = tmp + sizeof tmp;
    char *p = format_u64(v, end);
    return eventc_buf_append(buf, p, (size_t)(end - p));
}

eventc_status eventc_buf_append_int64(eventc_buf *buf, int64_t v)
{
    /* Straight into the buffer: the digits counted first, then written backwards in place. */
    if (buf->failed || (buf->cap - buf->len <= 21 && eventc_buf_reserve(buf, 21) != EVENTC_OK)) {
        return EVENTC_E_NOMEM;
    }
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit in int64_t. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t n = v < 0 ? 2 : 1;
    for (uint64_t t = mag; t >= 10; t /= 10) {
        n++;
    }
    char *w = buf->data + buf->len;
    format_u64(mag, w + n);
    if (v < 0) {
        w[0] = '-';
    }
    buf->len += n;
    return EVENTC_OK;
}

eventc_status eventc_buf_append_double(eventc_buf *buf, double v)
{
    char out[NUM_DOUBLE_MAX];
    if (buf->failed) {
        return EVENTC_E_NOMEM;
    }
    if (isnan(v) || isinf(v)) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    size_t len = num_format_double(v, out);
    return eventc_buf_append(buf, out, len);
}
