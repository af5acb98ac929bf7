/* Number text for JSON, independent of the process locale (number_internal.h).
 *
 * Reading: strtod is correctly rounded but reads the locale's decimal point. A JSON number is
 * turned into "<digits>e<exponent>" first, which has no decimal point, so strtod reads it the same
 * in every locale. Writing: the digits come from printf's correctly rounded %e conversion, read
 * back digit by digit whatever separates them, and are laid out here. */
#include "core/number_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ---- */

/* Significant digits kept: a double's correct rounding is decided by at most 767 of them, so
 * digits beyond these only matter as "something non-zero follows", one more digit 1. */
#define NUM_KEEP_DIGITS 780
/* Exponents are clamped here: far beyond any double, so the result is the same. */
#define NUM_EXP_CLAMP 100000L

bool num_parse_double(const char *s, size_t n, double *out)
{
    char text[NUM_KEEP_DIGITS + 32];
    size_t i = 0, t = 0, kept = 0;
    long exp10 = 0;
    bool sticky = false;

    if (i < n && s[i] == '-') {
        text[t++] = '-';
        i++;
    }
    /* The mantissa's digits, integer part then fraction, as one integer M: the value is
     * M * 10^(exponent - fraction digits). Leading zeros of M are dropped. */
    bool in_fraction = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            in_fraction = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        if (in_fraction && exp10 > -NUM_EXP_CLAMP)
            exp10--;
        if (kept == 0 && c == '0')
            continue;
        if (kept < NUM_KEEP_DIGITS) {
            text[t++] = c;
            kept++;
        } else {
            /* A dropped digit multiplies M by ten less: move the exponent instead. */
            if (exp10 < NUM_EXP_CLAMP)
                exp10++;
            sticky |= c != '0';
        }
    }
    if (kept == 0)
        text[t++] = '0';
    if (sticky) {
        text[t++] = '1';
        exp10--;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool neg = false;
        long e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (e < NUM_EXP_CLAMP)
                e = e * 10 + (s[i] - '0');
        }
        exp10 += neg ? -e : e;
    }
    if (exp10 > NUM_EXP_CLAMP)
        exp10 = NUM_EXP_CLAMP;
    if (exp10 < -NUM_EXP_CLAMP)
        exp10 = -NUM_EXP_CLAMP;
    snprintf(text + t, sizeof(text) - t, "e%ld", exp10);
    double v = strtod(text, NULL);
    if (!isfinite(v))
        return false;
    *out = v;
    return true;
}

/* ---- writing ---- */

/* Writes the decimal digits of v backwards ending at end; returns the first digit. */
static char *format_u64(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
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

size_t num_format_double(double v, char out[NUM_DOUBLE_MAX])
{
    char digits[24];
    size_t len = 0;
    decimal d;
    unsigned k;
    int n;
    double m;

    if (isnan(v)) {
        memcpy(out, "NaN", 4);
        return 3;
    }
    if (isinf(v)) {
        const char *s = v < 0 ? "-Infinity" : "Infinity";
        memcpy(out, s, strlen(s) + 1);
        return strlen(s);
    }
    if (v == 0) {
        memcpy(out, "0", 2);
        return 1;
    }
    m = fabs(v);
    /* Integers below 2^53 are exact and nothing shorter reads back as them: print directly. */
    if (m < 9007199254740992.0 && m == (double)(int64_t)m) {
        char *end = out + NUM_DOUBLE_MAX - 1;
        char *first = format_u64((uint64_t)m, end);
        if (v < 0)
            *--first = '-';
        len = (size_t)(end - first);
        memmove(out, first, len);
        out[len] = '\0';
        return len;
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
        len += (size_t)snprintf(out + len, NUM_DOUBLE_MAX - len, "%d", e < 0 ? -e : e);
    }
    out[len] = '\0';
    return len;
}
