/* Strict UTF-8: validation, counting, encoding, decoding. */
#include <eventc/eventc.h>

#include <string.h>

#include "check.h"

static bool valid(const char *s, size_t n)
{
    return eventc_utf8_check(s, n, NULL);
}

static size_t bad_at(const char *s, size_t n)
{
    size_t off = (size_t)-1;
    CHECK(!eventc_utf8_check(s, n, &off));
    return off;
}

static void test_check(void)
{
    size_t off = 42;

    CHECK(valid("", 0));
    CHECK(valid(NULL, 0));
    CHECK(valid("hello", 5));
    CHECK(valid("a\0b", 3)); /* NUL is a valid code point */
    CHECK(valid("\x7F", 1));
    CHECK(valid("\xC2\x80", 2));         /* U+0080 */
    CHECK(valid("\xDF\xBF", 2));         /* U+07FF */
    CHECK(valid("\xE0\xA0\x80", 3));     /* U+0800 */
    CHECK(valid("\xED\x9F\xBF", 3));     /* U+D7FF */
    CHECK(valid("\xEE\x80\x80", 3));     /* U+E000 */
    CHECK(valid("\xEF\xBF\xBF", 3));     /* U+FFFF */
    CHECK(valid("\xF0\x90\x80\x80", 4)); /* U+10000 */
    CHECK(valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF */
    CHECK(valid("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14));
    CHECK(eventc_utf8_check("ok", 2, &off) && off == 42); /* untouched when valid */

    /* Overlong forms. */
    CHECK(bad_at("\xC0\x80", 2) == 0);
    CHECK(bad_at("\xC1\xBF", 2) == 0);
    CHECK(bad_at("\xE0\x80\x80", 3) == 0);
    CHECK(bad_at("\xE0\x9F\xBF", 3) == 0);
    CHECK(bad_at("\xF0\x80\x80\x80", 4) == 0);
    CHECK(bad_at("\xF0\x8F\xBF\xBF", 4) == 0);
    /* Surrogates. */
    CHECK(bad_at("\xED\xA0\x80", 3) == 0);
    CHECK(bad_at("\xED\xBF\xBF", 3) == 0);
    CHECK(bad_at("ab\xED\xB0\x80", 5) == 2);
    /* Above U+10FFFF and bytes that never appear. */
    CHECK(bad_at("\xF4\x90\x80\x80", 4) == 0);
    CHECK(bad_at("\xF5\x80\x80\x80", 4) == 0);
    CHECK(bad_at("\xF8\x88\x80\x80\x80", 5) == 0);
    CHECK(bad_at("\xFE", 1) == 0);
    CHECK(bad_at("\xFF", 1) == 0);
    /* Stray continuation bytes. */
    CHECK(bad_at("\x80", 1) == 0);
    CHECK(bad_at("abc\xBF", 4) == 3);
    CHECK(bad_at("\xC3\xA9\xA9", 3) == 2);
    /* Truncated sequences, at the end and in the middle. */
    CHECK(bad_at("\xC3", 1) == 0);
    CHECK(bad_at("x\xE2\x82", 3) == 1);
    CHECK(bad_at("xy\xF0\x9F\x98", 5) == 2);
    CHECK(bad_at("\xE2\x82x", 3) == 0);
    CHECK(bad_at("\xF0\x9F\x98x", 4) == 0);
    /* A bad byte at every position of a long ASCII run: the 8-byte path must not skip it. */
    {
        char text[64];
        size_t pos;
        for (pos = 0; pos < sizeof text; pos++) {
            memset(text, 'a', sizeof text);
            text[pos] = (char)0xFF;
            CHECK(bad_at(text, sizeof text) == pos);
        }
    }
}

static void test_count(void)
{
    char text[100];
    size_t i;

    CHECK(eventc_utf8_count("", 0) == 0);
    CHECK(eventc_utf8_count("abc", 3) == 3);
    CHECK(eventc_utf8_count("caf\xC3\xA9", 5) == 4);
    CHECK(eventc_utf8_count("\xF0\x9F\x98\x80", 4) == 1);
    CHECK(eventc_utf8_count("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 9) == 3);
    /* Mixed long text, so the 8-byte path and the tail both count. */
    for (i = 0; i + 4 <= 96; i += 4) {
        memcpy(text + i, i % 8 == 0 ? "\xF0\x9F\x98\x80" : "ab\xC3\xA9", 4);
    }
    CHECK(eventc_utf8_count(text, 96) == 12 + 12 * 3);
    CHECK(eventc_utf8_count(text, 95) == 12 + 12 * 3); /* cut continuation: same starts */
}

static void test_encode_decode(void)
{
    char out[4];
    uint32_t cp;
    uint32_t c;
    bool ok = true;

    CHECK(eventc_utf8_encode(0x41, out) == 1 && out[0] == 'A');
    CHECK(eventc_utf8_encode(0xE9, out) == 2 && memcmp(out, "\xC3\xA9", 2) == 0);
    CHECK(eventc_utf8_encode(0x20AC, out) == 3 && memcmp(out, "\xE2\x82\xAC", 3) == 0);
    CHECK(eventc_utf8_encode(0x1F600, out) == 4 && memcmp(out, "\xF0\x9F\x98\x80", 4) == 0);
    CHECK(eventc_utf8_encode(0xD800, out) == 0);
    CHECK(eventc_utf8_encode(0xDFFF, out) == 0);
    CHECK(eventc_utf8_encode(0x110000, out) == 0);
    CHECK(eventc_utf8_encode(0xFFFFFFFF, out) == 0);

    CHECK(eventc_utf8_decode("", 0, &cp) == -1);
    CHECK(eventc_utf8_decode("\xE2\x82\xAC", 2, &cp) == -1);
    CHECK(eventc_utf8_decode("\xE2\x82\xAC", 3, NULL) == 3);
    CHECK(eventc_utf8_decode("\xC0\x80", 2, &cp) == -1);
    CHECK(eventc_utf8_decode("\xED\xA0\x80", 3, &cp) == -1);
    CHECK(eventc_utf8_decode("\xF4\x90\x80\x80", 4, &cp) == -1);

    /* Every scalar value round-trips, agrees with check and count; surrogates do not encode. */
    for (c = 0; c <= 0x10FFFF; c++) {
        size_t len = eventc_utf8_encode(c, out);
        if (c >= 0xD800 && c <= 0xDFFF) {
            ok = ok && len == 0;
            continue;
        }
        ok = ok && len >= 1 && len <= 4;
        ok = ok && eventc_utf8_decode(out, len, &cp) == (int)len && cp == c;
        ok = ok && valid(out, len) && eventc_utf8_count(out, len) == 1;
        ok = ok && (len == 1 || eventc_utf8_decode(out, len - 1, &cp) == -1);
    }
    CHECK(ok);

    /* Every two-byte prefix: decode agrees with the strict table in RFC 3629. */
    {
        unsigned b0;
        unsigned b1;
        ok = true;
        for (b0 = 0x80; b0 <= 0xFF; b0++) {
            for (b1 = 0; b1 <= 0xFF; b1++) {
                char s[4] = {(char)b0, (char)b1, (char)0x80, (char)0x80};
                int len = eventc_utf8_decode(s, 4, &cp);
                bool want;
                if (b0 >= 0xC2 && b0 <= 0xDF) {
                    want = b1 >= 0x80 && b1 <= 0xBF;
                } else if (b0 == 0xE0) {
                    want = b1 >= 0xA0 && b1 <= 0xBF;
                } else if (b0 == 0xED) {
                    want = b1 >= 0x80 && b1 <= 0x9F;
                } else if (b0 >= 0xE1 && b0 <= 0xEF) {
                    want = b1 >= 0x80 && b1 <= 0xBF;
                } else if (b0 == 0xF0) {
                    want = b1 >= 0x90 && b1 <= 0xBF;
                } else if (b0 == 0xF4) {
                    want = b1 >= 0x80 && b1 <= 0x8F;
                } else if (b0 >= 0xF1 && b0 <= 0xF3) {
                    want = b1 >= 0x80 && b1 <= 0xBF;
                } else {
                    want = false;
                }
                ok = ok && (len > 0) == want;
            }
        }
        CHECK(ok);
    }
}

int main(void)
{
    test_check();
    test_count();
    test_encode_decode();
    return check_report();
}
