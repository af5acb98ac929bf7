/* Shared between the decoder and the other codec walkers: JSON paths for error messages and the
 * rule checks, so that a decoded value and a value built in C are judged by the same code. */
#ifndef EVENTC_CODEC_INTERNAL_H
#define EVENTC_CODEC_INTERNAL_H

#include "eventc/codec.h"
#include "json/json_path.h"
#include "json/json_simd.h"

#include <stdint.h>
#include <string.h>

/* memcpy for the short strings of events (member names, ids, codes), inline: two overlapping
 * words inside the bounds, or three bytes that cover one to three; a call only above 16. */
static inline void codec_copy(char *w, const char *s, size_t n)
{
    if (n > 16) {
        memcpy(w, s, n);
    } else if (n >= 8) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        memcpy(w, &x, 8);
        memcpy(w + n - 8, &y, 8);
    } else if (n >= 4) {
        uint32_t u, v;
        memcpy(&u, s, 4);
        memcpy(&v, s + n - 4, 4);
        memcpy(w, &u, 4);
        memcpy(w + n - 4, &v, 4);
    } else if (n) {
        w[0] = s[0];
        w[n / 2] = s[n / 2];
        w[n - 1] = s[n - 1];
    }
}

/** Records @p code with the current path and a formatted message; returns @p code. */
eventc_status codec_fail(const json_path *p, eventc_error *err, size_t offset, eventc_status code,
                         const char *fmt, ...) EVENTC_PRINTF(5, 6);

/* Rule checks. Each returns EVENTC_OK or reports through codec_fail. */
eventc_status codec_check_string(const eventc_value_desc *v, const char *s, size_t len,
                                 size_t chars, const json_path *p, eventc_error *err,
                                 size_t offset);
eventc_status codec_check_int(const eventc_value_desc *v, int64_t x, const json_path *p,
                              eventc_error *err, size_t offset);
eventc_status codec_check_double(const eventc_value_desc *v, double x, const json_path *p,
                                 eventc_error *err, size_t offset);
eventc_status codec_check_items(const eventc_value_desc *v, const void *items, size_t n,
                                const json_path *p, eventc_error *err, size_t offset);

/** eventc_upcast, also giving the version the event was written with (when *out is set). */
eventc_status codec_upcast(const eventc_type_desc *desc, const char *json, size_t len,
                           const eventc_decode_options *o, char **out, size_t *out_len,
                           int64_t *from_version, eventc_error *err);

/** eventc_decode without upcasting, with the vector level of the reader chosen by the caller
 *  (which must be available, json_simd_available): the differential fuzzer compares the levels. */
eventc_status codec_decode_at(const eventc_type_desc *desc, void *out, const char *json, size_t len,
                              const eventc_decode_options *opts, json_simd simd, eventc_error *err);

/** eventc_encode_ex with the vector level of the writer chosen by the caller. */
eventc_status codec_encode_at(const eventc_type_desc *desc, const void *value, eventc_buf *out,
                              unsigned flags, json_simd simd, eventc_error *err);

/** The offset, in an event union, of the arena of whichever event it holds, when every event of
 *  @p types keeps its arena at that one place (generated structs start with it); SIZE_MAX
 *  otherwise. Then the arena can be found without trusting the union's kind. */
size_t codec_any_arena_offset(const eventc_event_entry *types, size_t n);

/** Deep equality of one value of type @p v at @p a and @p b (C storage). */
int codec_value_equal(const eventc_value_desc *v, const void *a, const void *b);

#endif
