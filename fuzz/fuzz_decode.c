/* Any bytes into the generated messaging decoder. Properties: no crash, no leak, no undefined
 * behaviour; an accepted document encodes, decodes back to an equal event, and its canonical
 * form is a fixed point; a deep copy is equal and outlives the original; a rejected one leaves
 * the event empty. */
#include "messaging.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    msg_event ev, again;
    memset(&ev, 0, sizeof ev);
    memset(&again, 0, sizeof again);
    eventc_error err;
    eventc_decode_options opts = eventc_decode_options_default();
    opts.limits.max_depth = 16;
    opts.strict = size > 0 && (data[0] & 1);
    if (msg_event_from_json_ex(&ev, (const char *)data, size, &opts, &err) != EVENTC_OK) {
        if (ev.kind != MSG_EVENT_NONE)
            abort();
        return 0;
    }
    eventc_buf out, out2;
    eventc_buf_init(&out, NULL);
    eventc_buf_init(&out2, NULL);
    if (msg_event_to_json(&ev, &out, &err) != EVENTC_OK)
        abort(); /* what decodes must encode */
    if (msg_event_from_json(&again, out.data, out.len, &err) != EVENTC_OK)
        abort();
    if (!msg_event_equal(&ev, &again))
        abort();
    if (msg_event_to_json(&again, &out2, &err) != EVENTC_OK || out.len != out2.len ||
        memcmp(out.data, out2.data, out.len) != 0)
        abort(); /* canonical output is a fixed point */
    /* A deep copy, made over a union that holds an event, is equal, and stays whole once the
     * original is released. */
    if (msg_event_copy(&again, &ev, &err) != EVENTC_OK || !msg_event_equal(&ev, &again))
        abort();
    msg_event_clear(&ev);
    eventc_buf_reset(&out2);
    if (msg_event_to_json(&again, &out2, &err) != EVENTC_OK || out.len != out2.len ||
        memcmp(out.data, out2.data, out.len) != 0)
        abort();
    eventc_buf_free(&out);
    eventc_buf_free(&out2);
    msg_event_clear(&again);
    return 0;
}
