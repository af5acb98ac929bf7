/* Numbers read and written under a decimal-comma locale. An application may call
 * setlocale(LC_ALL, "") with LC_NUMERIC naming such a locale, after which strtod reads "1.5" as 1
 * and printf writes 1,5. The runtime's number text must not change: this test runs with
 * LC_ALL=de_DE.UTF-8 (set by ctest), calls setlocale(LC_ALL, "") like such an application, first
 * proves that the C library's own conversions did change, then decodes, encodes and reports
 * numbers through the codec.
 *
 * It exits 77 (reported as skipped) when the locale is not installed: scripts/setup.sh generates it
 * (`locales` package, de_DE.UTF-8 in /etc/locale.gen, locale-gen). */
#include "check.h"

#include <eventc/eventc.h>

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct reading {
    double value;
    bool has_ratio;
    double ratio;
    int64_t count;
    size_t n_samples;
    double *samples;
    eventc_arena *arena_;
} reading;

static const eventc_value_desc v_value = {
    .type = EVENTC_FT_DOUBLE, .flags = EVENTC_VF_MINIMUM, .nmin = 1.5};
static const eventc_value_desc v_ratio = {
    .type = EVENTC_FT_DOUBLE, .flags = EVENTC_VF_EXCLUSIVE_MAXIMUM, .nexmax = 0.25};
static const eventc_value_desc v_count = {.type = EVENTC_FT_INT64};
static const eventc_value_desc v_sample = {.type = EVENTC_FT_DOUBLE};
static const eventc_value_desc v_samples = {
    .type = EVENTC_FT_ARRAY, .items = &v_sample, .item_size = sizeof(double)};
static const eventc_field_desc reading_fields[] = {
    {"value", 5, 0, offsetof(reading, value), SIZE_MAX, &v_value},
    {"ratio", 5, EVENTC_FF_OPTIONAL, offsetof(reading, ratio), offsetof(reading, has_ratio),
     &v_ratio},
    {"count", 5, 0, offsetof(reading, count), SIZE_MAX, &v_count},
    {"samples", 7, 0, offsetof(reading, samples), offsetof(reading, n_samples), &v_samples},
};
static const eventc_type_desc reading_desc = {
    "Reading", sizeof(reading), offsetof(reading, arena_), reading_fields, 4, 0, NULL};

static char line[512];
static const char *fmt(const eventc_error *err)
{
    eventc_error_format(err, line, sizeof(line));
    return line;
}

/* Decodes json, encodes it again and compares with want (json itself when NULL). */
static void round_trip(const char *json, const char *want)
{
    reading r = {0};
    eventc_error err;
    eventc_buf out;
    eventc_buf_init(&out, NULL);
    if (eventc_decode(&reading_desc, &r, json, strlen(json), NULL, &err) != EVENTC_OK) {
        fprintf(stderr, "%s: %s\n", json, fmt(&err));
        CHECK(0);
        return;
    }
    CHECK(eventc_encode(&reading_desc, &r, &out, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&out), want ? want : json);
    eventc_clear(&reading_desc, &r);
    eventc_buf_free(&out);
}

static void test_decode_and_encode(void)
{
    reading r = {0};
    eventc_error err;
    const char *doc = "{\"value\":1.5,\"ratio\":-2.5e-3,\"count\":1.0e2,"
                      "\"samples\":[0.1,12.75,1E2,-0.0,123456.789e-3,1e21,1.5e-7]}";
    CHECK(eventc_decode(&reading_desc, &r, doc, strlen(doc), NULL, &err) == EVENTC_OK);
    CHECK(r.value == 1.5);
    CHECK(r.has_ratio && r.ratio == -2.5e-3);
    CHECK(r.count == 100);
    CHECK(r.n_samples == 7);
    if (r.n_samples == 7) {
        CHECK(r.samples[0] == 0.1);
        CHECK(r.samples[1] == 12.75);
        CHECK(r.samples[2] == 100.0);
        CHECK(r.samples[4] == 123.456789);
        CHECK(r.samples[5] == 1e21);
        CHECK(r.samples[6] == 1.5e-7);
    }
    eventc_clear(&reading_desc, &r);

    round_trip(doc, "{\"value\":1.5,\"ratio\":-0.0025,\"count\":100,"
                    "\"samples\":[0.1,12.75,100,0,123.456789,1e+21,1.5e-7]}");
    round_trip("{\"value\":3.14159,\"count\":-7,\"samples\":[]}", NULL);
    round_trip("{\"value\":1.7976931348623157e+308,\"count\":0,\"samples\":[5e-324,2.5]}", NULL);
    /* Many digits: correctly rounded all the same (0.1 written with 60 digits). */
    round_trip("{\"value\":2.000000000000000000000000000000000000000000000000000000000001,"
               "\"count\":0,\"samples\":[0.1000000000000000000000000000000000000000000000000000"
               "00000001]}",
               "{\"value\":2,\"count\":0,\"samples\":[0.1]}");
}

/* Numbers of more digits than strtod needs: the digits beyond those kept still decide a tie.
 * 1 + 2^-53 lies exactly halfway between 1 and the next double, 1 + 2^-52; ties go to even, 1. */
static void test_long_numbers(void)
{
    static const char half[] = "1.00000000000000011102230246251565404236316680908203125";
    char doc[1200];
    reading r = {0};
    eventc_error err;
    for (int tail = 0; tail < 3; tail++) {
        /* tail 0: the tie alone; 1: then 900 zeros; 2: then 900 zeros and a 1 (above the tie). */
        size_t n =
            (size_t)snprintf(doc, sizeof(doc), "{\"value\":2,\"count\":0,\"samples\":[%s", half);
        if (tail > 0) {
            memset(doc + n, '0', 900);
            n += 900;
        }
        if (tail == 2)
            doc[n++] = '1';
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "]}");
        CHECK(eventc_decode(&reading_desc, &r, doc, n, NULL, &err) == EVENTC_OK);
        CHECK(r.n_samples == 1 && r.samples[0] == (tail == 2 ? 1.0 + 0x1p-52 : 1.0));
    }
    /* A huge exponent against many leading zeros, and the reverse. */
    const char *tiny = "{\"value\":2,\"count\":0,\"samples\":[0.0000000000e99999999999999999999,"
                       "1e-99999999999999999999,100000000000000000000e-20]}";
    CHECK(eventc_decode(&reading_desc, &r, tiny, strlen(tiny), NULL, &err) == EVENTC_OK);
    CHECK(r.n_samples == 3 && r.samples[0] == 0 && r.samples[1] == 0 && r.samples[2] == 1);
    eventc_clear(&reading_desc, &r);
}

static void test_messages(void)
{
    reading r = {0};
    eventc_error err;
    const char *low = "{\"value\":0.5,\"count\":0,\"samples\":[]}";
    CHECK(eventc_decode(&reading_desc, &r, low, strlen(low), NULL, &err) == EVENTC_E_MINIMUM);
    CHECK_STR(fmt(&err), "$.value: 0.5 is less than the minimum 1.5 [minimum]");
    const char *high = "{\"value\":2,\"ratio\":0.25,\"count\":0,\"samples\":[]}";
    CHECK(eventc_decode(&reading_desc, &r, high, strlen(high), NULL, &err) ==
          EVENTC_E_EXCLUSIVE_MAXIMUM);
    CHECK_STR(fmt(&err), "$.ratio: 0.25 is not less than 0.25 [exclusive_maximum]");
    const char *big = "{\"value\":1e400,\"count\":0,\"samples\":[]}";
    CHECK(eventc_decode(&reading_desc, &r, big, strlen(big), NULL, &err) == EVENTC_E_RANGE);
    const char *frac = "{\"value\":2,\"count\":2.5,\"samples\":[]}";
    CHECK(eventc_decode(&reading_desc, &r, frac, strlen(frac), NULL, &err) == EVENTC_E_TYPE);
    CHECK_STR(fmt(&err), "$.count: expected an integer, got 2.5 [type]");
}

static void test_buffer(void)
{
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    CHECK(eventc_buf_append_double(&b, 1.5) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_double(&b, -0.001) == EVENTC_OK);
    CHECK(eventc_buf_putc(&b, ' ') == EVENTC_OK);
    CHECK(eventc_buf_append_double(&b, 6.02214076e23) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "1.5 -0.001 6.02214076e+23");
    eventc_buf_free(&b);
}

int main(void)
{
    if (setlocale(LC_ALL, "") == NULL || strcmp(localeconv()->decimal_point, ",") != 0) {
        printf("SKIPPED: no decimal-comma locale (LC_ALL=%s): generate de_DE.UTF-8 with "
               "scripts/setup.sh\n",
               getenv("LC_ALL") ? getenv("LC_ALL") : "");
        return 77;
    }
    /* The C library's conversions did change, so the checks below mean something. */
    char text[16];
    snprintf(text, sizeof(text), "%.1f", 1.5);
    CHECK_STR(text, "1,5");
    CHECK(strtod("1.5", NULL) == 1.0);

    test_decode_and_encode();
    test_long_numbers();
    test_messages();
    test_buffer();
    return check_report();
}
