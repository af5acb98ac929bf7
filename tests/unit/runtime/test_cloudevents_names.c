/* Member and attribute names at their edges in the CloudEvents readers: empty member names (the
 * duplicate check must not touch an empty key buffer), extension names of any length through
 * every reader and writer (no display limit may decide validity), and the warning and error paths
 * of long names (shown, cut with "..." when they do not fit). */
#include "check.h"

#include <eventc/eventc.h>

#include <stdio.h>
#include <string.h>

#define HEAD "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\""

static char line[512];
static const char *fmt(const eventc_error *err)
{
    eventc_error_format(err, line, sizeof(line));
    return line;
}

static void test_empty_member_names(void)
{
    eventc_ce_event ev;
    eventc_error err;
    memset(&ev, 0, sizeof(ev));
    /* Two empty names: the second is a duplicate of the first; the first alone is not a valid
     * extension name. */
    const char *twice = "{\"\":null,\"\":null}";
    CHECK(eventc_ce_from_json(&ev, twice, strlen(twice), NULL, &err) == EVENTC_E_DUPLICATE_KEY);
    CHECK_STR(fmt(&err), "$: duplicate member \"\" [duplicate_key]");
    CHECK(err.offset == 9);
    CHECK(ev.arena_ == NULL);
    const char *once = HEAD ",\"\":\"x\"}";
    CHECK(eventc_ce_from_json(&ev, once, strlen(once), NULL, &err) == EVENTC_E_CLOUDEVENTS);
    /* The same inside data, and inside a nested value. */
    const char *in_data = HEAD ",\"data\":{\"\":1,\"\":2}}";
    CHECK(eventc_ce_from_json(&ev, in_data, strlen(in_data), NULL, &err) == EVENTC_E_DUPLICATE_KEY);
    CHECK_STR(fmt(&err), "$.data: duplicate member \"\" [duplicate_key]");
    const char *nested = HEAD ",\"data\":[{\"\":{\"\":1}},{\"\":[],\"a\":0}]}";
    CHECK(eventc_ce_from_json(&ev, nested, strlen(nested), NULL, &err) == EVENTC_OK);
    eventc_ce_clear(&ev);
    /* In a batch. */
    eventc_ce_batch b;
    memset(&b, 0, sizeof(b));
    const char *batch = "[{\"\":null,\"\":null}]";
    CHECK(eventc_ce_batch_from_json(&b, batch, strlen(batch), NULL, &err) ==
          EVENTC_E_DUPLICATE_KEY);
    CHECK(b.n_events == 0);
    eventc_ce_batch_clear(&b);
}

static int warned;
static char warned_path[EVENTC_ERROR_PATH_MAX];
static void on_warn(void *ctx, unsigned flag, const char *path, const char *message)
{
    (void)ctx;
    (void)message;
    if (flag == EVENTC_CE_WARN_LONG_NAME) {
        warned++;
        snprintf(warned_path, sizeof(warned_path), "%s", path);
    }
}

/* An event with one extension named n letters long, written by every writer and read back by
 * every reader. */
static void long_name_round_trip(size_t n)
{
    char name[400], want_path[sizeof(name) + 8];
    eventc_ce_event ev, back;
    eventc_ce_message m;
    eventc_buf out;
    eventc_error err;
    eventc_ce_options o = eventc_ce_options_default();
    o.warn = on_warn;
    for (size_t i = 0; i < n; i++)
        name[i] = (char)('a' + i % 26);
    name[n] = '\0';
    eventc_ce_init(&ev, NULL);
    eventc_ce_init(&back, NULL);
    eventc_ce_message_init(&m, NULL);
    eventc_buf_init(&out, NULL);
    CHECK(eventc_ce_set_id(&ev, "1", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_source(&ev, "/s", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_type(&ev, "t", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(&ev, name, "v", &err) == EVENTC_OK);

    CHECK(eventc_ce_to_json(&ev, &out, &err) == EVENTC_OK);
    warned = 0;
    if (eventc_ce_from_json(&back, out.data, out.len, &o, &err) != EVENTC_OK) {
        fprintf(stderr, "name of %zu letters: %s\n", n, fmt(&err));
        CHECK(0);
    }
    CHECK(eventc_ce_equal(&ev, &back));
    CHECK(warned == 1);
    /* The warning names the attribute, cut with "..." when the path cannot hold it. */
    snprintf(want_path, sizeof(want_path), "$.%s", name);
    if (strlen(want_path) >= EVENTC_ERROR_PATH_MAX)
        memcpy(want_path + EVENTC_ERROR_PATH_MAX - 4, "...", 4);
    CHECK_STR(warned_path, want_path);

    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    warned = 0;
    CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, &o, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));
    CHECK(warned == 1);
    snprintf(want_path, sizeof(want_path), "ce-%s", name);
    if (strlen(want_path) >= EVENTC_ERROR_PATH_MAX)
        memcpy(want_path + EVENTC_ERROR_PATH_MAX - 4, "...", 4);
    CHECK_STR(warned_path, want_path);

    CHECK(eventc_ce_kafka_encode(&ev, EVENTC_CE_MODE_BINARY, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_kafka_decode(&back, m.headers, m.n_headers, m.key, m.key_len, m.body,
                                 m.body_len, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));
    CHECK(eventc_ce_http_encode(&ev, EVENTC_CE_MODE_STRUCTURED, &m, &err) == EVENTC_OK);
    CHECK(eventc_ce_http_decode(&back, m.headers, m.n_headers, m.body, m.body_len, NULL, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));

    eventc_buf_free(&out);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&back);
    eventc_ce_clear(&ev);
}

static void test_long_extension_names(void)
{
    static const size_t lengths[] = {21, 60, 61, 62, 100, 101, 157, 158, 159, 160, 161, 300};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
        long_name_round_trip(lengths[i]);
}

/* Invalid long names are still refused, and their errors stay readable. */
static void test_long_invalid_names(void)
{
    char doc[600];
    eventc_ce_event ev;
    eventc_error err;
    memset(&ev, 0, sizeof(ev));
    char name[200];
    memset(name, 'a', sizeof(name));
    name[70] = 'A';
    name[sizeof(name) - 1] = '\0';
    snprintf(doc, sizeof(doc), HEAD ",\"%s\":\"x\"}", name);
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(err.path, "$");
    CHECK(strstr(err.message, "invalid extension attribute name \"aaaa") != NULL);
    /* A valid name repeated is a duplicate whatever its length, named in the path. */
    memset(name, 'b', sizeof(name));
    name[sizeof(name) - 1] = '\0';
    snprintf(doc, sizeof(doc), HEAD ",\"%s\":\"x\",\"%s\":\"y\"}", name, name);
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), NULL, &err) == EVENTC_E_DUPLICATE_KEY);
    CHECK(strlen(err.path) == EVENTC_ERROR_PATH_MAX - 1);
    CHECK(strncmp(err.path, "$.bbbb", 6) == 0);
    CHECK(strcmp(err.path + EVENTC_ERROR_PATH_MAX - 4, "...") == 0);
    /* A short invalid name is shown in the path as before. */
    snprintf(doc, sizeof(doc), HEAD ",\"Bad\":\"x\"}");
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(err.path, "$.Bad");
    /* Reserved names keep their meaning: data_base64 and data are not extensions. */
    snprintf(doc, sizeof(doc), HEAD ",\"data_base64\":\"AQ==\"}");
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), NULL, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_BINARY && ev.data_len == 1);
    eventc_ce_clear(&ev);
}

int main(void)
{
    test_empty_member_names();
    test_long_extension_names();
    test_long_invalid_names();
    return check_report();
}
