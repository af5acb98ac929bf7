/* The timestamp rule: parsing, canonical formatting, calendar arithmetic. */
#include <eventc/eventc.h>

#include <string.h>

#include "check.h"

static bool parses(const char *s)
{
    eventc_timestamp ts;
    return eventc_timestamp_parse(s, strlen(s), &ts) == EVENTC_OK;
}

static int64_t secs(const char *s)
{
    eventc_timestamp ts = {-1, 0};
    CHECK(eventc_timestamp_parse(s, strlen(s), &ts) == EVENTC_OK);
    return ts.seconds;
}

/* Parses s and formats it back. */
static const char *canon(const char *s)
{
    static char out[EVENTC_TIMESTAMP_MAX];
    eventc_timestamp ts;
    if (eventc_timestamp_parse(s, strlen(s), &ts) != EVENTC_OK) {
        return "<invalid>";
    }
    CHECK(eventc_timestamp_format(ts, out) == strlen(out));
    return out;
}

static void test_known_values(void)
{
    eventc_timestamp ts;

    CHECK(secs("1970-01-01T00:00:00Z") == 0);
    CHECK(secs("1969-12-31T23:59:59Z") == -1);
    CHECK(secs("2000-02-29T00:00:00Z") == 951782400);
    CHECK(secs("1900-03-01T00:00:00Z") == -2203891200);
    CHECK(secs("2024-02-29T12:34:56Z") == 1709210096);
    CHECK(secs("0000-01-01T00:00:00Z") == EVENTC_TIMESTAMP_MIN_SECONDS);
    CHECK(secs("9999-12-31T23:59:59Z") == EVENTC_TIMESTAMP_MAX_SECONDS);
    CHECK(EVENTC_TIMESTAMP_MIN_SECONDS == -62167219200);
    CHECK(EVENTC_TIMESTAMP_MAX_SECONDS == 253402300799);

    CHECK(eventc_timestamp_parse("2021-06-01T10:20:30.123456789Z", 30, &ts) == EVENTC_OK);
    CHECK(ts.nanos == 123456789);
    CHECK(eventc_timestamp_parse("2021-06-01T10:20:30.5Z", 22, &ts) == EVENTC_OK);
    CHECK(ts.nanos == 500000000);
    CHECK(eventc_timestamp_parse("2021-06-01T10:20:30.000000001Z", 30, &ts) == EVENTC_OK);
    CHECK(ts.nanos == 1);
    CHECK(eventc_timestamp_parse("2021-06-01T10:20:30.0Z", 22, &ts) == EVENTC_OK);
    CHECK(ts.nanos == 0);
}

static void test_calendar(void)
{
    /* Leap years: 2000 (divisible by 400), 2024; not 1900 (century) or 2023. */
    CHECK(parses("2000-02-29T00:00:00Z"));
    CHECK(parses("2024-02-29T00:00:00Z"));
    CHECK(parses("0000-02-29T00:00:00Z"));
    CHECK(parses("1600-02-29T00:00:00Z"));
    CHECK(!parses("1900-02-29T00:00:00Z"));
    CHECK(!parses("2023-02-29T00:00:00Z"));
    CHECK(!parses("2100-02-29T00:00:00Z"));
    CHECK(!parses("2000-02-30T00:00:00Z"));
    CHECK(!parses("2024-02-30T00:00:00Z"));
    /* Day 31 in 30-day months. */
    CHECK(!parses("2024-04-31T00:00:00Z"));
    CHECK(!parses("2024-06-31T00:00:00Z"));
    CHECK(!parses("2024-09-31T00:00:00Z"));
    CHECK(!parses("2024-11-31T00:00:00Z"));
    CHECK(parses("2024-01-31T00:00:00Z"));
    CHECK(parses("2024-07-31T00:00:00Z"));
    CHECK(parses("2024-08-31T00:00:00Z"));
    CHECK(parses("2024-12-31T23:59:59Z"));
    /* Field ranges. */
    CHECK(!parses("2024-00-10T00:00:00Z"));
    CHECK(!parses("2024-13-10T00:00:00Z"));
    CHECK(!parses("2024-01-00T00:00:00Z"));
    CHECK(!parses("2024-01-32T00:00:00Z"));
    CHECK(!parses("2024-01-10T24:00:00Z"));
    CHECK(!parses("2024-01-10T00:60:00Z"));
    CHECK(!parses("2024-01-10T00:00:60Z")); /* no leap second */
    CHECK(parses("2024-01-10T23:59:59Z"));

    /* Walk every day from 0000-01-01 to 9999-12-31 (consecutive days are 86400 s apart); the
     * canonical form round-trips. To keep the test quick under valgrind, the check runs on every
     * day of full 400-year cycles at both ends and around 2000, and on the 1st of each month
     * elsewhere (the Gregorian calendar repeats every 400 years). */
    {
        eventc_timestamp ts = {EVENTC_TIMESTAMP_MIN_SECONDS, 0};
        char text[EVENTC_TIMESTAMP_MAX];
        bool ok = true;
        long days = 0;
        long checked = 0;
        int year = 0;
        int month = 1;
        int day = 1;
        static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        while (year <= 9999) {
            eventc_timestamp back;
            char want[48];
            int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            int dim = month == 2 && leap ? 29 : mdays[month - 1];
            if (year < 404 || (year >= 1800 && year < 2204) || year >= 9596 || day == 1) {
                snprintf(want, sizeof want, "%04d-%02d-%02dT00:00:00Z", year, month, day);
                ok = ok && eventc_timestamp_format(ts, text) == 20 && strcmp(text, want) == 0;
                ok = ok && eventc_timestamp_parse(text, 20, &back) == EVENTC_OK &&
                     back.seconds == ts.seconds;
                checked++;
            }
            ts.seconds += 86400;
            days++;
            if (++day > dim) {
                day = 1;
                if (++month > 12) {
                    month = 1;
                    year++;
                }
            }
        }
        CHECK(ok);
        CHECK(days == 3652425); /* 25 cycles of 146097 days */
        CHECK(checked > 400000);
    }
}

static void test_syntax(void)
{
    CHECK(!parses(""));
    CHECK(!parses("2024-01-10"));
    CHECK(!parses("2024-01-10T00:00:00"));
    CHECK(!parses("2024-01-10T00:00:00z")); /* lowercase z */
    CHECK(!parses("2024-01-10t00:00:00Z")); /* lowercase t */
    CHECK(!parses("2024-01-10 00:00:00Z")); /* space separator */
    CHECK(!parses("2024-01-10T00:00:00+00:00"));
    CHECK(!parses("2024-01-10T00:00:00-05:00"));
    CHECK(!parses("2024-01-10T00:00:00.5+01:00"));
    CHECK(!parses("2024-01-10T00:00:00.Z"));           /* no fraction digits */
    CHECK(!parses("2024-01-10T00:00:00.1234567890Z")); /* 10 digits */
    CHECK(parses("2024-01-10T00:00:00.123456789Z"));   /* 9 digits */
    CHECK(!parses("2024-01-10T00:00:00,5Z"));
    CHECK(!parses("2024-01-10T00:00:00.5aZ"));
    CHECK(!parses("2024-01-10T00:00:00Z "));
    CHECK(!parses(" 2024-01-10T00:00:00Z"));
    CHECK(!parses("+2024-01-10T00:00:00Z"));
    CHECK(!parses("10000-01-10T00:00:00Z"));
    CHECK(!parses("2024-1-10T00:00:00Z"));
    CHECK(!parses("2024-01-10T0:00:00Z"));
    CHECK(!parses("2024/01/10T00:00:00Z"));
    CHECK(!parses("2024-01-10T00-00-00Z"));
    CHECK(!parses("2024-0a-10T00:00:00Z"));
    CHECK(!parses("2024-01-10T00:00:0 Z"));
    CHECK(!parses("2024-01-10T00:00:00ZZ"));
    {
        /* Not NUL-terminated: only n bytes are read. */
        eventc_timestamp ts = {7, 7};
        CHECK(eventc_timestamp_parse("2024-01-10T00:00:00Zjunk", 20, &ts) == EVENTC_OK);
        CHECK(eventc_timestamp_parse("2024-01-10T00:00:00Z", 19, &ts) == EVENTC_E_TIMESTAMP);
        CHECK(eventc_timestamp_parse(NULL, 0, &ts) == EVENTC_E_TIMESTAMP);
        /* out untouched on failure */
        ts.seconds = 7;
        CHECK(eventc_timestamp_parse("2024-02-30T00:00:00Z", 20, &ts) == EVENTC_E_TIMESTAMP);
        CHECK(ts.seconds == 7);
    }
}

static void test_format(void)
{
    char out[EVENTC_TIMESTAMP_MAX];
    eventc_timestamp ts;

    CHECK_STR(canon("2024-02-29T12:34:56Z"), "2024-02-29T12:34:56Z");
    CHECK_STR(canon("2024-02-29T12:34:56.000Z"), "2024-02-29T12:34:56Z");
    CHECK_STR(canon("2024-02-29T12:34:56.500Z"), "2024-02-29T12:34:56.5Z");
    CHECK_STR(canon("2024-02-29T12:34:56.123456789Z"), "2024-02-29T12:34:56.123456789Z");
    CHECK_STR(canon("2024-02-29T12:34:56.000000010Z"), "2024-02-29T12:34:56.00000001Z");
    CHECK_STR(canon("0000-01-01T00:00:00Z"), "0000-01-01T00:00:00Z");
    CHECK_STR(canon("9999-12-31T23:59:59.999999999Z"), "9999-12-31T23:59:59.999999999Z");
    CHECK_STR(canon("1969-12-31T23:59:59.25Z"), "1969-12-31T23:59:59.25Z");
    CHECK_STR(canon("0001-03-01T01:02:03Z"), "0001-03-01T01:02:03Z");

    /* Out of range: empty string and 0. */
    ts.seconds = EVENTC_TIMESTAMP_MAX_SECONDS + 1;
    ts.nanos = 0;
    CHECK(eventc_timestamp_format(ts, out) == 0 && out[0] == '\0');
    ts.seconds = EVENTC_TIMESTAMP_MIN_SECONDS - 1;
    CHECK(eventc_timestamp_format(ts, out) == 0 && out[0] == '\0');
    ts.seconds = 0;
    ts.nanos = 1000000000u;
    CHECK(eventc_timestamp_format(ts, out) == 0);
    ts.nanos = 999999999u;
    CHECK(eventc_timestamp_format(ts, out) == 30);
    CHECK_STR(out, "1970-01-01T00:00:00.999999999Z");
}

static void test_clock_and_ms(void)
{
    eventc_timestamp now;
    eventc_timestamp ts;
    char out[EVENTC_TIMESTAMP_MAX];

    CHECK(eventc_timestamp_now(&now) == EVENTC_OK);
    CHECK(now.seconds > 1700000000); /* after November 2023 */
    CHECK(now.nanos < 1000000000u);
    CHECK(eventc_timestamp_format(now, out) >= 20);
    CHECK(out[4] == '-' && out[10] == 'T');

    ts = eventc_timestamp_from_unix_ms(1469918176385);
    CHECK(ts.seconds == 1469918176 && ts.nanos == 385000000);
    CHECK(eventc_timestamp_format(ts, out) == 24);
    CHECK_STR(out, "2016-07-30T22:36:16.385Z");
    CHECK(eventc_timestamp_to_unix_ms(ts) == 1469918176385);
    ts = eventc_timestamp_from_unix_ms(-1);
    CHECK(ts.seconds == -1 && ts.nanos == 999000000);
    CHECK(eventc_timestamp_to_unix_ms(ts) == -1);
    ts = eventc_timestamp_from_unix_ms(-1000);
    CHECK(ts.seconds == -1 && ts.nanos == 0);
    ts = eventc_timestamp_from_unix_ms(0);
    CHECK(ts.seconds == 0 && ts.nanos == 0);
    ts.seconds = INT64_MAX;
    CHECK(eventc_timestamp_to_unix_ms(ts) == INT64_MAX);
    ts.seconds = INT64_MIN;
    CHECK(eventc_timestamp_to_unix_ms(ts) == INT64_MIN);

    {
        eventc_timestamp a = {10, 5};
        eventc_timestamp b = {10, 6};
        eventc_timestamp c = {-3, 999};
        CHECK(eventc_timestamp_compare(a, b) < 0);
        CHECK(eventc_timestamp_compare(b, a) > 0);
        CHECK(eventc_timestamp_compare(a, a) == 0);
        CHECK(eventc_timestamp_compare(c, a) < 0);
        CHECK(eventc_timestamp_compare(a, c) > 0);
    }
}

int main(void)
{
    test_known_values();
    test_calendar();
    test_syntax();
    test_format();
    test_clock_and_ms();
    return check_report();
}
