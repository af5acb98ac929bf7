/* The eventc timestamp rule: parse, canonical format, clock. */
#define _POSIX_C_SOURCE 200809L

#include "eventc/time.h"

#include <string.h>
#include <time.h>

#define SECONDS_PER_DAY 86400
/* Days from 0000-01-01 to 1970-01-01. */
#define DAYS_0000_TO_1970 719528
/* Days in a full 400-year Gregorian cycle. */
#define DAYS_PER_400Y 146097

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29u : days[m - 1];
}

/* Days from 0000-01-01 to January 1st of year y (0 <= y <= 10000). Year 0 is a leap year
 * (divisible by 400), so the leap years before y are 0 plus those in 1..y-1. */
static int64_t days_before_year(int64_t y)
{
    int64_t leaps = 0;
    if (y > 0) {
        leaps = 1 + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
    }
    return 365 * y + leaps;
}

static unsigned days_before_month(int64_t y, unsigned m)
{
    static const unsigned short before[12] = {0,   31,  59,  90,  120, 151,
                                              181, 212, 243, 273, 304, 334};
    return before[m - 1] + (m > 2 && is_leap(y) ? 1u : 0u);
}

/* Days since 1970-01-01 of a valid date in years 0 to 9999. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    return days_before_year(y) + days_before_month(y, m) + (d - 1) - DAYS_0000_TO_1970;
}

/* Inverse of days_from_civil for days in the range of years 0 to 9999. */
static void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + DAYS_0000_TO_1970; /* days since 0000-01-01, >= 0 */
    int64_t year = z / DAYS_PER_400Y * 400;
    int64_t rem = z % DAYS_PER_400Y;
    unsigned month = 1;
    int64_t doy;

    /* 400 years have 146097 days; the estimate is at most one year off either way. */
    year += rem * 400 / DAYS_PER_400Y;
    while (days_before_year(year) > z) {
        year--;
    }
    while (days_before_year(year + 1) <= z) {
        year++;
    }
    doy = z - days_before_year(year);
    while (month < 12 && days_before_month(year, month + 1) <= doy) {
        month++;
    }
    *y = year;
    *m = month;
    *d = (unsigned)(doy - days_before_month(year, month)) + 1;
}

/* Reads `count` ASCII digits at s; false if any is not a digit. */
static bool read_digits(const char *s, unsigned count, unsigned *out)
{
    unsigned v = 0;
    unsigned i;
    for (i = 0; i < count; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

eventc_status eventc_timestamp_parse(const char *s, size_t n, eventc_timestamp *out)
{
    unsigned year;
    unsigned month;
    unsigned day;
    unsigned hour;
    unsigned minute;
    unsigned second;
    uint32_t nanos = 0;

    /* "YYYY-MM-DDTHH:MM:SSZ" is 20 bytes; a 9-digit fraction adds 10. */
    if (s == NULL || n < 20 || n > 30) {
        return EVENTC_E_TIMESTAMP;
    }
    if (!read_digits(s, 4, &year) || s[4] != '-' || !read_digits(s + 5, 2, &month) || s[7] != '-' ||
        !read_digits(s + 8, 2, &day) || s[10] != 'T' || !read_digits(s + 11, 2, &hour) ||
        s[13] != ':' || !read_digits(s + 14, 2, &minute) || s[16] != ':' ||
        !read_digits(s + 17, 2, &second) || s[n - 1] != 'Z') {
        return EVENTC_E_TIMESTAMP;
    }
    if (n > 20) {
        unsigned digits = (unsigned)(n - 21);
        unsigned frac;
        unsigned i;
        if (s[19] != '.' || digits == 0 || !read_digits(s + 20, digits, &frac)) {
            return EVENTC_E_TIMESTAMP;
        }
        for (i = digits; i < 9; i++) {
            frac *= 10;
        }
        nanos = frac;
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 59) {
        return EVENTC_E_TIMESTAMP;
    }
    out->seconds = days_from_civil(year, month, day) * SECONDS_PER_DAY +
                   (int64_t)(hour * 3600 + minute * 60 + second);
    out->nanos = nanos;
    return EVENTC_OK;
}

static void put_digits(char *out, unsigned v, unsigned count)
{
    while (count-- > 0) {
        out[count] = (char)('0' + v % 10);
        v /= 10;
    }
}

size_t eventc_timestamp_format(eventc_timestamp ts, char out[EVENTC_TIMESTAMP_MAX])
{
    int64_t days;
    int64_t secs;
    int64_t year;
    unsigned month;
    unsigned day;
    size_t len = 19;

    if (ts.seconds < EVENTC_TIMESTAMP_MIN_SECONDS || ts.seconds > EVENTC_TIMESTAMP_MAX_SECONDS ||
        ts.nanos > 999999999u) {
        out[0] = '\0';
        return 0;
    }
    /* Floor division: seconds before 1970 belong to the earlier day. */
    days = ts.seconds / SECONDS_PER_DAY;
    secs = ts.seconds % SECONDS_PER_DAY;
    if (secs < 0) {
        secs += SECONDS_PER_DAY;
        days--;
    }
    civil_from_days(days, &year, &month, &day);
    put_digits(out, (unsigned)year, 4);
    out[4] = '-';
    put_digits(out + 5, month, 2);
    out[7] = '-';
    put_digits(out + 8, day, 2);
    out[10] = 'T';
    put_digits(out + 11, (unsigned)(secs / 3600), 2);
    out[13] = ':';
    put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
    out[16] = ':';
    put_digits(out + 17, (unsigned)(secs % 60), 2);
    if (ts.nanos != 0) {
        unsigned digits = 9;
        uint32_t frac = ts.nanos;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        out[len++] = '.';
        put_digits(out + len, frac, digits);
        len += digits;
    }
    out[len++] = 'Z';
    out[len] = '\0';
    return len;
}

eventc_status eventc_timestamp_now(eventc_timestamp *out)
{
    struct timespec tv;
    if (clock_gettime(CLOCK_REALTIME, &tv) != 0) {
        return EVENTC_E_IO;
    }
    out->seconds = (int64_t)tv.tv_sec;
    out->nanos = (uint32_t)tv.tv_nsec;
    return EVENTC_OK;
}

eventc_timestamp eventc_timestamp_from_unix_ms(int64_t unix_ms)
{
    eventc_timestamp ts;
    int64_t rem = unix_ms % 1000;
    ts.seconds = unix_ms / 1000;
    if (rem < 0) {
        rem += 1000;
        ts.seconds--;
    }
    ts.nanos = (uint32_t)rem * 1000000u;
    return ts;
}

int64_t eventc_timestamp_to_unix_ms(eventc_timestamp ts)
{
    /* Saturate instead of overflowing for seconds beyond about 292 million years. */
    if (ts.seconds > INT64_MAX / 1000 - 1) {
        return INT64_MAX;
    }
    if (ts.seconds < INT64_MIN / 1000 + 1) {
        return INT64_MIN;
    }
    return ts.seconds * 1000 + (int64_t)(ts.nanos / 1000000u);
}

int eventc_timestamp_compare(eventc_timestamp a, eventc_timestamp b)
{
    if (a.seconds != b.seconds) {
        return a.seconds < b.seconds ? -1 : 1;
    }
    if (a.nanos != b.nanos) {
        return a.nanos < b.nanos ? -1 : 1;
    }
    return 0;
}
