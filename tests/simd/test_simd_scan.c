/* The vector string scanners (SSE2, AVX2, NEON: json_simd.h) against the portable scalar one, at
 * every level this machine runs. Built natively, and for arm64 by a cross compiler to run under
 * qemu's user-mode emulation, so that the NEON code is checked on an x86-64 machine too
 * (tests/simd.cmake). Strings assembled at random from pieces that exercise every branch of the
 * scanner (plain runs longer than a vector, escapes, \u escapes and surrogate pairs, UTF-8 of every
 * length, invalid bytes, control characters, missing quotes, strings over the length limit) must
 * give the same status, stopping point, error offset and message, and measures; json_find_special
 * must give the same answer from every starting point. */
#include "json/json_reader.h"
#include "json/json_simd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state = 88172645463325252ull;

static unsigned next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)state;
}

static const char *const pieces[] = {
    "a",
    "bcdefghij",
    "\\n",
    "\\\"",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\xc3\xa9",
    "\xe6\x9d\xb1",
    "\xf0\x9f\x98\x80",
    "\x01",
    "\xff",
    "\\x",
    "\"",
    "\\u12",
    "\xed\xa0\x80",
    "          a plain run of ASCII text longer than one vector           ",
    "\xc3\x80\xc3\x89\xc3\x8e\xce\xb1\xce\xb2\xe2\x80\x94\xe2\x82\xac\xd0\x9c",
    "\\\\",
    "x\\ty\\u0041z",
};

static const json_simd levels[] = {JSON_SIMD_SSE2, JSON_SIMD_AVX2, JSON_SIMD_NEON};

/* 1 when @p level agrees with the scalar code on the string at buf (n bytes), else 0. */
static int agrees(json_simd level, const char *buf, size_t n, size_t max)
{
    for (size_t off = 0; off < n; off++)
        if (json_find_special(level, buf + off, buf + n) !=
            json_find_special_scalar(buf + off, buf + n))
            return 0;
    json_string a, b;
    eventc_error ea, eb;
    json_reader ra, rb;
    eventc_limits lim = EVENTC_LIMITS_DEFAULT;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    eventc_error_clear(&ea);
    eventc_error_clear(&eb);
    json_reader_init(&ra, buf, n, &lim, NULL, &ea);
    json_reader_init(&rb, buf, n, &lim, NULL, &eb);
    ra.simd = JSON_SIMD_SCALAR;
    rb.simd = level;
    eventc_status sa = json_scan_string(&ra, max, &a);
    eventc_status sb = json_scan_string(&rb, max, &b);
    int same =
        sa == sb && ra.p - buf == rb.p - buf && ea.offset == eb.offset &&
        strcmp(ea.message, eb.message) == 0 &&
        (sa != EVENTC_OK || (a.raw_len == b.raw_len && a.len == b.len && a.chars == b.chars &&
                             a.escaped == b.escaped && a.nul == b.nul));
    json_reader_free(&ra);
    json_reader_free(&rb);
    return same;
}

int main(void)
{
    int any = 0;
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++)
        if (json_simd_available(levels[l])) {
            printf("checking %s\n", json_simd_name(levels[l]));
            any = 1;
        }
    if (!any) {
        printf("SKIPPED: this build or machine has no vector code (EVENTC_SCALAR?)\n");
        return 77;
    }
    char buf[600];
    long strings = 0;
    for (int it = 0; it < 100000; it++) {
        size_t n = 0;
        buf[n++] = '"';
        int parts = (int)(next_random() % 20);
        for (int k = 0; k < parts; k++) {
            const char *piece = pieces[next_random() % (sizeof pieces / sizeof pieces[0])];
            size_t len = strlen(piece);
            if (n + len + 2 > sizeof buf)
                break;
            memcpy(buf + n, piece, len);
            n += len;
        }
        if (next_random() % 4)
            buf[n++] = '"';
        size_t max = 40 + next_random() % 300;
        for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++)
            if (json_simd_available(levels[l]) && !agrees(levels[l], buf, n, max)) {
                printf("FAIL: %s differs from scalar on input %d\n", json_simd_name(levels[l]), it);
                return 1;
            }
        strings++;
    }
    printf("every level agrees with scalar on %ld strings\n", strings);
    return 0;
}
