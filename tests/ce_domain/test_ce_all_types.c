/* The CloudEvents converters on the all_types golden catalog (tests/golden/all_types), whose
 * envelope has a `json` field (`trace`, an extension holding its JSON text) and an optional
 * integer (`priority`), and whose events use every field type in data: round trips through both
 * bindings and modes, the refusals specific to JSON-text extensions, and the partition key of an
 * event the catalog routes by an envelope field.
 *
 *   test_ce_all_types
 */
#include "all_types_cloudevents.h"
#include "check.h"

static const char created[] =
    "{\"event_name\":\"DrawingCreated\",\"event_id\":\"01HZYX3X9Q2F7J5V7KX9A1B2C3\","
    "\"aggregate_type\":\"Drawing\",\"aggregate_id\":\"d_1\","
    "\"occurred_at\":\"2024-02-29T23:59:59.123456789Z\",\"version\":3,\"actor\":\"ann\","
    "\"trace\":{\"span\":[1,2.5,\"x\\ny\"],\"sampled\":true},\"priority\":7,"
    "\"drawing_id\":\"d_1\",\"title\":\"Caf\\u00e9 \\ud83d\\ude00\",\"width\":10,"
    "\"height\":-9223372036854775808,\"scale\":1.5,\"ratio\":0.5,\"visible\":true,"
    "\"due_at\":\"2030-01-01T00:00:00Z\",\"background\":null,\"palette\":[\"red\",\"blue\"],"
    "\"tags\":[\"a\",\"b\"],\"shapes\":[{\"color\":\"green\",\"points\":[{\"x\":1,\"y\":2},"
    "{\"x\":3,\"y\":4,\"label\":\"p\"},{\"x\":5,\"y\":6}]}],\"anchor\":{\"x\":0,\"y\":-1000.5},"
    "\"scores\":[0,1],\"flags\":[true,false],\"stamps\":[\"2024-01-01T00:00:00Z\"],"
    "\"extra\":{\"k\":[null]},\"layer\":2}";

static const char deleted[] =
    "{\"event_name\":\"DrawingDeleted\",\"event_id\":\"01HZYX3X9Q2F7J5V7KX9A1B2C4\","
    "\"aggregate_type\":\"Drawing\",\"aggregate_id\":\"d_1\","
    "\"occurred_at\":\"2024-03-01T00:00:00Z\",\"version\":3,\"actor\":\"bob\","
    "\"drawing_id\":\"d_1\",\"reason\":null}";

static void round_trips(const char *json)
{
    at_event ev, back;
    eventc_ce_event ce, got;
    eventc_ce_message msg;
    eventc_error err;
    memset(&ev, 0, sizeof ev);
    memset(&back, 0, sizeof back);
    eventc_ce_init(&ce, NULL);
    eventc_ce_init(&got, NULL);
    eventc_ce_message_init(&msg, NULL);
    CHECK(at_event_from_json(&ev, json, strlen(json), &err) == EVENTC_OK);
    CHECK(at_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
    for (int binding = 0; binding < 2; binding++) {
        for (int mode = 0; mode < 2; mode++) {
            eventc_ce_mode m = mode ? EVENTC_CE_MODE_STRUCTURED : EVENTC_CE_MODE_BINARY;
            eventc_status st = binding ? eventc_ce_kafka_encode(&ce, m, &msg, &err)
                                       : eventc_ce_http_encode(&ce, m, &msg, &err);
            CHECK(st == EVENTC_OK);
            st = binding ? eventc_ce_kafka_decode(&got, msg.headers, msg.n_headers, msg.key,
                                                  msg.key_len, msg.body, msg.body_len, NULL, &err)
                         : eventc_ce_http_decode(&got, msg.headers, msg.n_headers, msg.body,
                                                 msg.body_len, NULL, &err);
            CHECK(st == EVENTC_OK);
            st = at_event_from_cloudevent(&back, &got, NULL, &err);
            if (st != EVENTC_OK) {
                char line[400];
                eventc_error_format(&err, line, sizeof line);
                fprintf(stderr, "binding %d mode %d: %s\n", binding, mode, line);
            }
            CHECK(st == EVENTC_OK);
            CHECK(at_event_equal(&ev, &back));
        }
    }
    eventc_ce_message_clear(&msg);
    eventc_ce_clear(&got);
    eventc_ce_clear(&ce);
    at_event_clear(&back);
    at_event_clear(&ev);
}

static void json_text_extension(void)
{
    at_event ev;
    eventc_ce_event ce;
    eventc_error err;
    memset(&ev, 0, sizeof ev);
    eventc_ce_init(&ce, NULL);
    CHECK(at_event_from_json(&ev, created, strlen(created), &err) == EVENTC_OK);
    CHECK(at_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
    CHECK_STR(ce.type, "all_types.drawing.created");
    const eventc_ce_value *v = eventc_ce_get_ext(&ce, "trace");
    CHECK(v && v->type == EVENTC_CE_STRING);
    CHECK_STR(v ? v->str : NULL, "{\"span\":[1,2.5,\"x\\ny\"],\"sampled\":true}");
    v = eventc_ce_get_ext(&ce, "priority");
    CHECK(v && v->type == EVENTC_CE_INTEGER && v->integer == 7);
    CHECK(strstr(ce.data, "\"trace\"") == NULL && strstr(ce.data, "\"drawing_id\":\"d_1\""));

    /* A trace that is no JSON text, and one that would smuggle a member in. */
    CHECK(eventc_ce_set_ext_string(&ce, "trace", "{\"a\":1", &err) == EVENTC_OK);
    CHECK(at_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_E_TYPE);
    CHECK_STR(err.path, "trace");
    CHECK(eventc_ce_set_ext_string(&ce, "trace", "1,\"priority\":8", &err) == EVENTC_OK);
    CHECK(at_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_E_TYPE);
    /* Absent optional extensions stay absent. */
    CHECK(eventc_ce_remove_ext(&ce, "trace") && eventc_ce_remove_ext(&ce, "priority"));
    CHECK(at_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_OK);
    CHECK(ev.as.drawing_created.envelope.trace == NULL);
    CHECK(!ev.as.drawing_created.envelope.has_priority);
    /* The per-event function of the other event refuses this type. */
    at_drawing_deleted del;
    memset(&del, 0, sizeof del);
    CHECK(at_drawing_deleted_from_cloudevent(&del, &ce, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    eventc_ce_clear(&ce);
    at_event_clear(&ev);
}

/* DrawingDeleted is routed by `actor`: its partitionkey (Kafka's record key) is the actor, not the
 * aggregate id DrawingCreated's is. */
static void partition_keys(void)
{
    at_event ev;
    eventc_ce_event ce;
    eventc_ce_message msg;
    eventc_error err;
    memset(&ev, 0, sizeof ev);
    eventc_ce_init(&ce, NULL);
    eventc_ce_message_init(&msg, NULL);
    CHECK(at_event_from_json(&ev, deleted, strlen(deleted), &err) == EVENTC_OK);
    CHECK(at_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
    const eventc_ce_value *v = eventc_ce_get_ext(&ce, "partitionkey");
    CHECK_STR(v ? v->str : NULL, "bob");
    CHECK_STR(ce.subject, "d_1");
    CHECK(eventc_ce_kafka_encode(&ce, EVENTC_CE_MODE_BINARY, &msg, &err) == EVENTC_OK);
    CHECK(msg.key_len == 3 && memcmp(msg.key, "bob", 3) == 0);
    CHECK(at_event_from_json(&ev, created, strlen(created), &err) == EVENTC_OK);
    CHECK(at_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
    v = eventc_ce_get_ext(&ce, "partitionkey");
    CHECK_STR(v ? v->str : NULL, "d_1");
    eventc_ce_message_clear(&msg);
    eventc_ce_clear(&ce);
    at_event_clear(&ev);
}

int main(void)
{
    round_trips(created);
    round_trips(deleted);
    json_text_extension();
    partition_keys();
    return check_report();
}
