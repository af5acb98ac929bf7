/* The message, the port wrappers' argument checks, routing, the codecs and the clocks. */
#include "check.h"

#include <eventc/messaging.h>

#include <string.h>

static void test_message(void)
{
    eventc_message m, c;
    eventc_error err;
    eventc_message_init(&m, NULL);
    CHECK(m.topic == NULL && m.key == NULL && m.attempt == 0);
    CHECK(eventc_ce_init_json(&m.event, NULL, "id-1", "/src", "com.example.shop.order.placed",
                              "{\"n\":1}", 7, &err) == EVENTC_OK);
    CHECK(eventc_message_set_topic(&m, "orders", &err) == EVENTC_OK);
    CHECK(eventc_message_set_topic(&m, "orders2", &err) == EVENTC_OK);
    CHECK_STR(m.topic, "orders2");
    CHECK(eventc_message_set_topic(&m, "", &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(m.topic, "orders2");
    CHECK(eventc_message_set_key(&m, "k1", &err) == EVENTC_OK);
    m.attempt = 3;
    memset(&c, 0, sizeof(c));
    CHECK(eventc_message_copy(&c, &m, &err) == EVENTC_OK);
    CHECK_STR(c.topic, "orders2");
    CHECK_STR(c.key, "k1");
    CHECK(c.attempt == 3);
    CHECK(c.topic != m.topic);
    CHECK(eventc_ce_equal(&c.event, &m.event));
    CHECK(eventc_message_set_key(&m, NULL, &err) == EVENTC_OK);
    CHECK(m.key == NULL);
    eventc_message_clear(&m);
    CHECK(m.topic == NULL && m.event.id == NULL);
    eventc_message_clear(&c);
    eventc_message_clear(&c);
    eventc_message_clear(NULL);
}

static void test_wrappers(void)
{
    eventc_error err;
    eventc_message *out[1];
    size_t n = 7;
    CHECK(eventc_publisher_publish(NULL, "t", NULL, 0, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_subscriber_fetch(NULL, 1, 0, out, &n, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(n == 0);
    eventc_publisher_close(NULL);
    eventc_subscriber_close(NULL);
    eventc_subscriber_destroy(NULL);
    CHECK(eventc_status_retryable(EVENTC_E_UNAVAILABLE));
    CHECK(eventc_status_retryable(EVENTC_E_TIMEOUT));
    CHECK(!eventc_status_retryable(EVENTC_E_SYNTAX));
    CHECK(!eventc_status_retryable(EVENTC_E_SIGNATURE));
    CHECK(!eventc_status_retryable(EVENTC_OK));
}

static void resolve(const eventc_routing *r, const eventc_ce_event *ev, const char *want_topic,
                    const char *want_key)
{
    eventc_buf topic, key;
    bool has_key;
    eventc_error err;
    eventc_buf_init(&topic, NULL);
    eventc_buf_init(&key, NULL);
    CHECK(eventc_routing_resolve(r, ev, &topic, &key, &has_key, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&topic), want_topic);
    if (want_key == NULL) {
        CHECK(!has_key);
    } else {
        CHECK(has_key);
        CHECK_STR(eventc_buf_cstr(&key), want_key);
    }
    eventc_buf_free(&topic);
    eventc_buf_free(&key);
}

static void test_routing(void)
{
    eventc_ce_event ev;
    eventc_error err;
    CHECK(eventc_ce_init_json(&ev, NULL, "id-1", "/messaging",
                              "com.Example.Messaging.Customer.created", "{}", 2,
                              &err) == EVENTC_OK);
    /* Default: one topic per aggregate, lower case; no key without subject or partitionkey. */
    resolve(NULL, &ev, "com.example.messaging.customer", NULL);
    CHECK(eventc_ce_set_subject(&ev, "cust-1", &err) == EVENTC_OK);
    resolve(NULL, &ev, "com.example.messaging.customer", "cust-1");
    CHECK(eventc_ce_set_ext_string(&ev, "partitionkey", "pk-9", &err) == EVENTC_OK);
    resolve(NULL, &ev, "com.example.messaging.customer", "pk-9");

    eventc_routing *r = eventc_routing_new();
    CHECK(r != NULL);
    eventc_route everything = {"*", "all", NULL};
    eventc_route prefix = {"com.Example.Messaging.", "messaging", "subject"};
    eventc_route longer = {"com.Example.Messaging.Customer*", "customers", NULL};
    eventc_route exact = {"com.Example.Messaging.Customer.created", NULL, ""};
    eventc_route bad = {"", "x", NULL};
    CHECK(eventc_routing_add(r, &bad, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_routing_add(r, &everything, &err) == EVENTC_OK);
    resolve(r, &ev, "all", "pk-9");
    CHECK(eventc_routing_add(r, &prefix, &err) == EVENTC_OK);
    resolve(r, &ev, "messaging", "cust-1");
    CHECK(eventc_routing_add(r, &longer, &err) == EVENTC_OK);
    resolve(r, &ev, "customers", "pk-9");
    CHECK(eventc_routing_add(r, &exact, &err) == EVENTC_OK);
    /* Exact wins; its NULL topic keeps the default topic; "" means no key. */
    resolve(r, &ev, "com.example.messaging.customer", NULL);
    /* Replacing a rule. */
    eventc_route exact2 = {"com.Example.Messaging.Customer.created", "one", NULL};
    CHECK(eventc_routing_add(r, &exact2, &err) == EVENTC_OK);
    resolve(r, &ev, "one", "pk-9");

    eventc_message m;
    eventc_message_init(&m, NULL);
    CHECK(eventc_ce_copy(&m.event, &ev, NULL, &err) == EVENTC_OK);
    CHECK(eventc_message_set_key(&m, "mine", &err) == EVENTC_OK);
    CHECK(eventc_routing_apply(r, &m, &err) == EVENTC_OK);
    CHECK_STR(m.topic, "one");
    CHECK_STR(m.key, "mine");
    eventc_message_clear(&m);

    eventc_ce_event none;
    eventc_ce_init(&none, NULL);
    eventc_buf t, k;
    bool has_key;
    eventc_buf_init(&t, NULL);
    eventc_buf_init(&k, NULL);
    CHECK(eventc_routing_resolve(r, &none, &t, &k, &has_key, &err) == EVENTC_E_REQUIRED);
    eventc_buf_free(&t);
    eventc_buf_free(&k);
    eventc_routing_free(r);
    eventc_routing_free(NULL);
    eventc_ce_clear(&ev);
}

static void test_codecs(void)
{
    const eventc_ce_codec *codecs[] = {eventc_ce_codec_http(EVENTC_CE_MODE_BINARY),
                                       eventc_ce_codec_http(EVENTC_CE_MODE_STRUCTURED),
                                       eventc_ce_codec_kafka(EVENTC_CE_MODE_BINARY),
                                       eventc_ce_codec_kafka(EVENTC_CE_MODE_STRUCTURED),
                                       eventc_ce_codec_json(),
                                       eventc_ce_codec_nats(EVENTC_CE_MODE_BINARY),
                                       eventc_ce_codec_nats(EVENTC_CE_MODE_STRUCTURED)};
    eventc_ce_event ev, back;
    eventc_error err;
    CHECK(eventc_ce_init_json(&ev, NULL, "id-1", "/src", "t.x", "{\"a\":[1,2]}", 11, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(&ev, "partitionkey", "k", &err) == EVENTC_OK);
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
        eventc_ce_message msg;
        eventc_ce_message_init(&msg, NULL);
        eventc_ce_init(&back, NULL);
        CHECK(codecs[i]->version == EVENTC_CE_CODEC_VERSION);
        CHECK(codecs[i]->encode(codecs[i], &ev, &msg, &err) == EVENTC_OK);
        CHECK(codecs[i]->decode(codecs[i], &back, &msg, NULL, &err) == EVENTC_OK);
        CHECK(eventc_ce_equal(&ev, &back));
        eventc_ce_message_clear(&msg);
        eventc_ce_clear(&back);
    }
    CHECK_STR(codecs[4]->name, "json");
    CHECK_STR(codecs[5]->name, "nats-binary");
    CHECK_STR(codecs[6]->name, "nats-structured");
    eventc_ce_clear(&ev);
}

static void test_clocks(void)
{
    int64_t a = eventc_clock_now(NULL);
    int64_t b = eventc_clock_now(NULL);
    CHECK(b >= a);
    CHECK(eventc_clock_now(eventc_clock_realtime()) > INT64_C(1600000000000));
    eventc_manual_clock *mc = eventc_manual_clock_new(1000);
    const eventc_clock *c = eventc_manual_clock_get(mc);
    CHECK(eventc_clock_now(c) == 1000);
    eventc_manual_clock_advance(mc, 500);
    CHECK(eventc_clock_now(c) == 1500);
    eventc_clock_sleep(c, 250);
    CHECK(eventc_clock_now(c) == 1750);
    CHECK(eventc_manual_clock_slept(mc) == 250);
    eventc_clock_sleep(c, -5);
    CHECK(eventc_manual_clock_slept(mc) == 250);
    eventc_manual_clock_free(mc);
    eventc_manual_clock_free(NULL);
}

int main(void)
{
    test_message();
    test_wrappers();
    test_routing();
    test_codecs();
    test_clocks();
    return check_report();
}
