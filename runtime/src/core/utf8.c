/* Strict UTF-8 validation and conversion. */
#include "eventc/utf8.h"

#include <string.h>

#define HIGH_BITS UINT64_C(0x8080808080808080)

static uint64_t load8(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

static bool is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

int eventc_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char b0;
    unsigned char lo = 0x80; /* allowed range of the second byte: excludes overlongs, */
    unsigned char hi = 0xBF; /* surrogates and values above U+10FFFF up front */
    uint32_t v;
    int len;
    int i;

    if (n == 0) {
        return -1;
    }
    b0 = p[0];
    if (b0 < 0x80) {
        if (cp != NULL) {
            *cp = b0;
        }
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        v = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        v = b0 & 0x0Fu;
        if (b0 == 0xE0) {
            lo = 0xA0;
        } else if (b0 == 0xED) {
            hi = 0x9F;
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        v = b0 & 0x07u;
        if (b0 == 0xF0) {
            lo = 0x90;
        } else if (b0 == 0xF4) {
            hi = 0x8F;
        }
    } else {
        return -1;
    }
    if (n < (size_t)len || p[1] < lo || p[1] > hi) {
        return -1;
    }
    v = (v << 6) | (p[1] & 0x3Fu);
    for (i = 2; i < len; i++) {
        if (!is_cont(p[i])) {
            return -1;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (cp != NULL) {
        *cp = v;
    }
    return len;
}

bool eventc_utf8_check(const char *s, size_t n, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        int len;
        /* Most event text is ASCII: skip it eight bytes at a time. */
        while (n - i >= 8 && (load8(p + i) & HIGH_BITS) == 0) {
            i += 8;
        }
        while (i < n && p[i] < 0x80) {
            i++;
        }
        if (i == n) {
            break;
        }
        len = eventc_utf8_decode(s + i, n - i, NULL);
        if (len < 0) {
            if (bad_offset != NULL) {
                *bad_offset = i;
            }
            return false;
        }
        i += (size_t)len;
    }
    return true;
}

static unsigned popcount64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_popcountll(x);
#else
    unsigned c = 0;
    while (x != 0) {
        x &= x - 1;
        c++;
    }
    return c;
#endif
}

size_t eventc_utf8_count(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;
    size_t i = 0;

    /* A code point starts at every byte that is not a continuation byte (10xxxxxx). In each
     * byte, bit 7 of (x << 1) is bit 6 of x, so x & ~(x << 1) has bit 7 set exactly on
     * continuation bytes. */
    while (n - i >= 8) {
        uint64_t x = load8(p + i);
        count += 8 - popcount64(x & ~(x << 1) & HIGH_BITS);
        i += 8;
    }
    for (; i < n; i++) {
        if (!is_cont(p[i])) {
            count++;
        }
    }
    return count;
}

size_t eventc_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        return 0;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF) {
        return 0;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
