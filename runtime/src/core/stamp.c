/* Event stamps: the time and id constructors give an event, from injected sources or the
 * defaults (eventc/stamp.h). */
#include "eventc/stamp.h"

#include <string.h>

eventc_status eventc_stamp(const eventc_stamper *s, eventc_timestamp *at, char *id, size_t cap)
{
    eventc_status st;
    if (at == NULL || id == NULL || cap == 0)
        return EVENTC_E_INVALID_ARGUMENT;
    id[0] = '\0';
    st = s && s->now ? s->now(s->ctx, at) : eventc_timestamp_now(at);
    if (st != EVENTC_OK)
        return st;
    if (s && s->new_id) {
        st = s->new_id(s->ctx, *at, id, cap);
        /* A source that forgot the terminator must not make the constructor read past it. */
        id[cap - 1] = '\0';
        return st;
    }
    if (cap < EVENTC_ULID_LEN + 1)
        return EVENTC_E_INVALID_ARGUMENT;
    int64_t ms = eventc_timestamp_to_unix_ms(*at);
    if (ms < 0)
        return EVENTC_E_INVALID_ARGUMENT; /* before 1970: no ULID can hold it */
    return eventc_ulid_new_at((uint64_t)ms, id);
}

static eventc_status seq_now(void *ctx, eventc_timestamp *at)
{
    eventc_sequence_stamper *s = ctx;
    *at = s->next;
    return EVENTC_OK;
}

static eventc_status seq_id(void *ctx, eventc_timestamp at, char *id, size_t cap)
{
    eventc_sequence_stamper *s = ctx;
    uint8_t random[10] = {0};
    int64_t ms = eventc_timestamp_to_unix_ms(at);
    if (cap < EVENTC_ULID_LEN + 1 || ms < 0)
        return EVENTC_E_INVALID_ARGUMENT;
    for (int i = 0; i < 8; i++)
        random[9 - i] = (uint8_t)(s->count >> (8 * i));
    eventc_status st = eventc_ulid_encode((uint64_t)ms, random, id);
    if (st != EVENTC_OK)
        return st;
    s->count++;
    /* next + step, keeping the nanoseconds of the start. */
    int64_t nanos = (int64_t)s->next.nanos + (s->step_ms % 1000) * 1000000;
    s->next.seconds += s->step_ms / 1000 + (nanos >= 1000000000) - (nanos < 0);
    s->next.nanos = (uint32_t)(nanos >= 1000000000 ? nanos - 1000000000
                               : nanos < 0         ? nanos + 1000000000
                                                   : nanos);
    return EVENTC_OK;
}

const eventc_stamper *eventc_sequence_stamper_init(eventc_sequence_stamper *s,
                                                   eventc_timestamp start, int64_t step_ms)
{
    memset(s, 0, sizeof *s);
    s->next = start;
    s->step_ms = step_ms;
    s->stamper.now = seq_now;
    s->stamper.new_id = seq_id;
    s->stamper.ctx = s;
    return &s->stamper;
}
