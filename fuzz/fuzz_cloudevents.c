/* Any bytes into the CloudEvents readers: the JSON format, and the HTTP and Kafka bindings with
 * headers taken from the input ("name: value" lines, a blank line, then the body). Properties: no
 * crash, leak or undefined behaviour, and an accepted event writes to the JSON format and reads
 * back equal. The first byte picks the reader. */
#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_HEADERS 32

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % 3;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    eventc_ce_event ev;
    eventc_ce_init(&ev, NULL);
    eventc_error err;
    eventc_status st;
    eventc_header headers[MAX_HEADERS];
    char *copies[2 * MAX_HEADERS];
    size_t n_headers = 0, n_copies = 0;
    const char *body = in;
    size_t body_len = n;
    if (mode == 0) {
        st = eventc_ce_from_json(&ev, in, n, NULL, &err);
    } else {
        /* Header lines up to the first empty line; the rest is the body. */
        const char *p = in, *end = in + n;
        while (p < end && n_headers < MAX_HEADERS) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *eol = nl ? nl : end;
            if (eol == p) {
                p = nl ? nl + 1 : end;
                break;
            }
            const char *colon = memchr(p, ':', (size_t)(eol - p));
            if (!colon)
                break;
            const char *v = colon + 1;
            while (v < eol && *v == ' ')
                v++;
            char *name = malloc((size_t)(colon - p) + 1), *value = malloc((size_t)(eol - v) + 1);
            if (!name || !value) {
                free(name);
                free(value);
                break;
            }
            memcpy(name, p, (size_t)(colon - p));
            name[colon - p] = '\0';
            memcpy(value, v, (size_t)(eol - v));
            value[eol - v] = '\0';
            copies[n_copies++] = name;
            copies[n_copies++] = value;
            headers[n_headers].name = name;
            headers[n_headers].value = value;
            n_headers++;
            p = nl ? nl + 1 : end;
        }
        body = p;
        body_len = (size_t)(end - p);
        if (mode == 1)
            st = eventc_ce_http_decode(&ev, headers, n_headers, body, body_len, NULL, &err);
        else
            st = eventc_ce_kafka_decode(&ev, headers, n_headers, NULL, 0, body, body_len, NULL,
                                        &err);
    }
    if (st == EVENTC_OK) {
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
    for (size_t i = 0; i < n_copies; i++)
        free(copies[i]);
    return 0;
}
