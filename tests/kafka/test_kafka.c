/* The Kafka adapter beyond the conformance suite, on librdkafka's mock cluster: offsets are
 * committed only up to the longest acknowledged run; a nack holds its key (and only its key) for
 * its delay; a partition holding max_buffered records is paused and resumed; what close does;
 * the publisher's outcomes (unreachable brokers, a full local queue, an oversized record, a bad
 * configuration), keys and both content modes. */
#define _POSIX_C_SOURCE 200809L
#include "kafka_test.h"

static kafka_mock mock;

/* A single-partition topic, so that offsets and order are the test's to predict. */
static void one_partition(const char *topic)
{
    CHECK(rd_kafka_mock_topic_create(mock.cluster, topic, 1, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

static const char *id_of(const eventc_message *m)
{
    return m != NULL && m->event.id != NULL ? m->event.id : "(none)";
}

/* Offsets move only over acknowledged records: acks of 0-2 and 5-6 commit 3; acking 3 commits 4,
 * 4 then 7; close commits what was acked, and the group's next consumer starts there. */
static void test_commit_positions(void)
{
    one_partition("commits");
    eventc_kafka_config cfg = kafka_mock_config(&mock);
    cfg.commit_interval_ms = 0;
    eventc_publisher *pub = eventc_kafka_publisher_new(&cfg, NULL);
    eventc_subscriber *sub = kt_sub(&cfg, "commits", "g-commits");
    CHECK(kt_publish_range(pub, "commits", "c", 0, 10, 0) == EVENTC_OK);
    eventc_message *m[10];
    CHECK(kt_fetch(sub, m, 10) == 10);
    for (int i = 0; i < 10; i++) {
        char want[8];
        snprintf(want, sizeof(want), "c%d", i);
        CHECK_STR(id_of(m[i]), want);
        CHECK(m[i]->attempt == 1);
        CHECK_STR(m[i]->topic, "commits");
    }
    int first[] = {0, 1, 2, 5, 6};
    for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
        kt_ack(sub, m[first[i]]);
    }
    CHECK(kt_wait_committed(&mock, sub, "g-commits", "commits", 3) == 3);
    kt_ack(sub, m[3]);
    CHECK(kt_wait_committed(&mock, sub, "g-commits", "commits", 4) == 4);
    kt_ack(sub, m[4]);
    CHECK(kt_wait_committed(&mock, sub, "g-commits", "commits", 7) == 7);
    eventc_kafka_stats st;
    CHECK(eventc_kafka_subscriber_stats(sub, &st) == EVENTC_OK);
    CHECK(st.received == 10 && st.delivered == 10 && st.acked == 7 && st.in_flight == 3);
    CHECK(st.held == 3);
    /* 7, 8 and 9 are unsettled: close gives them back. */
    eventc_subscriber_destroy(sub);
    CHECK(kafka_mock_committed(&mock, "g-commits", "commits", 0) == 7);
    sub = kt_sub(&cfg, "commits", "g-commits");
    CHECK(kt_fetch(sub, m, 3) == 3);
    CHECK_STR(id_of(m[0]), "c7");
    CHECK_STR(id_of(m[2]), "c9");
    for (int i = 0; i < 3; i++) {
        kt_ack(sub, m[i]);
    }
    eventc_subscriber_destroy(sub);
    CHECK(kafka_mock_committed(&mock, "g-commits", "commits", 0) == 10);
    eventc_publisher_close(pub);
}

/* A nack with a delay holds its key and nothing else: B goes on while A waits; A comes back
 * (attempt 2) when the clock passes the delay, before A's next record; the commit waits for A. */
static void test_nack_holds_its_key(void)
{
    one_partition("nacks");
    eventc_manual_clock *clock = eventc_manual_clock_new(1000);
    eventc_kafka_config cfg = kafka_mock_config(&mock);
    cfg.clock = eventc_manual_clock_get(clock);
    cfg.commit_interval_ms = 0;
    eventc_publisher *pub = eventc_kafka_publisher_new(&cfg, NULL);
    eventc_subscriber *sub = kt_sub(&cfg, "nacks", "g-nacks");
    CHECK(kt_publish1(pub, "nacks", "A1", "A") == EVENTC_OK);
    CHECK(kt_publish1(pub, "nacks", "B1", "B") == EVENTC_OK);
    CHECK(kt_publish1(pub, "nacks", "A2", "A") == EVENTC_OK);
    CHECK(kt_publish1(pub, "nacks", "B2", "B") == EVENTC_OK);
    eventc_message *m[4];
    CHECK(kt_fetch(sub, m, 2) == 2);
    CHECK_STR(id_of(m[0]), "A1");
    CHECK_STR(id_of(m[1]), "B1");
    CHECK_STR(m[0]->key, "A");
    CHECK(kt_fetch1(sub, 300) == NULL); /* A2 and B2 wait behind their keys */
    CHECK(eventc_subscriber_nack(sub, m[0], 60000, NULL) == EVENTC_OK);
    kt_ack(sub, m[1]);
    eventc_message *b2 = kt_fetch1(sub, 5000);
    CHECK_STR(id_of(b2), "B2");
    if (b2 != NULL) {
        kt_ack(sub, b2);
    }
    CHECK(kt_fetch1(sub, 300) == NULL); /* A1 waits for its delay, A2 for A1 */
    CHECK(kt_wait_committed(&mock, sub, "g-nacks", "nacks", -1) == -1);
    eventc_manual_clock_advance(clock, 60000);
    eventc_message *a1 = kt_fetch1(sub, 5000);
    CHECK_STR(id_of(a1), "A1");
    CHECK(a1 != NULL && a1->attempt == 2);
    if (a1 != NULL) {
        kt_ack(sub, a1);
    }
    eventc_message *a2 = kt_fetch1(sub, 5000);
    CHECK_STR(id_of(a2), "A2");
    CHECK(a2 != NULL && a2->attempt == 1);
    if (a2 != NULL) {
        kt_ack(sub, a2);
    }
    CHECK(kt_wait_committed(&mock, sub, "g-nacks", "nacks", 4) == 4);
    eventc_kafka_stats st;
    CHECK(eventc_kafka_subscriber_stats(sub, &st) == EVENTC_OK);
    CHECK(st.received == 4 && st.delivered == 5 && st.nacked == 1 && st.held == 0);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(pub);
    eventc_manual_clock_free(clock);
}

/* max_buffered 10: a consumer holding 10 unsettled records has its partition paused (no 11th is
 * fetched); settling resumes it, and all 100 arrive once, none held beyond the bound. */
static void test_back_pressure(void)
{
    one_partition("pressure");
    eventc_kafka_config cfg = kafka_mock_config(&mock);
    cfg.max_buffered = 10;
    eventc_publisher *pub = eventc_kafka_publisher_new(&cfg, NULL);
    eventc_subscriber *sub = kt_sub(&cfg, "pressure", "g-pressure");
    CHECK(kt_publish_range(pub, "pressure", "p", 0, 100, 0) == EVENTC_OK);
    eventc_message *m[100];
    CHECK(kt_fetch(sub, m, 10) == 10);
    CHECK(kt_fetch1(sub, 500) == NULL);
    eventc_kafka_stats st;
    CHECK(eventc_kafka_subscriber_stats(sub, &st) == EVENTC_OK);
    CHECK(st.held == 10 && st.paused == 1 && st.pauses == 1 && st.received == 10);
    int got = 10;
    unsigned char seen[100] = {0};
    for (int i = 0; i < 10; i++) {
        seen[atoi(id_of(m[i]) + 1)]++;
        kt_ack(sub, m[i]);
    }
    while (got < 100) {
        size_t n = kt_fetch(sub, m, 1);
        if (n == 0) {
            break;
        }
        int index = atoi(id_of(m[0]) + 1);
        if (index >= 0 && index < 100) {
            seen[index]++;
        }
        kt_ack(sub, m[0]);
        got++;
    }
    CHECK(got == 100);
    int once = 0;
    for (int i = 0; i < 100; i++) {
        once += seen[i] == 1;
    }
    CHECK(once == 100);
    CHECK(eventc_kafka_subscriber_stats(sub, &st) == EVENTC_OK);
    CHECK(st.held_max == 10 && st.received == 100 && st.resumes >= 1 && st.pauses >= 1);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(pub);
}

/* After close: settling fails with EVENTC_E_CLOSED, the messages stay readable until destroy,
 * and the group's next consumer gets them. */
static void test_close(void)
{
    one_partition("closing");
    eventc_kafka_config cfg = kafka_mock_config(&mock);
    eventc_publisher *pub = eventc_kafka_publisher_new(&cfg, NULL);
    eventc_subscriber *sub = kt_sub(&cfg, "closing", "g-closing");
    CHECK(kt_publish_range(pub, "closing", "x", 0, 2, 0) == EVENTC_OK);
    eventc_message *m[2];
    CHECK(kt_fetch(sub, m, 2) == 2);
    eventc_subscriber_close(sub);
    eventc_subscriber_close(sub); /* idempotent */
    eventc_error err;
    CHECK(eventc_subscriber_ack(sub, m[0], &err) == EVENTC_E_CLOSED);
    CHECK(eventc_subscriber_nack(sub, m[1], 0, &err) == EVENTC_E_CLOSED);
    CHECK_STR(id_of(m[0]), "x0");
    size_t n;
    CHECK(eventc_subscriber_fetch(sub, 1, 0, m, &n, &err) == EVENTC_E_CLOSED);
    eventc_subscriber *next = kt_sub(&cfg, "closing", "g-closing");
    eventc_message *again[2];
    CHECK(kt_fetch(next, again, 2) == 2);
    CHECK_STR(id_of(again[0]), "x0");
    CHECK_STR(id_of(again[1]), "x1");
    eventc_subscriber_destroy(sub);
    eventc_subscriber_destroy(next);
    eventc_publisher_close(pub);
}

/* The subscriber refuses what it did not deliver and a second settle. */
static void test_settle_checks(void)
{
    eventc_kafka_config cfg = kafka_mock_config(&mock);
    eventc_subscriber *sub = kt_sub(&cfg, "checks", "g-checks");
    eventc_publisher *pub = eventc_kafka_publisher_new(&cfg, NULL);
    CHECK(kt_publish1(pub, "checks", "only", "k") == EVENTC_OK);
    eventc_message mine;
    CHECK(kt_make(&mine, "foreign", NULL, 0) == EVENTC_OK);
    eventc_error err;
    CHECK(eventc_subscriber_ack(sub, &mine, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_message_clear(&mine);
    CHECK(eventc_subscriber_subscribe(sub, "checks", "g-checks", &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_message *m = kt_fetch1(sub, 15000);
    CHECK(m != NULL);
    size_t n;
    eventc_message *none[1];
    CHECK(eventc_subscriber_fetch(sub, 0, 0, none, &n, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(pub);

    eventc_subscriber *unsubscribed = eventc_kafka_subscriber_new(&cfg, NULL);
    CHECK(eventc_subscriber_fetch(unsubscribed, 1, 0, none, &n, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_subscriber_subscribe(unsubscribed, "", "g", &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_subscriber_subscribe(unsubscribed, "a,,b", "g", &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_subscriber_destroy(unsubscribed);
}

/* Outcomes when the brokers are unreachable, the local queue is full, a record is too large;
 * bad configurations are refused at creation. */
static void test_publish_failures(void)
{
    eventc_kafka_config cfg = eventc_kafka_config_default();
    cfg.brokers = "127.0.0.1:1"; /* nothing listens there */
    cfg.delivery_timeout_ms = 1000;
    cfg.max_queued = 1;
    cfg.queue_timeout_ms = 0;
    eventc_error err;
    eventc_publisher *pub = eventc_kafka_publisher_new(&cfg, &err);
    CHECK(pub != NULL);
    eventc_message msgs[3];
    const eventc_message *ptrs[3];
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof(id), "f%d", i);
        CHECK(kt_make(&msgs[i], id, "k", i) == EVENTC_OK);
        ptrs[i] = &msgs[i];
    }
    eventc_error outcomes[3];
    CHECK(eventc_publisher_publish(pub, "nowhere", ptrs, 3, outcomes, &err) ==
          EVENTC_E_UNAVAILABLE);
    CHECK_STR(err.path, "[0]");
    CHECK(outcomes[0].code == EVENTC_E_UNAVAILABLE); /* not acknowledged in time */
    CHECK(outcomes[1].code == EVENTC_E_FULL);        /* the queue of 1 was full */
    CHECK(outcomes[2].code == EVENTC_E_UNAVAILABLE); /* not tried after [1] */
    CHECK(strstr(outcomes[2].message, "earlier") != NULL);
    /* A message without a topic fails alone. */
    CHECK(eventc_publisher_publish(pub, NULL, ptrs, 1, outcomes, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    eventc_publisher_close(pub);

    kafka_mock big;
    CHECK(kafka_mock_start(&big, 1) == 0);
    cfg = kafka_mock_config(&big);
    cfg.max_message_bytes = 2000;
    pub = eventc_kafka_publisher_new(&cfg, &err);
    static char payload[5000];
    memset(payload, 'x', sizeof(payload));
    CHECK(eventc_ce_set_data_binary(&msgs[0].event, payload, sizeof(payload), NULL) == EVENTC_OK);
    CHECK(eventc_publisher_publish(pub, "big", ptrs, 2, outcomes, &err) == EVENTC_E_LIMIT);
    CHECK(outcomes[0].code == EVENTC_E_LIMIT);
    eventc_publisher_close(pub);
    kafka_mock_stop(&big);
    for (int i = 0; i < 3; i++) {
        eventc_message_clear(&msgs[i]);
    }

    eventc_kafka_property bad = {"no.such.property", "1"};
    cfg = eventc_kafka_config_default();
    cfg.brokers = "127.0.0.1:1";
    cfg.properties = &bad;
    cfg.n_properties = 1;
    CHECK(eventc_kafka_publisher_new(&cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(err.path, "no.such.property");
    CHECK(eventc_kafka_subscriber_new(&cfg, &err) == NULL);
    cfg.n_properties = 0;
    cfg.brokers = NULL;
    CHECK(eventc_kafka_publisher_new(&cfg, &err) == NULL);
    CHECK_STR(err.path, "brokers");
    cfg.brokers = "127.0.0.1:1";
    cfg.max_buffered = 0;
    CHECK(eventc_kafka_subscriber_new(&cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_INVALID_ARGUMENT);
}

/* Structured mode arrives as the same event; the record key is the message's key, else the
 * partitionkey extension (which a binary-mode reader gets back). */
static void test_modes_and_keys(void)
{
    eventc_kafka_config cfg = kafka_mock_config(&mock);
    cfg.codec = eventc_ce_codec_kafka(EVENTC_CE_MODE_STRUCTURED);
    eventc_publisher *structured = eventc_kafka_publisher_new(&cfg, NULL);
    cfg.codec = NULL;
    eventc_publisher *binary = eventc_kafka_publisher_new(&cfg, NULL);
    eventc_subscriber *sub = kt_sub(&cfg, "modes", "g-modes");
    eventc_message a, b;
    CHECK(kt_make(&a, "structured", "key-a", 1) == EVENTC_OK);
    CHECK(eventc_ce_set_subject(&a.event, "s", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_integer(&a.event, "count", 7, NULL) == EVENTC_OK);
    /* A reader turns the record key into partitionkey when the event has none. */
    CHECK(eventc_ce_set_ext_string(&a.event, "partitionkey", "key-a", NULL) == EVENTC_OK);
    CHECK(kt_make(&b, "binary", NULL, 2) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(&b.event, "partitionkey", "agg-7", NULL) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(structured, "modes", &a, NULL) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(binary, "modes", &b, NULL) == EVENTC_OK);
    eventc_message *m[2];
    CHECK(kt_fetch(sub, m, 2) == 2);
    for (int i = 0; i < 2; i++) {
        if (strcmp(id_of(m[i]), "structured") == 0) {
            CHECK(eventc_ce_equal(&m[i]->event, &a.event));
            CHECK_STR(m[i]->key, "key-a");
        } else {
            CHECK_STR(id_of(m[i]), "binary");
            CHECK(eventc_ce_equal(&m[i]->event, &b.event));
            CHECK_STR(m[i]->key, "agg-7");
        }
        CHECK(m[i]->malformed == NULL);
        kt_ack(sub, m[i]);
    }
    eventc_message_clear(&a);
    eventc_message_clear(&b);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(structured);
    eventc_publisher_close(binary);
}

int main(void)
{
    if (kafka_mock_start(&mock, 3) != 0) {
        return 1;
    }
    test_commit_positions();
    test_nack_holds_its_key();
    test_back_pressure();
    test_close();
    test_settle_checks();
    test_publish_failures();
    test_modes_and_keys();
    kafka_mock_stop(&mock);
    return check_report();
}
