/* The runtime's JSON writer: strings escaped and numbers formatted into an eventc_buf (the
 * eventc_buf_append_json_string, _int64, _uint64 and _double functions of eventc/buf.h), for the
 * codec's encoder and the CloudEvents writers alike. */
#include "eventc/buf.h"
#include "eventc/utf8.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
    char tmp[24];
    char *end = tmp + sizeof tmp;
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit in int64_t. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *p = format_u64(mag, end);
    if (v < 0) {
        *--p = '-';
    }
    return eventc_buf_append(buf, p, (size_t)(end - p));
}

/* A decimal candidate for a double: the value mant * 10^exp10. */
typedef struct decimal {
    uint64_t mant;
    int exp10;
} decimal;

static unsigned digit_count(uint64_t v)
{
    unsigned k = 1;
    while (v >= 10) {
        v /= 10;
        k++;
    }
    return k;
}

/* The double nearest to d, by strtod (correctly rounded). The text is built as
 * "<integer>e<exp>", which has no decimal point and so does not depend on the locale. */
static double read_decimal(decimal d)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%llue%d", (unsigned long long)d.mant, d.exp10);
    return strtod(tmp, NULL);
}

/* The p-significant-digit decimal nearest to m (m > 0, finite), from printf's correctly
 * rounded %e conversion. The output is parsed without assuming the locale's decimal point. */
static decimal nearest_digits(double m, int p)
{
    char tmp[64];
    decimal d = {0, 0};
    const char *q = tmp;
    int exp10 = 0;
    bool neg_exp = false;

    snprintf(tmp, sizeof tmp, "%.*e", p - 1, m);
    for (; *q != '\0' && *q != 'e' && *q != 'E'; q++) {
        if (*q >= '0' && *q <= '9') {
            d.mant = d.mant * 10 + (uint64_t)(*q - '0');
        }
    }
    if (*q != '\0') {
        q++;
        if (*q == '-' || *q == '+') {
            neg_exp = *q == '-';
            q++;
        }
        for (; *q >= '0' && *q <= '9'; q++) {
            exp10 = exp10 * 10 + (*q - '0');
        }
    }
    d.exp10 = (neg_exp ? -exp10 : exp10) - (p - 1);
    return d;
}

/* Finds the shortest decimal that reads back as m (m > 0, finite) and, among those of that
 * length, the one closest to m, which is what ECMAScript Number::toString specifies.
 *
 * For each length p, the correctly rounded p-digit decimal D is the closest p-digit decimal to
 * m. If some p-digit decimal reads back as m, then the closest one on its side of m does too
 * (the set of decimals reading back as m is an interval around m), and the closest ones on the
 * two sides are D and D's neighbour across m. So trying D, then that neighbour, decides
 * length p exactly. The neighbour matters where the interval is lopsided (m a power of two).
 *
 * For normal doubles the interval is narrower than the spacing of 15-digit decimals, so at most
 * one 15-digit decimal qualifies; if it exists, stripping its trailing zeros gives the shortest
 * answer. Shorter lengths only need to be searched for subnormals. 17 digits always suffice. */
static decimal shortest_digits(double m)
{
    /* Powers of ten that are exact doubles. */
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int p = m < DBL_MIN ? 1 : 15;
    int k;

    /* Fast path for values with few decimals (12.5, 0.25, 1234.56). Guess N = m * 10^k rounded.
     * N and 10^k are exact doubles and IEEE division rounds correctly, so N / 10^k == m proves
     * that the decimal N * 10^-k reads back as m. It has at most 15 digits, and for normal
     * doubles at most one decimal of 15 digits or fewer reads back as m (see below), so it is
     * the answer. The guess may miss (m * 10^k is rounded); the general search then decides. */
    for (k = 1; k < (int)(sizeof pow10 / sizeof pow10[0]); k++) {
        double x = m * pow10[k];
        uint64_t mant;
        if (x >= 1e15) {
            break;
        }
        mant = (uint64_t)(x + 0.5);
        if ((double)mant / pow10[k] == m) {
            decimal d;
            d.mant = mant;
            d.exp10 = -k;
            while (d.mant % 10 == 0) {
                d.mant /= 10;
                d.exp10++;
            }
            return d;
        }
    }

    for (;; p++) {
        decimal d = nearest_digits(m, p);
        double back = read_decimal(d);
        if (p < 17 && back != m) {
            decimal nb = d;
            if (back < m) {
                nb.mant++;
            } else if (digit_count(nb.mant - 1) < (unsigned)p) {
                /* 10..0 - 1 loses a digit; the p-digit neighbour below is 99..9 one decade
                 * finer. */
                nb.mant = nb.mant * 10 - 1;
                nb.exp10--;
            } else {
                nb.mant--;
            }
            if (read_decimal(nb) != m) {
                continue;
            }
            d = nb;
        }
        while (d.mant % 10 == 0) {
            d.mant /= 10;
            d.exp10++;
        }
        return d;
    }
}

eventc_status eventc_buf_append_double(eventc_buf *buf, double v)
{
    char out[40];
    char digits[24];
    size_t len = 0;
    decimal d;
    unsigned k;
    int n;
    double m;

    if (buf->failed) {
        return EVENTC_E_NOMEM;
    }
    if (isnan(v) || isinf(v)) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    if (v == 0) {
        return eventc_buf_putc(buf, '0');
    }
    m = fabs(v);
    /* Integers below 2^53 are exact and nothing shorter reads back as them: print directly. */
    if (m < 9007199254740992.0 && m == (double)(int64_t)m) {
        return eventc_buf_append_int64(buf, (int64_t)v);
    }

    d = shortest_digits(m);
    {
        char *end = digits + sizeof digits;
        char *first = format_u64(d.mant, end);
        k = (unsigned)(end - first);
        memmove(digits, first, k);
    }
    /* n: position of the decimal point relative to the first digit (value = 0.DIGITS * 10^n). */
    n = (int)k + d.exp10;
    if (v < 0) {
        out[len++] = '-';
    }
    if ((int)k <= n && n <= 21) {
        memcpy(out + len, digits, k);
        len += k;
        memset(out + len, '0', (size_t)n - k);
        len += (size_t)n - k;
    } else if (0 < n && n <= 21) {
        memcpy(out + len, digits, (size_t)n);
        len += (size_t)n;
        out[len++] = '.';
        memcpy(out + len, digits + n, k - (size_t)n);
        len += k - (size_t)n;
    } else if (-6 < n && n <= 0) {
        out[len++] = '0';
        out[len++] = '.';
        memset(out + len, '0', (size_t)-n);
        len += (size_t)-n;
        memcpy(out + len, digits, k);
        len += k;
    } else {
        int e = n - 1;
        out[len++] = digits[0];
        if (k > 1) {
            out[len++] = '.';
            memcpy(out + len, digits + 1, k - 1);
            len += k - 1;
        }
        out[len++] = 'e';
        out[len++] = e < 0 ? '-' : '+';
        len += (size_t)snprintf(out + len, sizeof out - len, "%d", e < 0 ? -e : e);
    }
    return eventc_buf_append(buf, out, len);
}
