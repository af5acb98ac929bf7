/* CloudEvents protocol bindings: HTTP binary, structured and batched modes and Kafka binary and
 * structured modes, to and from header lists; exact headers produced, every rejection with its
 * message, round trips, and allocation failure at every point of encoding and decoding. */
#include "ce_fixtures.h"
#include "check.h"

#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

static void test_messages(void)
{
    eventc_ce_message m;
    eventc_header h[] = {{"Content-Type", "text/plain"}, {"ce-id", "1"}, {"CE-ID", "2"}};
    eventc_ce_message_init(&m, NULL);
    CHECK(m.n_headers == 0 && m.body == NULL && m.key == NULL);
    eventc_ce_message_clear(&m);
    eventc_ce_message_clear(NULL);
    CHECK_STR(eventc_header_find(h, 3, "content-type"), "text/plain");
    CHECK_STR(eventc_header_find(h, 3, "Ce-Id"), "1");
    CHECK(eventc_header_find(h, 3, "ce-type") == NULL);
    CHECK(eventc_header_find(NULL, 0, "x") == NULL);
    CHECK(eventc_header_find(h, 3, NULL) == NULL);

    eventc_header modes[] = {{"content-type", "application/cloudevents+json; charset=utf-8"}};
    CHECK(eventc_ce_http_mode(modes, 1) == EVENTC_CE_MODE_STRUCTURED);
    modes[0].value = " Application/CloudEvents-Batch+json";
    CHECK(eventc_ce_http_mode(modes, 1) == EVENTC_CE_MODE_BATCH);
    modes[0].value = "application/cloudevents+avro";
    CHECK(eventc_ce_http_mode(modes, 1) == EVENTC_CE_MODE_STRUCTURED);
    modes[0].value = "application/json";
    CHECK(eventc_ce_http_mode(modes, 1) == EVENTC_CE_MODE_BINARY);
    CHECK(eventc_ce_http_mode(NULL, 0) == EVENTC_CE_MODE_BINARY);
}

static void test_http_binary_encode(void)
{
    eventc_ce_event ev;
    eventc_ce_message m;
    eventc_error err;
    rich_event(&ev, "application/json");
    eventc_ce_message_init(&m, NULL);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK_STR(headers_text(&m), "ce-specversion: 1.0\n"
                                "ce-id: id%201%20%22q%22%20100%25\n"
                                "ce-source: https://example.com/a?b=c\n"
                                "ce-type: com.example.some-event\n"
                                "ce-subject: Euro%20%E2%82%AC%20%F0%9F%98%80\n"
                                "ce-time: 2018-04-05T17:31:00.25Z\n"
                                "ce-dataschema: https://example.com/schema.json\n"
                                "ce-count: -5\n"
                                "ce-sampled: true\n"
                                "ce-sig: AQL/\n"
                                "ce-schemauri: urn:x:y\n"
                                "ce-ref: ../up\n"
                                "ce-expiry: 2018-04-05T17:31:00.25Z\n"
                                "ce-partitionkey: order-42\n"
                                "content-type: application/json\n");
    CHECK_STR(m.body, "{\"k\":[1,\"\xc3\xa9\"]}");
    CHECK(m.body_len == strlen(m.body) && m.key == NULL);

    /* JSON data without datacontenttype: the implied type is made explicit. */
    CHECK(eventc_ce_set_datacontenttype(&ev, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK_STR(eventc_header_find(m.headers, m.n_headers, "content-type"), "application/json");
    /* Binary data without datacontenttype: no content-type at all. */
    CHECK(eventc_ce_set_data_binary(&ev, "\x00\x01", 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_header_find(m.headers, m.n_headers, "content-type") == NULL);
    CHECK(m.body_len == 2 && m.body[0] == 0 && m.body[1] == 1);
    /* No data: an empty body. */
    eventc_ce_unset_data(&ev);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(m.body != NULL && m.body_len == 0);

    /* A datacontenttype that looks like the structured media type cannot go in binary mode. */
    CHECK(eventc_ce_set_datacontenttype(&ev, "application/cloudevents-sample+json", &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "datacontenttype: \"application/cloudevents-sample+json\" cannot travel "
                         "in binary mode: receivers read a content type starting with "
                         "application/cloudevents as structured mode [cloudevents]");
    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_datacontenttype(&ev, NULL, &err) == EVENTC_OK);

    /* Invalid events and modes are refused and leave the message empty. */
    ev.id = "";
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "id: must be a non-empty string [cloudevents]");
    CHECK(m.n_headers == 0 && m.body == NULL);
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "id: must be a non-empty string [cloudevents]");
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BATCH, &m, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_http_encode(NULL, EVENTC_CE_MODE_BINARY, &m, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
}

static void test_http_structured_and_batch_encode(void)
{
    eventc_ce_event ev[2];
    eventc_ce_message m;
    eventc_error err;
    rich_event(&ev[0], "application/json");
    eventc_ce_init(&ev[1], NULL);
    CHECK(eventc_ce_set_id(&ev[1], "2", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_source(&ev[1], "/s", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_type(&ev[1], "t", &err) == EVENTC_OK);
    eventc_ce_message_init(&m, NULL);
    CHECK(eventc_ce_http_encode(&ev[1], EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_OK);
    CHECK_STR(headers_text(&m), "content-type: application/cloudevents+json; charset=utf-8\n");
    CHECK_STR(m.body, "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\"}");
    CHECK(eventc_ce_http_encode_batch(ev, 2, &m, &err) == EVENTC_OK);
    CHECK_STR(headers_text(&m),
              "content-type: application/cloudevents-batch+json; charset=utf-8\n");
    CHECK(m.body[0] == '[' && strstr(m.body, "},{\"specversion\"") != NULL);
    CHECK(eventc_ce_http_encode_batch(NULL, 0, &m, &err) == EVENTC_OK);
    CHECK_STR(m.body, "[]");
    ev[1].type = NULL;
    CHECK(eventc_ce_http_encode_batch(ev, 2, &m, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "$[1].type: required attribute is missing [required]");
    CHECK(m.body == NULL);
    CHECK(eventc_ce_http_encode_batch(NULL, 1, &m, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev[0]);
    eventc_ce_clear(&ev[1]);
}

static void test_http_roundtrips(void)
{
    eventc_ce_event ev, back;
    eventc_ce_message m;
    eventc_error err;
    eventc_ce_batch b;
    rich_event(&ev, "application/json");
    eventc_ce_init(&back, NULL);
    eventc_ce_message_init(&m, NULL);
    eventc_ce_batch_init(&b, NULL);
    for (int mode = 0; mode < 2; mode++) {
        CHECK(eventc_ce_http_encode(&ev, (eventc_ce_mode)mode, &m, &err) == EVENTC_OK);
        CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                    &err) == EVENTC_OK);
        CHECK(eventc_ce_equal(&ev, &back));
        CHECK(eventc_ce_http_decode_batch(&b, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                          &err) == EVENTC_OK);
        CHECK(b.n_events == 1 && eventc_ce_equal(&ev, &b.events[0]));
    }
    /* Binary mode loses extension types: they come back as Strings, equal by canonical form. */
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_get_ext(&back, "count")->type == EVENTC_CE_STRING);
    int32_t count = 0;
    CHECK(eventc_ce_ext_integer(&back, "count", &count) == EVENTC_OK && count == -5);
    /* Text and bytes. */
    CHECK(eventc_ce_set_datacontenttype(&ev, "text/plain; charset=utf-8", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_text(&ev, "h\xc3\xa9llo\n", 7, &err) == EVENTC_OK);
    for (int mode = 0; mode < 2; mode++) {
        CHECK(eventc_ce_http_encode(&ev, (eventc_ce_mode)mode, &m, &err) == EVENTC_OK);
        CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                    &err) == EVENTC_OK);
        CHECK(eventc_ce_equal(&ev, &back) && back.data_kind == EVENTC_CE_DATA_TEXT);
    }
    CHECK(eventc_ce_set_datacontenttype(&ev, "image/png", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_binary(&ev, "\x89PNG\0\xff", 6, &err) == EVENTC_OK);
    for (int mode = 0; mode < 2; mode++) {
        CHECK(eventc_ce_http_encode(&ev, (eventc_ce_mode)mode, &m, &err) == EVENTC_OK);
        CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                    &err) == EVENTC_OK);
        CHECK(eventc_ce_equal(&ev, &back) && back.data_kind == EVENTC_CE_DATA_BINARY);
    }
    /* A batch. */
    eventc_ce_event two[2];
    memset(two, 0, sizeof(two));
    CHECK(eventc_ce_copy(&two[0], &ev, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_init_json(&two[1], NULL, "x", "/s", "t", "[1]", 3, &err) == EVENTC_OK);
    CHECK(eventc_ce_http_encode_batch(two, 2, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_http_decode_batch(&b, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_OK);
    CHECK(b.n_events == 2 && eventc_ce_equal(&two[0], &b.events[0]) &&
          eventc_ce_equal(&two[1], &b.events[1]));
    CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_E_UNSUPPORTED);
    CHECK_STR(fmt(&err), "content-type: a batched message holds several events: decode it with "
                         "eventc_ce_http_decode_batch [unsupported]");
    CHECK(back.id == NULL);
    eventc_ce_clear(&two[0]);
    eventc_ce_clear(&two[1]);
    eventc_ce_batch_clear(&b);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
    eventc_ce_clear(&back);
}

typedef struct http_case {
    eventc_header headers[8];
    size_t n;
    const char *body;
    eventc_status code;
    const char *want;
} http_case;

#define REQ                                                         \
    {"ce-specversion", "1.0"}, {"ce-id", "1"}, {"ce-source", "/s"}, \
    {                                                               \
        "ce-type", "t"                                              \
    }

static void test_http_decode(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_ce_init(&ev, NULL);
    /* Case-insensitive names, quoted and percent-encoded values, white space. */
    eventc_header h[] = {{"CE-SpecVersion", " 1.0 "},
                         {"Ce-Id", "\"A 1\""},
                         {"ce-source", "/s"},
                         {"ce-type", "t"},
                         {"ce-subject", "caf%c3%a9%20au%20lait"},
                         {"ce-time", "2018-04-05T19:31:00+02:00"},
                         {"ce-myext", "\"quoted \\\" %22\""},
                         {"Content-Type", " text/plain "}};
    CHECK(eventc_ce_http_decode(&ev, h, 8, "hi", 2, NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.id, "A 1");
    CHECK_STR(ev.subject, "caf\xc3\xa9 au lait");
    CHECK(ev.time.seconds == 1522949460);
    CHECK_STR(eventc_ce_get_ext(&ev, "myext")->str, "quoted \" \"");
    CHECK_STR(ev.datacontenttype, "text/plain");
    CHECK(ev.data_kind == EVENTC_CE_DATA_TEXT && ev.data_len == 2);
    /* Structured mode ignores ce- headers. */
    eventc_header s[] = {{"content-type", "application/cloudevents+json"}, {"ce-id", "other"}};
    const char *doc = "{\"specversion\":\"1.0\",\"id\":\"9\",\"source\":\"/s\",\"type\":\"t\"}";
    CHECK(eventc_ce_http_decode(&ev, s, 2, doc, strlen(doc), NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.id, "9");

    static const http_case cases[] = {
        {{{"ce-id", "1"}, {"ce-source", "/s"}, {"ce-type", "t"}},
         3,
         "",
         EVENTC_E_REQUIRED,
         "ce-specversion: required attribute is missing [required]"},
        {{{"ce-specversion", "1.0"}, {"ce-source", "/s"}, {"ce-type", "t"}},
         3,
         "",
         EVENTC_E_REQUIRED,
         "ce-id: required attribute is missing [required]"},
        {{{"ce-specversion", "0.3"}, {"ce-id", "1"}, {"ce-source", "/s"}, {"ce-type", "t"}},
         4,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-specversion: unsupported specversion \"0.3\": only \"1.0\" is supported "
         "[cloudevents]"},
        {{REQ, {"ce-id", "2"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-id: attribute given twice [cloudevents]"},
        {{REQ, {"ce-time", "2018-04-05T17:31:00Z"}, {"CE-TIME", "2018-04-05T17:31:00Z"}},
         6,
         "",
         EVENTC_E_CLOUDEVENTS,
         "CE-TIME: attribute given twice [cloudevents]"},
        {{REQ, {"ce-datacontenttype", "text/plain"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-datacontenttype: must not be present: in binary mode Content-Type carries "
         "datacontenttype [cloudevents]"},
        {{REQ, {"ce-data", "x"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-data: data is not an attribute: it is the body [cloudevents]"},
        {{REQ, {"ce-subject", "100%"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-subject: bad percent-encoding: '%' not followed by two hex digits at offset 3 "
         "[cloudevents]"},
        {{REQ, {"ce-subject", "%C0%A0"}},
         5,
         "",
         EVENTC_E_UTF8,
         "ce-subject: percent-decoded value is not valid UTF-8 (byte 0) [utf8]"},
        {{REQ, {"ce-subject", "a%0Ab"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-subject: control character U+000A is not allowed in a String [cloudevents]"},
        {{REQ, {"ce-subject", "a%00b"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-subject: control character U+0000 is not allowed in a String [cloudevents]"},
        {{REQ, {"ce-time", "2018-04-05T17:31:00"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-time: invalid RFC 3339 timestamp \"2018-04-05T17:31:00\": want "
         "YYYY-MM-DDTHH:MM:SS[.frac] then Z or +HH:MM or -HH:MM [cloudevents]"},
        {{REQ, {"ce-my_ext", "x"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-my_ext: invalid extension attribute name \"my_ext\": only lower-case letters a-z "
         "and digits 0-9 are allowed [cloudevents]"},
        {{REQ, {"ce-", "x"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-: invalid extension attribute name \"\": only lower-case letters a-z and digits 0-9 "
         "are allowed [cloudevents]"},
        {{REQ, {"ce-subject", "\"open"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-subject: unterminated quoted string [cloudevents]"},
        {{REQ, {"content-type", "application/json"}, {"Content-Type", "text/plain"}},
         6,
         "",
         EVENTC_E_CLOUDEVENTS,
         "Content-Type: more than one content-type header [cloudevents]"},
        {{REQ, {"content-type", "application json"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "content-type: not a media type (RFC 2046): expected '/' after the type at offset 11 in "
         "\"application json\" [cloudevents]"},
        {{REQ, {"content-type", "application/json"}},
         5,
         "{\"a\":",
         EVENTC_E_SYNTAX,
         "body: not JSON although the content type is application/json: unexpected end of input, "
         "expected a value [syntax]"},
        {{REQ, {"ce-source", "/other"}},
         5,
         "",
         EVENTC_E_CLOUDEVENTS,
         "ce-source: attribute given twice [cloudevents]"},
        {{{"content-type", "application/cloudevents+xml"}},
         1,
         "<x/>",
         EVENTC_E_UNSUPPORTED,
         "content-type: unsupported event format \"application/cloudevents+xml\" (only "
         "application/cloudevents+json is implemented) [unsupported]"},
        {{{"content-type", "application/cloudevents+json"}},
         1,
         "{\"specversion\":\"1.0\"}",
         EVENTC_E_REQUIRED,
         "$.id: required attribute is missing [required]"},
        {{{"content-type", "application/cloudevents+json"}},
         1,
         "",
         EVENTC_E_SYNTAX,
         "$: unexpected end of input, expected an object [syntax]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eventc_status st = eventc_ce_http_decode(&ev, cases[i].headers, cases[i].n, cases[i].body,
                                                 strlen(cases[i].body), NULL, &err);
        if (st != cases[i].code || strcmp(fmt(&err), cases[i].want) != 0)
            fprintf(stderr, "case %zu\n  got:  %s\n  want: %s\n", i, fmt(&err), cases[i].want);
        CHECK(st == cases[i].code);
        CHECK(strcmp(fmt(&err), cases[i].want) == 0);
        CHECK(ev.id == NULL && ev.arena_ == NULL);
    }
    eventc_ce_options o = eventc_ce_options_default();
    o.limits.max_items = 2;
    CHECK(eventc_ce_http_decode(&ev, h, 8, "", 0, &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "more than 2 headers [limit]");
    o = eventc_ce_options_default();
    o.limits.max_string = 3;
    CHECK(eventc_ce_http_decode(&ev, h, 8, "", 0, &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "CE-SpecVersion: header value of 5 bytes is longer than the limit of 3 "
                         "[limit]");
    o = eventc_ce_options_default();
    o.limits.max_input = 1;
    CHECK(eventc_ce_http_decode(&ev, h, 8, "hi", 2, &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "body: data of 2 bytes is larger than the limit of 1 [limit]");
    eventc_header nul[] = {REQ, {NULL, "x"}};
    CHECK(eventc_ce_http_decode(&ev, nul, 5, "", 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_http_decode(NULL, h, 8, "", 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_http_decode(&ev, NULL, 1, "", 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_http_decode(&ev, h, 8, NULL, 1, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);

    eventc_ce_batch b;
    eventc_ce_batch_init(&b, NULL);
    eventc_header bh[] = {{"content-type", "application/cloudevents-batch+xml"}};
    CHECK(eventc_ce_http_decode_batch(&b, bh, 1, "[]", 2, NULL, &err) == EVENTC_E_UNSUPPORTED);
    bh[0].value = "application/cloudevents-batch+json";
    CHECK(eventc_ce_http_decode_batch(&b, bh, 1, "[]", 2, NULL, &err) == EVENTC_OK);
    CHECK(b.n_events == 0);
    CHECK(eventc_ce_http_decode_batch(&b, cases[0].headers, cases[0].n, "", 0, NULL, &err) ==
          EVENTC_E_REQUIRED);
    CHECK(b.n_events == 0);
    CHECK(eventc_ce_http_decode_batch(NULL, bh, 1, "[]", 2, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_batch_clear(&b);
    eventc_ce_clear(&ev);
}

static int warned;
static void on_warn(void *ctx, unsigned flag, const char *path, const char *message)
{
    (void)ctx;
    (void)message;
    warned++;
    CHECK(flag == EVENTC_CE_WARN_LONG_NAME);
    CHECK_STR(path, "ce-averyveryverylongextensionname");
}

static void test_http_warning(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_ce_options o = eventc_ce_options_default();
    eventc_header h[] = {REQ, {"ce-averyveryverylongextensionname", "x"}};
    o.warn = on_warn;
    eventc_ce_init(&ev, NULL);
    CHECK(eventc_ce_http_decode(&ev, h, 5, "", 0, &o, &err) == EVENTC_OK);
    CHECK(warned == 1 && ev.warnings == EVENTC_CE_WARN_LONG_NAME);
    eventc_ce_clear(&ev);
}

static void test_kafka(void)
{
    eventc_ce_event ev, back;
    eventc_ce_message m;
    eventc_error err;
    rich_event(&ev, "application/json");
    eventc_ce_init(&back, NULL);
    eventc_ce_message_init(&m, NULL);
    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK_STR(headers_text(&m), "ce_specversion: 1.0\n"
                                "ce_id: id 1 \"q\" 100%\n"
                                "ce_source: https://example.com/a?b=c\n"
                                "ce_type: com.example.some-event\n"
                                "ce_subject: Euro \xe2\x82\xac \xf0\x9f\x98\x80\n"
                                "ce_time: 2018-04-05T17:31:00.25Z\n"
                                "ce_dataschema: https://example.com/schema.json\n"
                                "ce_count: -5\n"
                                "ce_sampled: true\n"
                                "ce_sig: AQL/\n"
                                "ce_schemauri: urn:x:y\n"
                                "ce_ref: ../up\n"
                                "ce_expiry: 2018-04-05T17:31:00.25Z\n"
                                "ce_partitionkey: order-42\n"
                                "content-type: application/json\n");
    CHECK_STR(m.key, "order-42");
    CHECK(m.key_len == 8);
    CHECK_STR(m.body, "{\"k\":[1,\"\xc3\xa9\"]}");
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, m.key, m.key_len, m.body,
                                 m.body_len, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));
    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_OK);
    CHECK_STR(headers_text(&m), "content-type: application/cloudevents+json; charset=utf-8\n");
    CHECK_STR(m.key, "order-42");
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, m.key, m.key_len, m.body,
                                 m.body_len, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));
    CHECK(eventc_ce_get_ext(&back, "count")->type == EVENTC_CE_INTEGER);

    /* No data: a record without value (a tombstone); no partitionkey: no key. */
    eventc_ce_unset_data(&ev);
    CHECK(eventc_ce_remove_ext(&ev, "partitionkey"));
    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(m.body == NULL && m.body_len == 0 && m.key == NULL);
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, NULL, 0, NULL, 0, NULL, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));
    /* The key becomes partitionkey unless turned off or already present. */
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, "k1", 2, NULL, 0, NULL, &err) ==
          EVENTC_OK);
    CHECK_STR(eventc_ce_get_ext(&back, "partitionkey")->str, "k1");
    eventc_ce_options o = eventc_ce_options_default();
    o.kafka_key_to_partitionkey = 0;
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, "k1", 2, NULL, 0, &o, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_get_ext(&back, "partitionkey") == NULL);
    /* A key that is no String (binary, control characters) is left alone. */
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, "k\n", 2, NULL, 0, NULL, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_get_ext(&back, "partitionkey") == NULL);
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, "k\0", 2, NULL, 0, NULL, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_get_ext(&back, "partitionkey") == NULL);
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, "\xff\x01", 2, NULL, 0, NULL,
                                 &err) == EVENTC_OK);
    CHECK(eventc_ce_get_ext(&back, "partitionkey") == NULL);
    eventc_header pk[] = {REQ, {"ce_partitionkey", "from-header"}};
    pk[0].name = "ce_specversion";
    pk[1].name = "ce_id";
    pk[2].name = "ce_source";
    pk[3].name = "ce_type";
    CHECK(eventc_ce_kafka_decode(&back, pk, 5, "k1", 2, "", 0, NULL, &err) == EVENTC_OK);
    CHECK_STR(eventc_ce_get_ext(&back, "partitionkey")->str, "from-header");
    CHECK(back.data_kind == EVENTC_CE_DATA_NONE);

    /* ce_datacontenttype must agree with content-type (some producers send both). */
    eventc_header both[] = {{"ce_specversion", "1.0"},
                            {"ce_id", "1"},
                            {"ce_source", "/s"},
                            {"ce_type", "t"},
                            {"ce_datacontenttype", "text/plain"},
                            {"content-type", "text/plain"}};
    CHECK(eventc_ce_kafka_decode(&back, both, 6, NULL, 0, "hi", 2, NULL, &err) == EVENTC_OK);
    CHECK_STR(back.datacontenttype, "text/plain");
    CHECK(back.data_kind == EVENTC_CE_DATA_TEXT);
    CHECK(eventc_ce_kafka_decode(&back, both, 5, NULL, 0, "hi", 2, NULL, &err) == EVENTC_OK);
    CHECK_STR(back.datacontenttype, "text/plain");
    both[5].value = "application/json";
    CHECK(eventc_ce_kafka_decode(&back, both, 6, NULL, 0, "{}", 2, NULL, &err) ==
          EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "ce_datacontenttype: disagrees with the content-type header "
                         "[cloudevents]");
    both[5].name = "ce_datacontenttype";
    CHECK(eventc_ce_kafka_decode(&back, both, 6, NULL, 0, "{}", 2, NULL, &err) ==
          EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "ce_datacontenttype: attribute given twice [cloudevents]");
    /* Kafka values are not percent-decoded. */
    eventc_header raw[] = {
        {"ce_specversion", "1.0"}, {"ce_id", "100%"}, {"ce_source", "/s"}, {"ce_type", "t"}};
    CHECK(eventc_ce_kafka_decode(&back, raw, 4, NULL, 0, NULL, 0, NULL, &err) == EVENTC_OK);
    CHECK_STR(back.id, "100%");
    raw[1].value = "a\xff";
    CHECK(eventc_ce_kafka_decode(&back, raw, 4, NULL, 0, NULL, 0, NULL, &err) == EVENTC_E_UTF8);
    CHECK_STR(fmt(&err), "ce_id: invalid UTF-8 at byte 1 [utf8]");
    raw[1].name = "ce-id";
    CHECK(eventc_ce_kafka_decode(&back, raw, 4, NULL, 0, NULL, 0, NULL, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "ce_id: required attribute is missing [required]");

    /* Structured mode. */
    eventc_header st[] = {{"content-type", "application/cloudevents+json"}};
    CHECK(eventc_ce_kafka_decode(&back, st, 1, NULL, 0, NULL, 0, NULL, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "value: a structured-mode record needs a value [required]");
    st[0].value = "application/cloudevents-batch+json";
    CHECK(eventc_ce_kafka_decode(&back, st, 1, NULL, 0, "[]", 2, NULL, &err) ==
          EVENTC_E_UNSUPPORTED);
    CHECK_STR(fmt(&err), "content-type: the Kafka binding has no batched mode [unsupported]");
    st[0].value = "application/cloudevents+protobuf";
    CHECK(eventc_ce_kafka_decode(&back, st, 1, NULL, 0, "x", 1, NULL, &err) ==
          EVENTC_E_UNSUPPORTED);
    st[0].value = "application/cloudevents+json; charset=utf-8";
    CHECK(eventc_ce_kafka_decode(&back, st, 1, NULL, 0, "{}", 2, NULL, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "$.specversion: required attribute is missing [required]");

    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_BATCH, &m, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_kafka_encode(NULL, EVENTC_CE_MODE_BINARY, &m, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    ev.source = "a b";
    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(m.n_headers == 0);
    CHECK(eventc_ce_kafka_decode(NULL, st, 1, NULL, 0, NULL, 0, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_kafka_decode(&back, st, 1, NULL, 1, NULL, 0, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
    eventc_ce_clear(&back);
}

/* An allocator that fails at call number `fail_at`, counting live blocks. */
typedef struct failing {
    long calls, fail_at, live;
} failing;

static void *f_alloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (++f->calls == f->fail_at)
        return NULL;
    f->live++;
    return malloc(n);
}

static void *f_realloc(void *ctx, void *p, size_t old, size_t n)
{
    failing *f = ctx;
    (void)old;
    if (++f->calls == f->fail_at)
        return NULL;
    if (p == NULL)
        f->live++;
    return realloc(p, n);
}

static void f_free(void *ctx, void *p, size_t n)
{
    failing *f = ctx;
    (void)n;
    if (p)
        f->live--;
    free(p);
}

/* Runs one whole scenario with allocations failing at call n; returns 1 when it completed. */
static int scenario(const eventc_allocator *a, int *nomem_seen)
{
    eventc_ce_event ev, back, copy;
    eventc_ce_message m;
    eventc_ce_batch b;
    eventc_error err;
    eventc_status st;
    char pad[3000];
    memset(pad, 'p', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    eventc_ce_init(&ev, a);
    eventc_ce_init(&back, a);
    eventc_ce_init(&copy, a);
    eventc_ce_message_init(&m, a);
    eventc_ce_batch_init(&b, a);
    int done = 0;
#define STEP(call)                                  \
    do {                                            \
        st = (call);                                \
        if (st != EVENTC_OK) {                      \
            if (st == EVENTC_E_NOMEM)               \
                (*nomem_seen)++;                    \
            else                                    \
                fprintf(stderr, "%s\n", fmt(&err)); \
            CHECK(st == EVENTC_E_NOMEM);            \
            goto out;                               \
        }                                           \
    } while (0)
    STEP(eventc_ce_set_id(&ev, "id 1", &err));
    STEP(eventc_ce_set_source(&ev, "/s", &err));
    STEP(eventc_ce_set_type(&ev, "t", &err));
    STEP(eventc_ce_set_subject(&ev, pad, &err));
    STEP(eventc_ce_set_datacontenttype(&ev, "application/json", &err));
    for (int i = 0; i < 6; i++) {
        char name[8];
        snprintf(name, sizeof(name), "x%d", i);
        STEP(eventc_ce_set_ext_string(&ev, name, "v a l", &err));
    }
    STEP(eventc_ce_set_ext_binary(&ev, "bin", pad, 100, &err));
    STEP(eventc_ce_set_ext_string(&ev, "partitionkey", "pk", &err));
    STEP(eventc_ce_set_data_json(&ev, "{\"a\":{\"b\":[1,2,{\"c\":3}]},\"d\":\"e\"}", 33, &err));
    STEP(eventc_ce_copy(&copy, &ev, a, &err));
    for (int mode = 0; mode < 2; mode++) {
        STEP(eventc_ce_http_encode(&ev, (eventc_ce_mode)mode, &m, &err));
        STEP(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err));
        CHECK(eventc_ce_equal(&ev, &back));
        STEP(eventc_ce_http_decode_batch(&b, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                         &err));
        STEP(eventc_ce_kafka_encode(&ev, (eventc_ce_mode)mode, &m, &err));
        eventc_ce_options o = eventc_ce_options_default();
        o.alloc = a;
        STEP(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, m.key, m.key_len, m.body,
                                    m.body_len, &o, &err));
        CHECK(eventc_ce_equal(&ev, &back));
    }
    {
        eventc_ce_event two[2] = {ev, copy};
        STEP(eventc_ce_http_encode_batch(two, 2, &m, &err));
        eventc_ce_options o = eventc_ce_options_default();
        o.alloc = a;
        STEP(eventc_ce_http_decode_batch(&b, m.headers, m.n_headers, m.body, m.body_len, &o, &err));
        CHECK(b.n_events == 2);
    }
    done = 1;
out:
#undef STEP
    eventc_ce_clear(&ev);
    eventc_ce_clear(&back);
    eventc_ce_clear(&copy);
    eventc_ce_message_clear(&m);
    eventc_ce_batch_clear(&b);
    return done;
}

static void test_alloc_failure(void)
{
    int nomem = 0, completed = 0;
    long n;
    for (n = 1; n < 2000 && !completed; n++) {
        failing f = {0, n, 0};
        eventc_allocator a = {f_alloc, f_realloc, f_free, &f};
        completed = scenario(&a, &nomem);
        CHECK(f.live == 0);
        if (f.live != 0)
            fprintf(stderr, "leak with failure at allocation %ld\n", n);
    }
    CHECK(completed);
    CHECK(nomem == n - 2);
    printf("allocation failure: %d failure points\n", nomem);
}

int main(void)
{
    test_messages();
    test_http_binary_encode();
    test_http_structured_and_batch_encode();
    test_http_roundtrips();
    test_http_decode();
    test_http_warning();
    test_kafka();
    test_alloc_failure();
    return check_report();
}
