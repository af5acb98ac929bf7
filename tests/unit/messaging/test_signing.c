/* Signed events: sign and verify, what tampering is caught, key ids, the canonical form surviving
 * every binding and mode, and the middleware pair and signing publisher on the bus with a dead
 * letter for what fails verification. */
#include "check.h"

#include <eventc/bus.h>
#include <eventc/middleware.h>
#include <eventc/signing.h>

#include <string.h>

static const unsigned char secret1[] = "first secret, 32 bytes long....";
static const unsigned char secret2[] = "second secret";

static void make(eventc_ce_event *ev)
{
    CHECK(eventc_ce_init_json(ev, NULL, "s1", "/signer", "com.example.x.done", "{\"a\":[1,2]}", 11,
                              NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_subject(ev, "agg-1", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_time_str(ev, "2024-05-06T07:08:09.5+02:00", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_integer(ev, "version", 3, NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_boolean(ev, "flag", true, NULL) == EVENTC_OK);
}

static void test_sign_verify(void)
{
    eventc_signing_key k1 = {NULL, secret1, sizeof(secret1) - 1};
    eventc_signing_key k2 = {"k2", secret2, sizeof(secret2) - 1};
    eventc_signing_key both[2] = {k1, k2};
    eventc_ce_event ev, copy;
    eventc_error err;
    make(&ev);
    CHECK(eventc_ce_verify(&ev, &k1, 1, &err) == EVENTC_E_SIGNATURE);
    CHECK_STR(err.message, "the event is not signed");
    CHECK(eventc_ce_sign(&ev, &k1, &err) == EVENTC_OK);
    CHECK(eventc_ce_verify(&ev, both, 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_get_ext(&ev, "signature")->len == 3 + 44);
    /* The canonical form is stable: extensions sorted, signature left out. */
    eventc_buf a, b;
    eventc_buf_init(&a, NULL);
    eventc_buf_init(&b, NULL);
    CHECK(eventc_ce_canonical_form(&ev, &a, &err) == EVENTC_OK);
    CHECK(eventc_ce_remove_ext(&ev, "signature"));
    CHECK(eventc_ce_canonical_form(&ev, &b, &err) == EVENTC_OK);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    CHECK(a.len > 9 && memcmp(a.data,
                              "\0\0\0\x0f"
                              "datacontenttype",
                              19) == 0);
    eventc_buf_free(&a);
    eventc_buf_free(&b);
    CHECK(eventc_ce_sign(&ev, &k1, &err) == EVENTC_OK);

    /* Tampering with the data, an attribute, an extension, or adding one: refused. */
    const char *what[] = {"data", "subject", "version", "added"};
    for (int i = 0; i < 4; i++) {
        memset(&copy, 0, sizeof(copy));
        CHECK(eventc_ce_copy(&copy, &ev, NULL, &err) == EVENTC_OK);
        if (i == 0) {
            CHECK(eventc_ce_set_data_json(&copy, "{\"a\":[1,3]}", 11, &err) == EVENTC_OK);
        } else if (i == 1) {
            CHECK(eventc_ce_set_subject(&copy, "agg-2", &err) == EVENTC_OK);
        } else if (i == 2) {
            CHECK(eventc_ce_set_ext_integer(&copy, "version", 4, &err) == EVENTC_OK);
        } else {
            CHECK(eventc_ce_set_ext_string(&copy, "extra", "x", &err) == EVENTC_OK);
        }
        CHECK(eventc_ce_verify(&copy, &k1, 1, &err) == EVENTC_E_SIGNATURE);
        if (eventc_ce_verify(&copy, &k1, 1, &err) == EVENTC_OK) {
            fprintf(stderr, "tampered %s verified\n", what[i]);
        }
        eventc_ce_clear(&copy);
    }
    /* partitionkey is not signed: the Kafka binding may add it from the record key. */
    memset(&copy, 0, sizeof(copy));
    CHECK(eventc_ce_copy(&copy, &ev, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(&copy, "partitionkey", "agg-1", &err) == EVENTC_OK);
    CHECK(eventc_ce_verify(&copy, &k1, 1, &err) == EVENTC_OK);
    /* A garbled signature, and the wrong key. */
    CHECK(eventc_ce_set_ext_string(&copy, "signature", "v1=AAAA", &err) == EVENTC_OK);
    CHECK(eventc_ce_verify(&copy, &k1, 1, &err) == EVENTC_E_SIGNATURE);
    eventc_ce_clear(&copy);
    eventc_signing_key wrong = {NULL, secret2, sizeof(secret2) - 1};
    CHECK(eventc_ce_verify(&ev, &wrong, 1, &err) == EVENTC_E_SIGNATURE);

    /* A key id picks the key; an unknown id is refused. */
    CHECK(eventc_ce_sign(&ev, &k2, &err) == EVENTC_OK);
    CHECK(eventc_ce_verify(&ev, both, 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_verify(&ev, &k1, 1, &err) == EVENTC_E_SIGNATURE);
    CHECK_STR(err.message, "no key named k2");
    CHECK(eventc_ce_sign(&ev, &(eventc_signing_key){NULL, NULL, 0}, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_clear(&ev);
}

/* Signed once, verified after each binding and mode carried the event. */
static void test_bindings(void)
{
    eventc_signing_key k = {"main", secret1, sizeof(secret1) - 1};
    eventc_ce_event ev, back;
    eventc_error err;
    make(&ev);
    CHECK(eventc_ce_sign(&ev, &k, &err) == EVENTC_OK);
    const eventc_ce_codec *codecs[] = {eventc_ce_codec_http(EVENTC_CE_MODE_BINARY),
                                       eventc_ce_codec_http(EVENTC_CE_MODE_STRUCTURED),
                                       eventc_ce_codec_kafka(EVENTC_CE_MODE_BINARY),
                                       eventc_ce_codec_json(),
                                       eventc_ce_codec_nats(EVENTC_CE_MODE_BINARY)};
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
        eventc_ce_message msg;
        eventc_ce_message_init(&msg, NULL);
        CHECK(codecs[i]->encode(codecs[i], &ev, &msg, &err) == EVENTC_OK);
        msg.key = "agg-1"; /* a Kafka record key: the decoder adds partitionkey */
        msg.key_len = 5;
        memset(&back, 0, sizeof(back));
        CHECK(codecs[i]->decode(codecs[i], &back, &msg, NULL, &err) == EVENTC_OK);
        CHECK(eventc_ce_verify(&back, &k, 1, &err) == EVENTC_OK);
        eventc_ce_clear(&back);
        eventc_ce_message_clear(&msg);
    }
    eventc_ce_clear(&ev);
}

static eventc_status echo(const eventc_message *in, eventc_emitter *out, void *ctx,
                          eventc_error *err)
{
    (*(int *)ctx)++;
    return eventc_emit(out, "out", NULL, &in->event, err);
}

static void quiet(void *ctx, const char *h, const eventc_error *e)
{
    (void)ctx, (void)h, (void)e;
}

static void test_middleware(void)
{
    eventc_signing_key k = {"main", secret1, sizeof(secret1) - 1};
    eventc_error err;
    eventc_bus *bus = eventc_bus_new(NULL, NULL);
    eventc_publisher *raw = eventc_bus_publisher(bus);
    eventc_publisher *signer = eventc_signing_publisher_new(raw, &k);
    CHECK(signer != NULL);
    eventc_subscriber *in = eventc_bus_subscriber(bus);
    eventc_subscriber *out = eventc_bus_subscriber(bus);
    eventc_subscriber *dlq = eventc_bus_subscriber(bus);
    CHECK(eventc_subscriber_subscribe(out, "out", "c", &err) == EVENTC_OK);
    CHECK(eventc_subscriber_subscribe(dlq, "in.deadletter", "c", &err) == EVENTC_OK);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    eventc_router *r = eventc_router_new(&rc, &err);
    /* The recommended order: signing outside correlation, which changes the outputs. */
    eventc_middleware mw[4];
    eventc_signing_key k_out = {"out", secret2, sizeof(secret2) - 1};
    CHECK(eventc_sign_middleware(&k_out, &mw[0], &err) == EVENTC_OK);
    CHECK(eventc_correlation_middleware(&mw[1], &err) == EVENTC_OK);
    eventc_deadletter_config dc = {raw, NULL, 0};
    CHECK(eventc_deadletter_middleware(&dc, &mw[2], &err) == EVENTC_OK);
    CHECK(eventc_verify_middleware(&k, 1, &mw[3], &err) == EVENTC_OK);
    int calls = 0;
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "verified";
    h.subscriber = in;
    h.topic = "in";
    h.group = "g";
    h.fn = echo;
    h.ctx = &calls;
    h.publisher = raw;
    h.middleware = mw;
    h.n_middleware = 4;
    CHECK(eventc_router_add_handler(r, &h, &err) == EVENTC_OK);

    eventc_message m;
    eventc_message_init(&m, NULL);
    make(&m.event);
    /* Signed through the signing publisher: handled; its output signed with the other key. */
    CHECK(eventc_publisher_publish1(signer, "in", &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_get_ext(&m.event, "signature") == NULL); /* the caller's copy untouched */
    /* Unsigned, and signed then tampered: dead-lettered, never handled. */
    CHECK(eventc_publisher_publish1(raw, "in", &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_sign(&m.event, &k, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_subject(&m.event, "someone-else", &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(raw, "in", &m, &err) == EVENTC_OK);
    size_t n, total = 0;
    do {
        CHECK(eventc_router_run_once(r, 0, &n, &err) == EVENTC_OK);
        total += n;
    } while (n > 0);
    CHECK(total == 3);
    CHECK(calls == 1);
    eventc_message *got[4];
    CHECK(eventc_subscriber_fetch(out, 4, 0, got, &n, &err) == EVENTC_OK);
    CHECK(n == 1);
    if (n == 1) {
        CHECK(eventc_ce_verify(&got[0]->event, &k_out, 1, &err) == EVENTC_OK);
        CHECK_STR(eventc_ce_get_ext(&got[0]->event, "correlationid")->str, "s1");
        CHECK(eventc_subscriber_ack(out, got[0], &err) == EVENTC_OK);
    }
    CHECK(eventc_subscriber_fetch(dlq, 4, 0, got, &n, &err) == EVENTC_OK);
    CHECK(n == 2);
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(eventc_ce_get_ext(&got[i]->event, EVENTC_DLQ_CODE)->str, "signature");
        CHECK(eventc_subscriber_ack(dlq, got[i], &err) == EVENTC_OK);
    }
    eventc_message_clear(&m);
    eventc_router_free(r);
    eventc_subscriber_destroy(in);
    eventc_subscriber_destroy(out);
    eventc_subscriber_destroy(dlq);
    eventc_publisher_close(signer);
    eventc_publisher_close(raw);
    eventc_bus_free(bus);
}

int main(void)
{
    test_sign_verify();
    test_bindings();
    test_middleware();
    return check_report();
}
