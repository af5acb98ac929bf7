/**
 * @file id.h
 * @brief Event identifiers: ULID generation and checks, UUID checks and version 4 generation.
 *
 * A ULID is 26 characters of Crockford base32 (0-9 and A-Z without I, L, O, U) encoding a
 * 48-bit Unix time in milliseconds followed by 80 random bits, so ids sort by creation time.
 * Generated ULIDs are uppercase; checks accept either case.
 *
 * Randomness comes from getrandom(2), falling back to /dev/urandom; when neither works the
 * generating functions return EVENTC_E_IO.
 */
#ifndef EVENTC_ID_H
#define EVENTC_ID_H

#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Length of a ULID in characters (a buffer needs one more byte for the NUL). */
#define EVENTC_ULID_LEN 26
/** Length of a UUID in its 8-4-4-4-12 text form (a buffer needs one more byte). */
#define EVENTC_UUID_LEN 36
/** Largest timestamp a ULID can hold (2^48 - 1 ms, in the year 10889). */
#define EVENTC_ULID_MAX_MS UINT64_C(0xFFFFFFFFFFFF)

/**
 * State of a monotonic ULID generator. Fields are private. Either call eventc_ulid_gen_init or
 * zero-fill it. Not thread-safe: use one generator per thread.
 */
typedef struct eventc_ulid_gen {
    uint64_t last_ms;
    uint8_t last[10];
} eventc_ulid_gen;

/** Prepares a generator with no history. */
EVENTC_API void eventc_ulid_gen_init(eventc_ulid_gen *g);

/**
 * Writes the next ULID (uppercase, NUL-terminated) for time @p unix_ms into @p out.
 *
 * Monotonic: within the same millisecond the random part is the previous one plus 1, so ids
 * from one generator strictly increase. If @p unix_ms is earlier than the last one used (the
 * clock went backwards), the last millisecond is kept and the random part incremented, so
 * order is preserved. A later millisecond draws fresh randomness.
 *
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT when @p unix_ms exceeds EVENTC_ULID_MAX_MS;
 *         EVENTC_E_LIMIT when the 80-bit random part would overflow within one millisecond;
 *         EVENTC_E_IO when no randomness is available. On error @p out and @p g are untouched.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ulid_gen_next(eventc_ulid_gen *g, uint64_t unix_ms,
                                                               char out[EVENTC_ULID_LEN + 1]);

/**
 * Writes a fresh ULID for the current real time into @p out, using a generator private to the
 * calling thread: ids made by one thread are strictly increasing; no state is shared between
 * threads (ids from different threads in the same millisecond are ordered randomly).
 * @return as eventc_ulid_gen_next, EVENTC_E_IO also when the clock is unavailable.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ulid_new(char out[EVENTC_ULID_LEN + 1]);

/**
 * Same as eventc_ulid_new, but for the given time (for instance the same instant as the
 * event's occurred_at), still through the calling thread's generator.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ulid_new_at(uint64_t unix_ms,
                                                             char out[EVENTC_ULID_LEN + 1]);

/**
 * Writes the ULID of time @p unix_ms with the 80-bit random part @p random (big-endian) into
 * @p out (uppercase, NUL-terminated): no randomness is drawn, so the same parts give the same
 * ULID (reproducible ids in tests, see eventc/stamp.h).
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT when @p unix_ms exceeds EVENTC_ULID_MAX_MS.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ulid_encode(uint64_t unix_ms,
                                                             const uint8_t random[10],
                                                             char out[EVENTC_ULID_LEN + 1]);

/** @return true when @p s (@p n bytes) is a ULID: 26 Crockford base32 characters, either
 *          case, I L O U excluded, the first one 0-7. */
EVENTC_API bool eventc_ulid_check(const char *s, size_t n);

/**
 * Extracts the timestamp of a ULID.
 * @param unix_ms receives the milliseconds since the epoch (untouched on failure).
 * @return false when @p s is not a ULID (see eventc_ulid_check).
 */
EVENTC_API bool eventc_ulid_time(const char *s, size_t n, uint64_t *unix_ms);

/** @return true when @p s (@p n bytes) is a UUID in 8-4-4-4-12 hexadecimal form, either case
 *          (any version or variant). */
EVENTC_API bool eventc_uuid_check(const char *s, size_t n);

/**
 * Writes a random (version 4, RFC 9562 variant) UUID, lowercase and NUL-terminated.
 * @return EVENTC_OK or EVENTC_E_IO when no randomness is available (@p out untouched).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_uuid_v4(char out[EVENTC_UUID_LEN + 1]);

#ifdef __cplusplus
}
#endif

#endif
