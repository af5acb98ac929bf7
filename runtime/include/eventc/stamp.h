/**
 * @file stamp.h
 * @brief Where event constructors take an event's time and id from: the real-time clock and a
 *        fresh ULID by default, or sources a caller injects (reproducible tests, replays, a
 *        clock of its own).
 *
 * Every generated event constructor has two forms: `<prefix>_<event>_init(ev, ...)` stamps the
 * event with the defaults, `<prefix>_<event>_init_ex(ev, stamper, ...)` with @p stamper. The
 * stamper is read once per event: one time, then one id for that time, so ids sort with times.
 * Usable from C99 and C++.
 */
#ifndef EVENTC_STAMP_H
#define EVENTC_STAMP_H

#include "eventc/common.h"
#include "eventc/id.h"
#include "eventc/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for an event id a stamper writes, NUL included (a ULID needs 27 bytes, a UUID 37). */
#define EVENTC_STAMP_ID_MAX 64

/**
 * Sources of an event's time and id. A NULL stamper, or a NULL member, means the default.
 * Both functions may fail: the constructor then fails with their status and builds nothing.
 */
typedef struct eventc_stamper {
    /** Writes the event's time into @p at. NULL: the real-time clock (eventc_timestamp_now). */
    eventc_status (*now)(void *ctx, eventc_timestamp *at);
    /** Writes the id of an event at time @p at into @p id, NUL-terminated, at most @p cap bytes
     *  (EVENTC_STAMP_ID_MAX). NULL: a fresh ULID of that time (eventc_ulid_new_at). */
    eventc_status (*new_id)(void *ctx, eventc_timestamp at, char *id, size_t cap);
    /** Passed to both functions. */
    void *ctx;
} eventc_stamper;

/**
 * Stamps one event: its time from @p s, then its id for that time.
 * @param s   the sources; NULL: the defaults
 * @param at  receives the time
 * @param id  receives the id (NUL-terminated); @p cap bytes, at least EVENTC_ULID_LEN + 1
 * @return EVENTC_OK, or the failing source's status (EVENTC_E_IO for an unavailable clock or no
 *         randomness); then @p at and @p id must not be used.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_stamp(const eventc_stamper *s,
                                                       eventc_timestamp *at, char *id, size_t cap);

/**
 * A stamper for reproducible tests: the n-th event it stamps (from 0) has the time
 * `start + n * step_ms` milliseconds and, as id, the ULID of that time whose random part is n,
 * so every run gives the same events. Fill it with eventc_sequence_stamper_init. Not thread-safe:
 * one per thread, or a lock around the constructors that use it.
 */
typedef struct eventc_sequence_stamper {
    /** The stamper view (what eventc_sequence_stamper_init returns). */
    eventc_stamper stamper;
    /** The time of the next event. */
    eventc_timestamp next;
    /** Milliseconds between two events. */
    int64_t step_ms;
    /** Events stamped so far: the random part of the next id. */
    uint64_t count;
} eventc_sequence_stamper;

/** Prepares @p s to stamp events from @p start, @p step_ms apart; returns its stamper view,
 *  valid as long as @p s. */
EVENTC_API const eventc_stamper *
eventc_sequence_stamper_init(eventc_sequence_stamper *s, eventc_timestamp start, int64_t step_ms);

#ifdef __cplusplus
}
#endif

#endif
