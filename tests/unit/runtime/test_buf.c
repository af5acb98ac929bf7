/* The output buffer: appends, JSON string escaping, integers, doubles, failures. */
#include <eventc/eventc.h>

#include <float.h>
#include <math.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "failing_alloc.h"

/* Encodes s as a JSON string into a fresh buffer; returns the text (static storage) or
 * "<status code>" on error. */
static const char *json_str(const char *s, size_t n)
{
    static char out[1024];
    eventc_buf b;
    eventc_status st;
    eventc_buf_init(&b, NULL);
    st = eventc_buf_append_json_string(&b, s, n);
    if (st != EVENTC_OK) {
        snprintf(out, sizeof out, "<%s>", eventc_status_code(st));
    } else {
        snprintf(out, sizeof out, "%s", eventc_buf_cstr(&b));
    }
    eventc_buf_free(&b);
    return out;
}

static const char *dbl(double v)
{
    static char out[64];
    eventc_buf b;
    eventc_status st;
    eventc_buf_init(&b, NULL);
    st = eventc_buf_append_double(&b, v);
    if (st != EVENTC_OK) {
        snprintf(out, sizeof out, "<%s>", eventc_status_code(st));
    } else {
        snprintf(out, sizeof out, "%s", eventc_buf_cstr(&b));
    }
    eventc_buf_free(&b);
    return out;
}

static void test_append(void)
{
    eventc_buf b;
    char *p;
    size_t len = 99;
    int i;

    eventc_buf_init(&b, NULL);
    CHECK_STR(eventc_buf_cstr(&b), "");
    CHECK(b.len == 0);
    CHECK(eventc_buf_append(&b, "abc", 3) == EVENTC_OK);
    CHECK(eventc_buf_append_str(&b, "def") == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, '!') == EVENTC_OK);
    CHECK(eventc_buf_append(&b, NULL, 0) == EVENTC_OK);
    CHECK(b.len == 7);
    CHECK_STR(eventc_buf_cstr(&b), "abcdef!");
    CHECK(b.len == 7); /* the NUL is not counted */
    for (i = 0; i < 10000; i++) {
        CHECK(eventc_buf_putc(&b, (char)('a' + i % 26)) == EVENTC_OK);
    }
    CHECK(b.len == 10007);
    CHECK(b.cap > b.len);
    CHECK(eventc_buf_reserve(&b, 100000) == EVENTC_OK);
    CHECK(b.cap >= b.len + 100000 + 1);
    CHECK(eventc_buf_reserve(&b, SIZE_MAX) == EVENTC_E_NOMEM);
    CHECK(b.failed);
    CHECK(eventc_buf_putc(&b, 'x') == EVENTC_E_NOMEM);
    CHECK(b.len == 10007);
    eventc_buf_reset(&b);
    CHECK(!b.failed && b.len == 0);
    CHECK(eventc_buf_append_str(&b, "kept") == EVENTC_OK);

    p = eventc_buf_detach(&b, &len);
    CHECK(p != NULL);
    CHECK(len == 4);
    CHECK_STR(p, "kept");
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
    eventc_free(NULL, p, len + 1);

    /* Detaching an empty buffer gives "". */
    p = eventc_buf_detach(&b, &len);
    CHECK(p != NULL && len == 0 && p[0] == '\0');
    eventc_free(NULL, p, 1);

    eventc_buf_free(&b);
    eventc_buf_free(&b);
    eventc_buf_free(NULL);

    /* A zero-filled buffer works. */
    memset(&b, 0, sizeof b);
    CHECK(eventc_buf_append_str(&b, "zero") == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "zero");
    eventc_buf_free(&b);
}

static void test_json_string(void)
{
    char in[2];
    char want[16];
    int c;

    CHECK_STR(json_str("", 0), "\"\"");
    CHECK_STR(json_str("plain ascii text", 16), "\"plain ascii text\"");
    CHECK_STR(json_str("a\"b\\c/d", 7), "\"a\\\"b\\\\c/d\"");
    CHECK_STR(json_str("\b\f\n\r\t", 5), "\"\\b\\f\\n\\r\\t\"");
    CHECK_STR(json_str("\x7f", 1), "\"\x7f\"");

    /* Every control character. */
    for (c = 0; c < 0x20; c++) {
        in[0] = (char)c;
        switch (c) {
        case '\b':
            strcpy(want, "\"\\b\"");
            break;
        case '\f':
            strcpy(want, "\"\\f\"");
            break;
        case '\n':
            strcpy(want, "\"\\n\"");
            break;
        case '\r':
            strcpy(want, "\"\\r\"");
            break;
        case '\t':
            strcpy(want, "\"\\t\"");
            break;
        default:
            snprintf(want, sizeof want, "\"\\u%04x\"", (unsigned)c);
        }
        CHECK_STR(json_str(in, 1), want);
    }
    CHECK_STR(json_str("a\0b", 3), "\"a\\u0000b\"");

    /* Multi-byte UTF-8 is copied; U+2028 and U+2029 are escaped. */
    CHECK_STR(json_str("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14),
              "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    CHECK_STR(json_str("x\xE2\x80\xA8y\xE2\x80\xA9z", 9), "\"x\\u2028y\\u2029z\"");
    CHECK_STR(json_str("\xE2\x80\xA7\xE2\x80\xAA", 6), "\"\xE2\x80\xA7\xE2\x80\xAA\"");

    /* Long runs exercise the 8-byte scan, with specials at every offset. */
    {
        char text[40];
        char expect[80];
        int pos;
        for (pos = 0; pos < 32; pos++) {
            memset(text, 'k', 32);
            text[pos] = '"';
            memset(expect, 'k', 34);
            expect[0] = '"';
            expect[1 + pos] = '\\';
            memset(expect + 2 + pos, 'k', 32 - pos);
            expect[2 + pos] = '"';
            expect[34] = '"';
            expect[35] = '\0';
            CHECK_STR(json_str(text, 32), expect);
        }
    }

    /* Invalid UTF-8 is refused and the buffer left unchanged. */
    CHECK_STR(json_str("\xC0\x80", 2), "<utf8>");
    CHECK_STR(json_str("abc\xED\xA0\x80", 6), "<utf8>");
    CHECK_STR(json_str("\xF4\x90\x80\x80", 4), "<utf8>");
    CHECK_STR(json_str("abcdefghijklmnop\xE2\x82", 18), "<utf8>");
    CHECK_STR(json_str("\xFF", 1), "<utf8>");
    CHECK_STR(json_str("\x80", 1), "<utf8>");
    {
        eventc_buf b;
        eventc_buf_init(&b, NULL);
        CHECK(eventc_buf_append_str(&b, "[") == EVENTC_OK);
        CHECK(eventc_buf_append_json_string(&b, "ok\n\xE0\x80\x80", 6) == EVENTC_E_UTF8);
        CHECK(!b.failed);
        CHECK_STR(eventc_buf_cstr(&b), "[");
        CHECK(eventc_buf_append_json_string(&b, "ok", 2) == EVENTC_OK);
        CHECK_STR(eventc_buf_cstr(&b), "[\"ok\"");
        eventc_buf_free(&b);
    }
}

static void test_integers(void)
{
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    CHECK(eventc_buf_append_int64(&b, 0) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_int64(&b, -1) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_int64(&b, INT64_MAX) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_int64(&b, INT64_MIN) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_uint64(&b, UINT64_MAX) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_uint64(&b, 0) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "0 -1 9223372036854775807 -9223372036854775808 "
                                   "18446744073709551615 0");
    eventc_buf_free(&b);
}

static void test_doubles(void)
{
    /* Expected strings are what JavaScript's String(x) prints (node v20). */
    CHECK_STR(dbl(0.0), "0");
    CHECK_STR(dbl(-0.0), "0");
    CHECK_STR(dbl(1e21), "1e+21");
    CHECK_STR(dbl(1e20), "100000000000000000000");
    CHECK_STR(dbl(9.999999999999999e20), "999999999999999900000");
    CHECK_STR(dbl(123456789012345680000.0), "123456789012345680000");
    CHECK_STR(dbl(5e-324), "5e-324");
    CHECK_STR(dbl(3 * 5e-324), "1.5e-323");
    CHECK_STR(dbl(0.1), "0.1");
    CHECK_STR(dbl(0.1 + 0.2), "0.30000000000000004");
    CHECK_STR(dbl(1.0 / 3.0), "0.3333333333333333");
    CHECK_STR(dbl(1e-7), "1e-7");
    CHECK_STR(dbl(1.5e-7), "1.5e-7");
    CHECK_STR(dbl(0.000001), "0.000001");
    CHECK_STR(dbl(1.234e-6), "0.000001234");
    CHECK_STR(dbl(0.0000125), "0.0000125");
    CHECK_STR(dbl(-1.5), "-1.5");
    CHECK_STR(dbl(-123.456e-30), "-1.23456e-28");
    CHECK_STR(dbl(4.35), "4.35");
    CHECK_STR(dbl(100.0), "100");
    CHECK_STR(dbl(DBL_MIN), "2.2250738585072014e-308");
    CHECK_STR(dbl(DBL_MAX), "1.7976931348623157e+308");
    CHECK_STR(dbl(9007199254740994.0), "9007199254740994");
    CHECK_STR(dbl(9223372036854775808.0), "9223372036854776000");
    CHECK_STR(dbl(-9223372036854775808.0), "-9223372036854776000");
    CHECK_STR(dbl(1e100), "1e+100");
    CHECK_STR(dbl(ldexp(1.0, 900)), "8.452712498170644e+270");
    CHECK_STR(dbl(ldexp(1.0, -100)), "7.888609052210118e-31");
    CHECK_STR(dbl(HUGE_VAL), "<invalid_argument>");
    CHECK_STR(dbl(-HUGE_VAL), "<invalid_argument>");
    CHECK_STR(dbl(NAN), "<invalid_argument>");

    /* Every power of two reads back, and a few thousand pseudo-random bit patterns too. */
    {
        int e;
        unsigned long long x = 0x9E3779B97F4A7C15ull;
        int i;
        bool ok = true;
        for (e = -1074; e <= 1023; e++) {
            double v = ldexp(1.0, e);
            ok = ok && strtod(dbl(v), NULL) == v;
        }
        CHECK(ok);
        for (i = 0; i < 5000; i++) {
            double v;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            memcpy(&v, &x, sizeof v);
            if (isnan(v) || isinf(v)) {
                continue;
            }
            ok = ok && strtod(dbl(v), NULL) == v;
        }
        CHECK(ok);
    }
    /* Nothing is appended on error. */
    {
        eventc_buf b;
        eventc_buf_init(&b, NULL);
        CHECK(eventc_buf_append_str(&b, "x") == EVENTC_OK);
        CHECK(eventc_buf_append_double(&b, NAN) == EVENTC_E_INVALID_ARGUMENT);
        CHECK(!b.failed);
        CHECK_STR(eventc_buf_cstr(&b), "x");
        eventc_buf_free(&b);
    }
}

/* Writes a small document; returns the final status (sticky failure: checked once). */
static eventc_status write_doc(eventc_buf *b)
{
    int i;
    eventc_buf_putc(b, '{');
    for (i = 0; i < 40; i++) {
        eventc_status st;
        if (i > 0) {
            eventc_buf_putc(b, ',');
        }
        st = eventc_buf_append_json_string(b, "key\twith \xE2\x80\xA8 escapes", 19);
        if (st != EVENTC_OK) {
            return st;
        }
        eventc_buf_putc(b, ':');
        st = eventc_buf_append_double(b, 0.1 * i);
        if (st != EVENTC_OK) {
            return st;
        }
        eventc_buf_append_int64(b, INT64_MIN + i);
    }
    eventc_buf_append_str(b, "}");
    return b->failed ? EVENTC_E_NOMEM : EVENTC_OK;
}

static void test_allocation_failures(void)
{
    failing f = {0, 0, 0, 0, 0};
    eventc_allocator alloc = {fail_alloc, fail_realloc, fail_free, &f};
    eventc_buf b;
    char *full;
    size_t full_len;
    size_t total_calls;
    size_t n;

    eventc_buf_init(&b, &alloc);
    CHECK(write_doc(&b) == EVENTC_OK);
    total_calls = f.calls;
    full = eventc_buf_detach(&b, &full_len);
    CHECK(full != NULL);
    CHECK(total_calls > 3);

    /* Fail at every allocation in turn; in the last round nothing fails. The content kept on
     * failure is always a prefix of the full document, and nothing leaks. */
    for (n = 1; n <= total_calls + 2; n++) {
        eventc_status st;
        char *p;
        size_t len;
        f.calls = 0;
        f.fail_at = n;
        eventc_buf_init(&b, &alloc);
        st = write_doc(&b);
        if (n <= total_calls) {
            CHECK(st == EVENTC_E_NOMEM);
            CHECK(b.failed);
            CHECK(b.len <= full_len && memcmp(b.data == NULL ? "" : b.data, full, b.len) == 0);
            CHECK(eventc_buf_putc(&b, 'x') == EVENTC_E_NOMEM);
            CHECK(eventc_buf_detach(&b, &len) == NULL);
            eventc_buf_free(&b);
        } else {
            /* Detach shrinks the block: its allocation is the one failing at total + 1. */
            CHECK(st == EVENTC_OK);
            p = eventc_buf_detach(&b, &len);
            CHECK((p == NULL) == (n == total_calls + 1));
            if (p == NULL) {
                CHECK(b.failed);
                CHECK(b.len == full_len);
                eventc_buf_free(&b);
            } else {
                CHECK(len == full_len && memcmp(p, full, len) == 0);
                eventc_free(&alloc, p, len + 1);
            }
        }
        CHECK(f.live_blocks == 1 && f.live_bytes == full_len + 1); /* only `full` left */
    }
    eventc_free(&alloc, full, full_len + 1);
    CHECK(f.live_blocks == 0 && f.live_bytes == 0);
    CHECK(f.size_mismatches == 0);
}

int main(void)
{
    test_append();
    test_json_string();
    test_integers();
    test_doubles();
    test_allocation_failures();
    return check_report();
}
