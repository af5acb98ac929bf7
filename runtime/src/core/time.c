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

/* Inverse of days_from_civil for days in the range of years 0 to 9999, in constant time: years
 * counted from March 1st (so that the leap day ends a year), 400-year cycles of 146097 days, and
 * the month from the day of that year by the linear formula (153 * m + 2) / 5 of days before
 * month m (March = 0). One cycle is added first so that every number stays positive. */
static void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    uint32_t z = (uint32_t)(days + 719468 + DAYS_PER_400Y); /* days since 0000-03-01 - 400 y */
    uint32_t era = z / DAYS_PER_400Y, doe = z - era * DAYS_PER_400Y;      /* [0, 146096] */
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    uint32_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + (int64_t)era * 400 - 400 + (*m <= 2);
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

/* Two decimal digits of v (below 100), from a table. */
static inline void put2(char *out, unsigned v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    memcpy(out, pairs + 2 * v, 2);
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
    unsigned sec = (unsigned)secs;
    put2(out, (unsigned)year / 100);
    put2(out + 2, (unsigned)year % 100);
    out[4] = '-';
    put2(out + 5, month);
    out[7] = '-';
    put2(out + 8, day);
    out[10] = 'T';
    put2(out + 11, sec / 3600);
    out[13] = ':';
    put2(out + 14, sec / 60 % 60);
    out[16] = ':';
    put2(out + 17, sec % 60);
    if (ts.nanos != 0) {
        /* Nine digits, then the trailing zeros dropped (there is at least one non-zero digit). */
        uint32_t frac = ts.nanos;
        out[len++] = '.';
        put2(out + len, frac / 10000000);
        put2(out + len + 2, frac / 100000 % 100);
        put2(out + len + 4, frac / 1000 % 100);
        put2(out + len + 6, frac / 10 % 100);
        out[len + 8] = (char)('0' + frac % 10);
        len += 9;
        while (out[len - 1] == '0')
            len--;
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
