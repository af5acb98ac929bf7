/**
 * @file time.h
 * @brief UTC timestamps: the one timestamp rule of eventc, parsing, canonical formatting.
 *
 * eventc accepts exactly one textual form, a strict subset of RFC 3339:
 *
 *     YYYY-MM-DDTHH:MM:SS[.F]Z
 *
 * - year 0000-9999, month 01-12, day valid for that month (Gregorian leap years: divisible by
 *   4, except centuries not divisible by 400), hour 00-23, minute 00-59, second 00-59 (no leap
 *   second 60);
 * - optional fraction of 1 to 9 digits after a '.';
 * - uppercase 'T' and 'Z' only; UTC only, no numeric offsets; nothing before or after.
 *
 * The C decoders (eventc_timestamp_parse) and the JSON Schema back end (which renders the same
 * rule as a regular expression plus the calendar check) implement this same rule; change both
 * or neither. Output is always the canonical form of eventc_timestamp_format.
 *
 * All arithmetic is done here (proleptic Gregorian calendar, no leap seconds), without
 * timegm/gmtime, so it behaves identically on every platform for years 0 to 9999.
 */
#ifndef EVENTC_TIME_H
#define EVENTC_TIME_H

#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Buffer size for eventc_timestamp_format: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" plus NUL. */
#define EVENTC_TIMESTAMP_MAX 32

/** The representable range in Unix seconds: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define EVENTC_TIMESTAMP_MIN_SECONDS INT64_C(-62167219200)
#define EVENTC_TIMESTAMP_MAX_SECONDS INT64_C(253402300799)

/** A point in time: seconds since 1970-01-01T00:00:00Z (proleptic Gregorian, no leap
 *  seconds; negative before 1970) plus nanoseconds (0 to 999999999). */
typedef struct eventc_timestamp {
    int64_t seconds;
    uint32_t nanos;
} eventc_timestamp;

/**
 * Parses @p n bytes at @p s (not necessarily NUL-terminated) under the rule above.
 * @param out receives the timestamp; untouched on failure.
 * @return EVENTC_OK or EVENTC_E_TIMESTAMP.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_timestamp_parse(const char *s, size_t n,
                                                                 eventc_timestamp *out);

/**
 * Writes the canonical form of @p ts into @p out, NUL-terminated: `YYYY-MM-DDTHH:MM:SSZ`, or
 * with the fraction stripped of trailing zeros (`.5Z`, `.123456789Z`) when nanos is non-zero.
 * The result parses back to @p ts.
 * @return the length written (20 to 30), or 0 with @p out set to "" when @p ts is outside
 *         years 0000-9999 or nanos is above 999999999.
 */
EVENTC_API size_t eventc_timestamp_format(eventc_timestamp ts, char out[EVENTC_TIMESTAMP_MAX]);

/**
 * Reads the real-time clock (clock_gettime CLOCK_REALTIME).
 * @return EVENTC_OK, or EVENTC_E_IO when the clock is unavailable (@p out untouched).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_timestamp_now(eventc_timestamp *out);

/** @return the timestamp @p unix_ms milliseconds after the epoch (negative: before). */
EVENTC_API eventc_timestamp eventc_timestamp_from_unix_ms(int64_t unix_ms);

/** @return @p ts in milliseconds since the epoch, rounded towards negative infinity. */
EVENTC_API int64_t eventc_timestamp_to_unix_ms(eventc_timestamp ts);

/** @return negative, 0 or positive as @p a is before, equal to or after @p b. */
EVENTC_API int eventc_timestamp_compare(eventc_timestamp a, eventc_timestamp b);

#ifdef __cplusplus
}
#endif

#endif
