/* Fixtures shared by the CloudEvents binding tests: error text, a message's headers as text, and
 * an event with every attribute and extension type. */
#ifndef EVENTC_TEST_CE_FIXTURES_H
#define EVENTC_TEST_CE_FIXTURES_H

#include "check.h"

#include <eventc/eventc.h>

#include <stdio.h>
#include <string.h>

static inline const char *fmt(const eventc_error *err)
{
    static char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];
    eventc_error_format(err, line, sizeof(line));
    return line;
}

/* Renders a message's headers as "name: value\n" lines, for exact comparisons. */
static inline const char *headers_text(const eventc_ce_message *m)
{
    static char out[4096];
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m->n_headers; i++)
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s: %s\n", m->headers[i].name,
                              m->headers[i].value);
    return out;
}

/* An event with every attribute and extension type, Unicode and characters needing
 * percent-encoding, whose data has the content type @p datacontenttype. */
static inline void rich_event(eventc_ce_event *ev, const char *datacontenttype)
{
    eventc_error err;
    eventc_timestamp ts = {1522949460, 250000000};
    eventc_ce_init(ev, NULL);
    CHECK(eventc_ce_set_id(ev, "id 1 \"q\" 100%", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_source(ev, "https://example.com/a?b=c", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_type(ev, "com.example.some-event", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_subject(ev, "Euro \xe2\x82\xac \xf0\x9f\x98\x80", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_time(ev, ts, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_dataschema(ev, "https://example.com/schema.json", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_datacontenttype(ev, datacontenttype, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_integer(ev, "count", -5, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_boolean(ev, "sampled", true, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_binary(ev, "sig", "\x01\x02\xff", 3, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_uri(ev, "schemauri", "urn:x:y", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_uri_ref(ev, "ref", "../up", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_timestamp(ev, "expiry", ts, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(ev, "partitionkey", "order-42", &err) == EVENTC_OK);
    const char *data = "{\"k\": [1, \"\xc3\xa9\"]}";
    CHECK(eventc_ce_set_data_json(ev, data, strlen(data), &err) == EVENTC_OK);
}

#endif
