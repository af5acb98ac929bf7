/* The input layout of the CloudEvents harness (fuzz_cloudevents.c), shared with the program that
 * writes its seeds (ce_seeds.c) so that seeds and harness read bytes the same way:
 *
 *   byte 0        the reader, by its value modulo 4: '0' the JSON event format, '1' the HTTP
 *                 binding, '2' the Kafka binding, '3' the NATS binding (the seeds use these
 *                 four digits)
 *   JSON          the rest is the document
 *   HTTP, Kafka,  "name: value" lines (spaces after the colon skipped), an empty line, then the
 *   NATS          body; reading headers stops at the first line without a colon
 */
#ifndef EVENTC_FUZZ_CE_INPUT_H
#define EVENTC_FUZZ_CE_INPUT_H

#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

enum { CE_INPUT_JSON = 0, CE_INPUT_HTTP = 1, CE_INPUT_KAFKA = 2, CE_INPUT_NATS = 3 };
#define CE_INPUT_MAX_HEADERS 32

typedef struct ce_input {
    unsigned reader;
    const char *text; /* after the reader byte */
    size_t len;
    eventc_header headers[CE_INPUT_MAX_HEADERS];
    size_t n_headers;
    const char *body;
    size_t body_len;
} ce_input;

static inline void ce_input_free(ce_input *in)
{
    for (size_t i = 0; i < in->n_headers; i++) {
        free((char *)in->headers[i].name);
        free((char *)in->headers[i].value);
    }
    in->n_headers = 0;
}

/* Splits data (size >= 1) as described above; header names and values are copied (NUL
 * terminated), released by ce_input_free. */
static inline void ce_input_split(ce_input *in, const unsigned char *data, size_t size)
{
    in->reader = data[0] % 4;
    in->text = (const char *)data + 1;
    in->len = size - 1;
    in->n_headers = 0;
    in->body = in->text;
    in->body_len = in->len;
    if (in->reader == CE_INPUT_JSON)
        return;
    const char *p = in->text, *end = in->text + in->len;
    while (p < end && in->n_headers < CE_INPUT_MAX_HEADERS) {
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
        in->headers[in->n_headers].name = name;
        in->headers[in->n_headers].value = value;
        in->n_headers++;
        p = nl ? nl + 1 : end;
    }
    in->body = p;
    in->body_len = (size_t)(end - p);
}

/* Runs the reader the input names. */
static inline eventc_status ce_input_read(const ce_input *in, eventc_ce_event *ev,
                                          eventc_error *err)
{
    switch (in->reader) {
    case CE_INPUT_JSON:
        return eventc_ce_from_json(ev, in->text, in->len, NULL, err);
    case CE_INPUT_HTTP:
        return eventc_ce_http_decode(ev, in->headers, in->n_headers, in->body, in->body_len, NULL,
                                     err);
    case CE_INPUT_KAFKA:
        return eventc_ce_kafka_decode(ev, in->headers, in->n_headers, NULL, 0, in->body,
                                      in->body_len, NULL, err);
    default:
        return eventc_ce_nats_decode(ev, in->headers, in->n_headers, in->body, in->body_len, NULL,
                                     err);
    }
}

#endif
