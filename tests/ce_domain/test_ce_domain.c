/* The generated CloudEvents converters of the messaging catalog (messaging_cloudevents.h) and the
 * runtime behind them (eventc/ce_domain.h):
 *
 * - every example event becomes a CloudEvent with the documented attributes, travels over HTTP and
 *   Kafka in binary and structured mode and through the JSON format, and comes back equal
 *   (msg_event_equal), through the union functions and the per-event ones;
 * - values a CloudEvent cannot carry, and CloudEvents that are no catalog event, are refused with
 *   exact messages;
 * - every allocation of both directions fails once: the call reports EVENTC_E_NOMEM, leaves its
 *   output empty and leaks nothing (ASan and valgrind watch the leaks).
 *
 *   test_ce_domain <source dir>
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "messaging_cloudevents.h"

#include <dirent.h>
#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    *len = buf ? fread(buf, 1, cap - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

static const char *fmt_err(const eventc_error *err)
{
    static char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];
    eventc_error_format(err, line, sizeof line);
    return line;
}

/* PascalCase -> snake_case, the rule the mapping documents (a word starts at each upper-case
 * letter: the catalog's names have no acronyms). */
static void snake(const char *s, char *out)
{
    for (size_t i = 0; s[i]; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z') {
            if (i > 0)
                *out++ = '_';
            *out++ = (char)(s[i] - 'A' + 'a');
        } else {
            *out++ = s[i];
        }
    }
    *out = '\0';
}

static void expected_type(const msg_envelope *env, char *out)
{
    char agg[64], ev[128];
    snake(env->aggregate_type, agg);
    snake(env->event_name, ev);
    size_t n = strlen(agg);
    const char *verb = strncmp(ev, agg, n) == 0 && ev[n] == '_' ? ev + n + 1 : ev;
    sprintf(out, "com.example.messaging.%s.%s", agg, verb);
}

static const msg_envelope *envelope_of(const msg_event *ev)
{
    /* Every event struct starts with its envelope. */
    return (const msg_envelope *)(const void *)&ev->as;
}

static void check_attributes(const msg_event *ev, const eventc_ce_event *ce)
{
    const msg_envelope *env = envelope_of(ev);
    char type[256], schema[256], ts[EVENTC_TIMESTAMP_MAX], name[128];
    expected_type(env, type);
    snake(env->event_name, name);
    snprintf(schema, sizeof schema, "https://example.com/schemas/messaging/%s.schema.json", name);
    CHECK_STR(ce->specversion, "1.0");
    CHECK_STR(ce->type, type);
    CHECK_STR(ce->source, "/messaging");
    CHECK_STR(ce->id, env->event_id);
    CHECK_STR(ce->subject, env->aggregate_id);
    CHECK_STR(ce->datacontenttype, "application/json");
    CHECK_STR(ce->dataschema, schema);
    CHECK(ce->has_time && eventc_timestamp_compare(ce->time, env->occurred_at) == 0);
    eventc_timestamp_format(ce->time, ts);
    CHECK(ts[strlen(ts) - 1] == 'Z');
    const eventc_ce_value *v = eventc_ce_get_ext(ce, "actor");
    CHECK(v && v->type == EVENTC_CE_STRING && strcmp(v->str, env->actor) == 0);
    v = eventc_ce_get_ext(ce, "version");
    CHECK(v && v->type == EVENTC_CE_INTEGER && v->integer == env->version);
    v = eventc_ce_get_ext(ce, "partitionkey");
    CHECK(v && v->type == EVENTC_CE_STRING && strcmp(v->str, env->aggregate_id) == 0);
    v = eventc_ce_get_ext(ce, "idempotencykey");
    CHECK(env->idempotency_key ? v && strcmp(v->str, env->idempotency_key) == 0 : v == NULL);
    CHECK(ce->n_exts == (env->idempotency_key ? 4u : 3u));
    /* data: the event's own fields only. */
    CHECK(ce->data_kind == EVENTC_CE_DATA_JSON && ce->data[0] == '{');
    static const char *const envelope_names[] = {
        "\"event_name\"",  "\"event_id\"", "\"aggregate_type\"",  "\"aggregate_id\"",
        "\"occurred_at\"", "\"actor\"",    "\"idempotency_key\"", "\"version\":"};
    for (size_t i = 0; i < sizeof envelope_names / sizeof envelope_names[0]; i++)
        CHECK(strstr(ce->data, envelope_names[i]) == NULL);
}

/* The CloudEvent through one binding and mode, then back to a domain event. */
static void round_trip(const msg_event *ev, const eventc_ce_event *ce, int binding,
                       eventc_ce_mode mode, const char *file)
{
    eventc_ce_message msg;
    eventc_ce_event got;
    eventc_error err;
    msg_event back;
    memset(&back, 0, sizeof back);
    eventc_ce_message_init(&msg, NULL);
    eventc_ce_init(&got, NULL);
    eventc_status st = binding == 0 ? eventc_ce_http_encode(ce, mode, &msg, &err)
                                    : eventc_ce_kafka_encode(ce, mode, &msg, &err);
    CHECK(st == EVENTC_OK);
    if (binding == 0)
        st = eventc_ce_http_decode(&got, msg.headers, msg.n_headers, msg.body, msg.body_len, NULL,
                                   &err);
    else
        st = eventc_ce_kafka_decode(&got, msg.headers, msg.n_headers, msg.key, msg.key_len,
                                    msg.body, msg.body_len, NULL, &err);
    CHECK(st == EVENTC_OK);
    if (binding == 1) {
        /* Kafka records are keyed by aggregate. */
        CHECK(msg.key && strcmp(msg.key, envelope_of(ev)->aggregate_id) == 0);
    }
    st = msg_event_from_cloudevent(&back, &got, NULL, &err);
    if (st != EVENTC_OK)
        fprintf(stderr, "%s (%s, %s): %s\n", file, binding ? "kafka" : "http",
                mode == EVENTC_CE_MODE_BINARY ? "binary" : "structured", fmt_err(&err));
    CHECK(st == EVENTC_OK);
    CHECK(msg_event_equal(ev, &back));
    msg_event_clear(&back);
    eventc_ce_clear(&got);
    eventc_ce_message_clear(&msg);
}

/* The per-event functions of one kind, by a switch over a few of them (the others are the same
 * call with another constant). */
static void per_event(const msg_event *ev, const eventc_ce_event *ce)
{
    eventc_ce_event mine;
    eventc_error err;
    eventc_ce_init(&mine, NULL);
    if (ev->kind == MSG_EVENT_CUSTOMER_CREATED) {
        msg_customer_created back;
        memset(&back, 0, sizeof back);
        CHECK(msg_customer_created_to_cloudevent(&ev->as.customer_created, &mine, &err) ==
              EVENTC_OK);
        CHECK(eventc_ce_equal(&mine, ce));
        CHECK(msg_customer_created_from_cloudevent(&back, ce, NULL, &err) == EVENTC_OK);
        CHECK(msg_customer_created_equal(&back, &ev->as.customer_created));
        /* Decoding into the same struct again reuses it. */
        CHECK(msg_customer_created_from_cloudevent(&back, ce, NULL, &err) == EVENTC_OK);
        msg_customer_created_clear(&back);
    } else if (ev->kind == MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED) {
        msg_conversation_participant_added back;
        memset(&back, 0, sizeof back);
        CHECK_STR(ce->type, "com.example.messaging.conversation.participant_added");
        CHECK(msg_conversation_participant_added_from_cloudevent(&back, ce, NULL, &err) ==
              EVENTC_OK);
        CHECK(msg_conversation_participant_added_equal(&back,
                                                       &ev->as.conversation_participant_added));
        msg_conversation_participant_added_clear(&back);
    } else if (ev->kind == MSG_EVENT_CUSTOMER_UPDATED) {
        msg_customer_created wrong;
        memset(&wrong, 0, sizeof wrong);
        CHECK(msg_customer_created_from_cloudevent(&wrong, ce, NULL, &err) == EVENTC_E_CLOUDEVENTS);
        CHECK_STR(fmt_err(&err), "type: expected com.example.messaging.customer.created "
                                 "(CustomerCreated), got \"com.example.messaging.customer."
                                 "updated\" [cloudevents]");
        CHECK(wrong.arena_ == NULL);
    }
    eventc_ce_clear(&mine);
}

static int examples(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        size_t jlen;
        char *json = slurp(path, &jlen);
        msg_event ev;
        eventc_ce_event ce;
        eventc_error err;
        memset(&ev, 0, sizeof ev);
        eventc_ce_init(&ce, NULL);
        CHECK(json && msg_event_from_json(&ev, json, jlen, &err) == EVENTC_OK);
        CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
        check_attributes(&ev, &ce);
        for (int binding = 0; binding < 2; binding++) {
            round_trip(&ev, &ce, binding, EVENTC_CE_MODE_BINARY, de->d_name);
            round_trip(&ev, &ce, binding, EVENTC_CE_MODE_STRUCTURED, de->d_name);
        }
        /* The JSON format alone, and a union that held another event before. */
        eventc_buf buf;
        eventc_buf_init(&buf, NULL);
        CHECK(eventc_ce_to_json(&ce, &buf, &err) == EVENTC_OK);
        eventc_ce_event parsed;
        eventc_ce_init(&parsed, NULL);
        CHECK(eventc_ce_from_json(&parsed, buf.data, buf.len, NULL, &err) == EVENTC_OK);
        msg_event back;
        memset(&back, 0, sizeof back);
        CHECK(msg_event_from_json(&back, json, jlen, &err) == EVENTC_OK);
        CHECK(msg_event_from_cloudevent(&back, &parsed, NULL, &err) == EVENTC_OK);
        CHECK(msg_event_equal(&ev, &back));
        per_event(&ev, &ce);
        msg_event_clear(&back);
        eventc_ce_clear(&parsed);
        eventc_buf_free(&buf);
        eventc_ce_clear(&ce);
        msg_event_clear(&ev);
        free(json);
        n++;
    }
    closedir(d);
    return n;
}

/* ---- hand-built events ---- */

static void customer_created(msg_event *ev)
{
    eventc_error err;
    memset(ev, 0, sizeof *ev);
    ev->kind = MSG_EVENT_CUSTOMER_CREATED;
    CHECK(msg_customer_created_init(&ev->as.customer_created, "system", "cust_1", "Acme", &err) ==
          EVENTC_OK);
}

static void domain_to_cloudevent_refusals(void)
{
    msg_event ev;
    eventc_ce_event ce;
    eventc_error err;
    eventc_ce_init(&ce, NULL);

    customer_created(&ev);
    msg_customer_created *c = &ev.as.customer_created;
    c->envelope.idempotency_key = "key-1234";
    CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
    CHECK_STR(eventc_ce_get_ext(&ce, "idempotencykey")->str, "key-1234");
    CHECK_STR(ce.exts[ce.n_exts - 1].name, "partitionkey");
    CHECK_STR(ce.data, "{\"customer_id\":\"cust_1\",\"name\":\"Acme\"}");

    c->envelope.version = 3000000000;
    CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt_err(&err), "$.version: cannot be the CloudEvents attribute version: 3000000000 "
                             "does not fit a CloudEvents Integer (-2147483648 to 2147483647) "
                             "[cloudevents]");
    CHECK(ce.id == NULL && ce.n_exts == 0);
    c->envelope.version = 2147483647;
    CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
    c->envelope.version = 1;

    c->envelope.actor = "line\nbreak";
    CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt_err(&err), "$.actor: cannot be the CloudEvents attribute actor: control "
                             "character U+000A is not allowed in a String [cloudevents]");
    c->envelope.actor = "system";

    c->envelope.aggregate_id = "tab\there";
    CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(err.path, "$.aggregate_id");
    c->envelope.aggregate_id = "cust_1";

    /* A catalog rule: the event is validated first. */
    c->name = "";
    CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_E_MIN_LENGTH);
    CHECK_STR(err.path, "$.name");
    c->name = "Acme";

    msg_event none;
    memset(&none, 0, sizeof none);
    CHECK(msg_event_to_cloudevent(&none, &ce, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(msg_event_to_cloudevent(NULL, &ce, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(msg_event_to_cloudevent(&ev, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_from_domain(&msg_cloudevents, 99, c, &ce, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_mapping_find(&msg_cloudevents, "com.example.messaging.channel.mapped") ==
          MSG_EVENT_CHANNEL_MAPPED);
    CHECK(eventc_ce_mapping_find(&msg_cloudevents, "nope") == 0);
    msg_event_clear(&ev);
    eventc_ce_clear(&ce);
}

/* A valid CloudEvent of CustomerCreated, then one change, then the exact refusal. */
typedef void (*mutate_fn)(eventc_ce_event *ce);

static void base_event(eventc_ce_event *ce)
{
    msg_event ev;
    eventc_error err;
    customer_created(&ev);
    ev.as.customer_created.envelope.event_id = "01HZYX3X9Q2F7J5V7KX9A1B2C3";
    CHECK(msg_event_to_cloudevent(&ev, ce, &err) == EVENTC_OK);
    msg_event_clear(&ev);
}

static void refuse(const char *name, void (*mutate)(eventc_ce_event *), const char *want)
{
    eventc_ce_event ce;
    eventc_error err;
    msg_event ev;
    eventc_ce_init(&ce, NULL);
    base_event(&ce);
    mutate(&ce);
    /* The union held an event: on error it is cleared. */
    customer_created(&ev);
    eventc_status st = msg_event_from_cloudevent(&ev, &ce, NULL, &err);
    CHECK(st != EVENTC_OK);
    CHECK(ev.kind == MSG_EVENT_NONE);
    if (strcmp(fmt_err(&err), want) != 0)
        fprintf(stderr, "case %s:\n  got:  %s\n  want: %s\n", name, fmt_err(&err), want);
    CHECK_STR(fmt_err(&err), want);
    msg_event_clear(&ev);
    eventc_ce_clear(&ce);
}

static void set_data(eventc_ce_event *ce, const char *json)
{
    eventc_error err;
    CHECK(eventc_ce_set_data_json(ce, json, strlen(json), &err) == EVENTC_OK);
}

static void m_unknown_type(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_type(ce, "com.example.messaging.customer.exploded", NULL) == EVENTC_OK);
}
static void m_no_subject(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_subject(ce, NULL, NULL) == EVENTC_OK);
}
static void m_no_time(eventc_ce_event *ce)
{
    ce->has_time = false;
}
static void m_no_actor(eventc_ce_event *ce)
{
    CHECK(eventc_ce_remove_ext(ce, "actor"));
}
static void m_version_text(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_ext_string(ce, "version", "one", NULL) == EVENTC_OK);
}
static void m_version_zero(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_ext_integer(ce, "version", 0, NULL) == EVENTC_OK);
}
static void m_short_id(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_id(ce, "abc", NULL) == EVENTC_OK);
}
static void m_no_data(eventc_ce_event *ce)
{
    eventc_ce_unset_data(ce);
}
static void m_text_data(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_datacontenttype(ce, "text/plain", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_data_text(ce, "hello", 5, NULL) == EVENTC_OK);
}
static void m_array_data(eventc_ce_event *ce)
{
    set_data(ce, "[1,2]");
}
static void m_envelope_in_data(eventc_ce_event *ce)
{
    set_data(ce,
             "{\"customer_id\":\"c\",\"name\":\"n\",\"event_id\":\"01HZYX3X9Q2F7J5V7KX9A1B2C3\"}");
}
static void m_optional_envelope_in_data(eventc_ce_event *ce)
{
    set_data(ce, "{\"customer_id\":\"c\",\"idempotency_key\":\"abcd\",\"name\":\"n\"}");
}
static void m_escaped_envelope_in_data(eventc_ce_event *ce)
{
    set_data(ce, "{\"customer_id\":\"c\",\"name\":\"n\",\"event\\u005fname\":\"X\"}");
}
static void m_bad_member(eventc_ce_event *ce)
{
    set_data(ce, "{\"customer_id\":\"\",\"name\":\"n\"}");
}
static void m_missing_member(eventc_ce_event *ce)
{
    set_data(ce, "{\"customer_id\":\"c\"}");
}
static void m_wrong_schema(eventc_ce_event *ce)
{
    CHECK(eventc_ce_set_dataschema(
              ce, "https://example.com/schemas/messaging/customer_updated.schema.json", NULL) ==
          EVENTC_OK);
}
static void m_invalid_ce(eventc_ce_event *ce)
{
    ce->id = "";
}

static void cloudevent_to_domain_refusals(void)
{
    refuse("unknown type", m_unknown_type,
           "type: unknown event type \"com.example.messaging.customer.exploded\": no event of the "
           "catalog has it [enum]");
    refuse("no subject", m_no_subject,
           "subject: required attribute is missing (it carries the envelope field aggregate_id) "
           "[required]");
    refuse("no time", m_no_time,
           "time: required attribute is missing (it carries the envelope field occurred_at) "
           "[required]");
    refuse("no actor", m_no_actor,
           "actor: required extension attribute is missing (it carries the envelope field actor) "
           "[required]");
    refuse("version text", m_version_text,
           "version: expected an Integer (-2147483648 to 2147483647) for the envelope field "
           "version, got the String \"one\" [type]");
    refuse("version zero", m_version_zero, "version: 0 is less than the minimum 1 [minimum]");
    refuse("short id", m_short_id, "id: string of 3 characters is shorter than 8 [min_length]");
    refuse("no data", m_no_data,
           "data: no data: it must hold the fields of CustomerCreated [required]");
    refuse("text data", m_text_data,
           "data: expected JSON data (the fields of CustomerCreated), got text [type]");
    refuse("array data", m_array_data,
           "data: expected a JSON object with the fields of CustomerCreated, got an array [type]");
    refuse("envelope in data", m_envelope_in_data,
           "data.event_id: the envelope field event_id must not be in data: it travels as the id "
           "attribute [cloudevents]");
    refuse("optional envelope in data", m_optional_envelope_in_data,
           "data.idempotency_key: the envelope field idempotency_key must not be in data: it "
           "travels as the extension attribute idempotencykey [cloudevents]");
    refuse("escaped envelope in data", m_escaped_envelope_in_data,
           "data.event_name: the envelope field event_name must not be in data: it travels as "
           "the type attribute [cloudevents]");
    refuse("bad member", m_bad_member,
           "data.customer_id: string of 0 characters is shorter than 1 [min_length]");
    refuse("missing member", m_missing_member, "data.name: required member is missing [required]");
    refuse("wrong schema", m_wrong_schema,
           "dataschema: not the schema of CustomerCreated "
           "(https://example.com/schemas/messaging/customer_created.schema.json) [cloudevents]");
    refuse("invalid CloudEvent", m_invalid_ce, "id: must be a non-empty string [cloudevents]");
}

/* Unknown members of data follow the catalog's policy, and the strict option. */
static void data_policy(void)
{
    eventc_ce_event ce;
    eventc_error err;
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_ce_init(&ce, NULL);
    base_event(&ce);
    set_data(&ce, "{\"customer_id\":\"c\",\"name\":\"n\",\"nickname\":\"x\"}");
    CHECK(msg_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_OK);
    eventc_decode_options strict = eventc_decode_options_default();
    strict.strict = 1;
    CHECK(msg_event_from_cloudevent(&ev, &ce, &strict, &err) == EVENTC_E_UNKNOWN_FIELD);
    CHECK_STR(err.path, "data.nickname");
    /* Extensions the mapping does not name are ignored; so is a foreign source. */
    base_event(&ce);
    CHECK(eventc_ce_set_ext_string(&ce, "traceparent",
                                   "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                   &err) == EVENTC_OK);
    CHECK(eventc_ce_set_source(&ce, "https://eu.example.com/messaging", &err) == EVENTC_OK);
    CHECK(eventc_ce_remove_ext(&ce, "partitionkey"));
    CHECK(msg_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.as.customer_created.envelope.aggregate_id, "cust_1");
    /* Binary mode turns every extension into a String: version "7" is still an Integer. */
    CHECK(eventc_ce_set_ext_string(&ce, "version", "7", &err) == EVENTC_OK);
    CHECK(msg_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_OK);
    CHECK(ev.as.customer_created.envelope.version == 7);
    /* No datacontenttype is JSON too. */
    CHECK(eventc_ce_set_datacontenttype(&ce, NULL, &err) == EVENTC_OK);
    CHECK(msg_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_OK);
    msg_event_clear(&ev);
    eventc_ce_clear(&ce);
}

/* ---- allocation failures ---- */

typedef struct failing {
    long countdown; /* allocations left before one fails; < 0: never */
    long live;      /* blocks not yet released */
} failing;

static void *f_alloc(void *ctx, size_t size)
{
    failing *f = ctx;
    if (f->countdown == 0)
        return NULL;
    if (f->countdown > 0)
        f->countdown--;
    void *p = malloc(size);
    if (p)
        f->live++;
    return p;
}

static void f_free(void *ctx, void *p, size_t size)
{
    failing *f = ctx;
    (void)size;
    if (p) {
        f->live--;
        free(p);
    }
}

static void allocation_failures(void)
{
    int saw_nomem = 0, saw_ok = 0;
    for (long n = 0; n < 200; n++) {
        failing f = {n, 0};
        eventc_allocator a = {f_alloc, NULL, f_free, &f};
        msg_event ev;
        eventc_ce_event ce, back_ce;
        eventc_error err;
        customer_created(&ev);
        ev.as.customer_created.envelope.idempotency_key = "key-1234";
        eventc_ce_init(&ce, &a);
        eventc_status st = msg_event_to_cloudevent(&ev, &ce, &err);
        if (st == EVENTC_OK) {
            /* And back, through the JSON format, with the same allocator. */
            eventc_buf buf;
            eventc_buf_init(&buf, NULL);
            CHECK(eventc_ce_to_json(&ce, &buf, &err) == EVENTC_OK);
            eventc_ce_init(&back_ce, NULL);
            CHECK(eventc_ce_from_json(&back_ce, buf.data, buf.len, NULL, &err) == EVENTC_OK);
            eventc_decode_options opts = eventc_decode_options_default();
            opts.alloc = &a;
            msg_event back;
            memset(&back, 0, sizeof back);
            st = msg_event_from_cloudevent(&back, &back_ce, &opts, &err);
            if (st == EVENTC_OK) {
                CHECK(msg_event_equal(&ev, &back));
                saw_ok = 1;
            } else {
                CHECK(st == EVENTC_E_NOMEM);
                CHECK(back.kind == MSG_EVENT_NONE);
                saw_nomem = 1;
            }
            msg_event_clear(&back);
            eventc_ce_clear(&back_ce);
            eventc_buf_free(&buf);
        } else {
            CHECK(st == EVENTC_E_NOMEM);
            CHECK(ce.id == NULL && ce.data == NULL);
            saw_nomem = 1;
        }
        eventc_ce_clear(&ce);
        msg_event_clear(&ev);
        CHECK(f.live == 0);
    }
    CHECK(saw_nomem && saw_ok);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_ce_domain SOURCE_DIR\n");
        return 2;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/catalog/examples", argv[1]);
    int n = examples(dir);
    CHECK(n == 21);
    domain_to_cloudevent_refusals();
    cloudevent_to_domain_refusals();
    data_policy();
    allocation_failures();
    return check_report();
}
