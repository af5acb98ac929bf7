/* The CloudEvents NATS protocol binding: binary mode (ce- headers, percent-encoded values,
 * datacontenttype in its own ce- header, the data as the payload) and structured mode (the JSON
 * event format with a Content-Type header); exact headers produced, the mode chosen by the
 * receiver, every rejection with its message, round trips of every attribute type, and
 * allocation failure at every point of encoding and decoding. */
#include "ce_fixtures.h"
#include "check.h"

#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

static void test_binary_encode(void)
{
    eventc_ce_event ev;
    eventc_ce_message m;
    eventc_error err;
    rich_event(&ev, "application/json; charset=utf-8");
    eventc_ce_message_init(&m, NULL);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
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
                                "ce-datacontenttype: application/json;%20charset=utf-8\n");
    CHECK_STR(m.body, "{\"k\":[1,\"\xc3\xa9\"]}");
    CHECK(m.body_len == strlen(m.body) && m.key == NULL);
    CHECK(eventc_ce_nats_mode(m.headers, m.n_headers) == EVENTC_CE_MODE_BINARY);
    /* Every header value is printable ASCII, as NATS requires. */
    for (size_t i = 0; i < m.n_headers; i++)
        for (const char *c = m.headers[i].value; *c; c++)
            CHECK(*c > 0x20 && *c < 0x7f);

    /* JSON data without datacontenttype: the implied type is made explicit. */
    CHECK(eventc_ce_set_datacontenttype(&ev, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK_STR(eventc_header_find(m.headers, m.n_headers, "ce-datacontenttype"), "application/json");
    CHECK(eventc_header_find(m.headers, m.n_headers, "content-type") == NULL);
    /* Binary data without datacontenttype: no datacontenttype at all. */
    CHECK(eventc_ce_set_data_binary(&ev, "\x00\x01", 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_header_find(m.headers, m.n_headers, "ce-datacontenttype") == NULL);
    CHECK(m.body_len == 2 && m.body[0] == 0 && m.body[1] == 1);
    /* No data: an empty payload. */
    eventc_ce_unset_data(&ev);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(m.body != NULL && m.body_len == 0);

    /* A datacontenttype that looks like the structured media type cannot go in binary mode. */
    CHECK(eventc_ce_set_datacontenttype(&ev, "application/cloudevents-sample+json", &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "datacontenttype: \"application/cloudevents-sample+json\" cannot travel "
                         "in binary mode: receivers read a content type starting with "
                         "application/cloudevents as structured mode [cloudevents]");
    CHECK(m.n_headers == 0 && m.body == NULL);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_datacontenttype(&ev, NULL, &err) == EVENTC_OK);

    /* Invalid events and modes are refused and leave the message empty. */
    ev.id = "";
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "id: must be a non-empty string [cloudevents]");
    CHECK(m.n_headers == 0 && m.body == NULL);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(m.n_headers == 0 && m.body == NULL);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BATCH, &m, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(fmt(&err),
              "the NATS binding has binary and structured modes only [invalid_argument]");
    CHECK(eventc_ce_nats_encode(NULL, EVENTC_CE_MODE_BINARY, &m, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
}

static void test_structured_encode(void)
{
    eventc_ce_event ev;
    eventc_ce_message m;
    eventc_error err;
    eventc_buf json;
    rich_event(&ev, "application/json; charset=utf-8");
    eventc_ce_message_init(&m, NULL);
    eventc_buf_init(&json, NULL);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_OK);
    CHECK_STR(headers_text(&m), "content-type: application/cloudevents+json; charset=utf-8\n");
    CHECK(eventc_ce_to_json(&ev, &json, &err) == EVENTC_OK);
    CHECK(m.body_len == json.len && memcmp(m.body, json.data, json.len) == 0);
    CHECK(eventc_ce_nats_mode(m.headers, m.n_headers) == EVENTC_CE_MODE_STRUCTURED);
    eventc_buf_free(&json);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
}

/* Both modes give the event back, with each extension's canonical string. */
static void test_roundtrips(void)
{
    eventc_ce_event ev, back;
    eventc_ce_message m;
    eventc_error err;
    rich_event(&ev, "application/json; charset=utf-8");
    eventc_ce_init(&back, NULL);
    eventc_ce_message_init(&m, NULL);
    for (int mode = 0; mode < 2; mode++) {
        CHECK(eventc_ce_nats_encode(&ev, (eventc_ce_mode)mode, &m, &err) == EVENTC_OK);
        CHECK(eventc_ce_nats_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                    &err) == EVENTC_OK);
        CHECK(eventc_ce_equal(&ev, &back));
        CHECK_STR(back.datacontenttype, "application/json; charset=utf-8");
        CHECK(back.data_kind == EVENTC_CE_DATA_JSON);
    }
    /* Binary mode: extensions come back as Strings holding their canonical strings. */
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_OK);
    const eventc_ce_value *count = eventc_ce_get_ext(&back, "count");
    CHECK(count != NULL && count->type == EVENTC_CE_STRING);
    int32_t n = 0;
    CHECK(eventc_ce_ext_integer(&back, "count", &n) == EVENTC_OK && n == -5);
    CHECK_STR(back.subject, "Euro \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK_STR(back.id, "id 1 \"q\" 100%");

    /* Text and binary data by datacontenttype; no data and an empty payload. */
    CHECK(eventc_ce_set_datacontenttype(&ev, "text/plain", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_text(&ev, "h\xc3\xa9llo", 6, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_OK);
    CHECK(back.data_kind == EVENTC_CE_DATA_TEXT && eventc_ce_equal(&ev, &back));
    CHECK(eventc_ce_set_datacontenttype(&ev, "application/octet-stream", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_binary(&ev, "\x00\xff\x00", 3, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_OK);
    CHECK(back.data_kind == EVENTC_CE_DATA_BINARY && back.data_len == 3 &&
          memcmp(back.data, "\x00\xff\x00", 3) == 0);
    eventc_ce_unset_data(&ev);
    CHECK(eventc_ce_nats_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_nats_decode(&back, m.headers, m.n_headers, NULL, 0, NULL, &err) == EVENTC_OK);
    CHECK(back.data_kind == EVENTC_CE_DATA_NONE && eventc_ce_equal(&ev, &back));

    /* The codec of the messaging library uses this binding too (decoded either mode). */
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
    eventc_ce_clear(&back);
}

static void test_decode(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_ce_init(&ev, NULL);

    /* The example of the binding (3.1.4), header names in any case, values percent-decoded. */
    eventc_header ex[] = {{"ce-specversion", "1.0"},
                          {"CE-Type", "com.example.someevent"},
                          {"ce-time", "2018-04-05T03:56:24Z"},
                          {"ce-id", "1234-1234-1234"},
                          {"ce-source", "/mycontext/subcontext"},
                          {"ce-datacontenttype", "application/json"},
                          {"Nats-Msg-Id", "e:1"},
                          {"ce-comexampleextension", "Euro%20%e2%82%ac"}};
    CHECK(eventc_ce_nats_decode(&ev, ex, 8, "{\"a\": 1}", 8, NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.type, "com.example.someevent");
    CHECK_STR(ev.datacontenttype, "application/json");
    CHECK(ev.data_kind == EVENTC_CE_DATA_JSON);
    CHECK_STR(ev.data, "{\"a\":1}");
    CHECK(ev.n_exts == 1);
    CHECK_STR(eventc_ce_get_ext(&ev, "comexampleextension")->str, "Euro \xe2\x82\xac");

    /* Double-quoted values of older senders are unquoted first. */
    eventc_header quoted[] = {{"ce-specversion", "1.0"},
                              {"ce-id", "\"a \\\"b\\\"\""},
                              {"ce-source", "/s"},
                              {"ce-type", "t"}};
    CHECK(eventc_ce_nats_decode(&ev, quoted, 4, NULL, 0, NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.id, "a \"b\"");

    /* A Content-Type that is not the structured media type is datacontenttype too, and must
     * agree with ce-datacontenttype when both are there. */
    eventc_header ct[] = {{"ce-specversion", "1.0"},
                          {"ce-id", "1"},
                          {"ce-source", "/s"},
                          {"ce-type", "t"},
                          {"Content-Type", "text/plain"},
                          {"ce-datacontenttype", "text/plain"}};
    CHECK(eventc_ce_nats_decode(&ev, ct, 5, "hi", 2, NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.datacontenttype, "text/plain");
    CHECK(ev.data_kind == EVENTC_CE_DATA_TEXT);
    CHECK(eventc_ce_nats_decode(&ev, ct, 6, "hi", 2, NULL, &err) == EVENTC_OK);
    ct[5].value = "text/html";
    CHECK(eventc_ce_nats_decode(&ev, ct, 6, "hi", 2, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "ce-datacontenttype: disagrees with the content-type header [cloudevents]");
    CHECK(ev.id == NULL && ev.n_exts == 0);

    /* Refusals name the header. */
    eventc_header bad[] = {{"ce-specversion", "1.0"},
                           {"ce-id", "1"},
                           {"ce-source", "/s"},
                           {"ce-type", "t"},
                           {"ce-time", "yesterday"}};
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(strncmp(fmt(&err), "ce-time: ", 9) == 0);
    bad[4].name = "ce-id";
    bad[4].value = "2";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "ce-id: attribute given twice [cloudevents]");
    bad[4].name = "ce-x";
    bad[4].value = "%C0%A0";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_UTF8);
    CHECK(strncmp(fmt(&err), "ce-x: ", 6) == 0);
    bad[4].value = "%2";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(strncmp(fmt(&err), "ce-x: ", 6) == 0);
    bad[4].value = "a%00b";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "ce-x: control character U+0000 is not allowed in a String [cloudevents]");
    bad[4].name = "ce-data";
    bad[4].value = "x";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "ce-data: data is not an attribute: it is the body [cloudevents]");
    bad[4].name = "ce-datacontenttype";
    bad[4].value = "application/json";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, "{", 1, NULL, &err) == EVENTC_E_SYNTAX);
    CHECK(strncmp(fmt(&err), "payload: ", 9) == 0);
    bad[4].value = "not a media type";
    CHECK(eventc_ce_nats_decode(&ev, bad, 5, NULL, 0, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(strncmp(fmt(&err), "ce-datacontenttype: ", 20) == 0);
    /* A required attribute missing. */
    CHECK(eventc_ce_nats_decode(&ev, bad, 3, NULL, 0, NULL, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "ce-type: required attribute is missing [required]");
    CHECK(ev.id == NULL);

    /* Structured mode: the JSON event format only; ce- headers are ignored. */
    eventc_header st[] = {{"Content-Type", "  Application/CloudEvents+json; charset=utf-8"},
                          {"ce-id", "ignored"}};
    const char *doc = "{\"specversion\":\"1.0\",\"id\":\"7\",\"source\":\"/s\",\"type\":\"t\"}";
    CHECK(eventc_ce_nats_mode(st, 2) == EVENTC_CE_MODE_STRUCTURED);
    CHECK(eventc_ce_nats_decode(&ev, st, 2, doc, strlen(doc), NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.id, "7");
    CHECK(eventc_ce_nats_decode(&ev, st, 2, "{", 1, NULL, &err) == EVENTC_E_SYNTAX);
    CHECK(eventc_ce_nats_decode(&ev, st, 2, NULL, 0, NULL, &err) == EVENTC_E_SYNTAX);
    st[0].value = "application/cloudevents-batch+json";
    CHECK(eventc_ce_nats_decode(&ev, st, 2, "[]", 2, NULL, &err) == EVENTC_E_UNSUPPORTED);
    CHECK_STR(fmt(&err), "content-type: the NATS binding has no batched mode [unsupported]");
    st[0].value = "application/cloudevents+avro";
    CHECK(eventc_ce_nats_decode(&ev, st, 2, "x", 1, NULL, &err) == EVENTC_E_UNSUPPORTED);
    CHECK_STR(fmt(&err), "content-type: unsupported event format \"application/cloudevents+avro\" "
                         "(only application/cloudevents+json is implemented) [unsupported]");
    CHECK(ev.id == NULL);

    /* Arguments and limits. */
    CHECK(eventc_ce_nats_decode(NULL, st, 1, NULL, 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_nats_decode(&ev, NULL, 1, NULL, 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_nats_decode(&ev, st, 1, NULL, 1, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_header nul[] = {{NULL, "x"}};
    CHECK(eventc_ce_nats_decode(&ev, nul, 1, NULL, 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_options o = eventc_ce_options_default();
    o.limits.max_items = 2;
    CHECK(eventc_ce_nats_decode(&ev, ex, 8, NULL, 0, &o, &err) == EVENTC_E_LIMIT);
    o = eventc_ce_options_default();
    o.limits.max_string = 4;
    CHECK(eventc_ce_nats_decode(&ev, ex, 8, NULL, 0, &o, &err) == EVENTC_E_LIMIT);
    CHECK(ev.id == NULL);
    eventc_ce_clear(&ev);
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

/* Encodes and decodes a rich event in both modes with allocations failing at call n; returns 1
 * when it completed. */
static int scenario(const eventc_allocator *a, int *nomem_seen)
{
    eventc_ce_event ev, back;
    eventc_ce_message m;
    eventc_error err;
    eventc_status st;
    eventc_ce_init(&ev, a);
    eventc_ce_init(&back, a);
    eventc_ce_message_init(&m, a);
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
    STEP(eventc_ce_set_subject(&ev, "a subject with spaces", &err));
    STEP(eventc_ce_set_datacontenttype(&ev, "application/json", &err));
    for (int i = 0; i < 6; i++) {
        char name[8];
        snprintf(name, sizeof(name), "x%d", i);
        STEP(eventc_ce_set_ext_string(&ev, name, "v a l", &err));
    }
    STEP(eventc_ce_set_data_json(&ev, "{\"a\":{\"b\":[1,2,{\"c\":3}]},\"d\":\"e\"}", 33, &err));
    for (int mode = 0; mode < 2; mode++) {
        eventc_ce_options o = eventc_ce_options_default();
        o.alloc = a;
        STEP(eventc_ce_nats_encode(&ev, (eventc_ce_mode)mode, &m, &err));
        STEP(eventc_ce_nats_decode(&back, m.headers, m.n_headers, m.body, m.body_len, &o, &err));
        CHECK(eventc_ce_equal(&ev, &back));
    }
    done = 1;
out:
#undef STEP
    eventc_ce_clear(&ev);
    eventc_ce_clear(&back);
    eventc_ce_message_clear(&m);
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
    test_binary_encode();
    test_structured_encode();
    test_roundtrips();
    test_decode();
    test_alloc_failure();
    return check_report();
}
