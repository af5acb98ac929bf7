/* Any bytes into the CloudEvents readers: the JSON format, and the HTTP, Kafka and NATS bindings
 * with headers taken from the input. The first byte picks the reader (layout in ce_input.h; seeds
 * for every reader are written by ce_seeds.c). Properties: no crash, leak or undefined behaviour,
 * and an accepted event writes to the JSON format and reads back equal. */
#include "ce_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    ce_input in;
    eventc_ce_event ev;
    eventc_error err;
    ce_input_split(&in, data, size);
    eventc_ce_init(&ev, NULL);
    if (ce_input_read(&in, &ev, &err) == EVENTC_OK) {
        eventc_buf out;
        eventc_buf_init(&out, NULL);
        eventc_ce_event again;
        eventc_ce_init(&again, NULL);
        if (eventc_ce_to_json(&ev, &out, &err) != EVENTC_OK)
            abort(); /* what was accepted must be writable */
        if (eventc_ce_from_json(&again, out.data, out.len, NULL, &err) != EVENTC_OK)
            abort();
        if (!eventc_ce_equal(&ev, &again))
            abort();
        eventc_ce_clear(&again);
        eventc_buf_free(&out);
    }
    eventc_ce_clear(&ev);
    ce_input_free(&in);
    return 0;
}
