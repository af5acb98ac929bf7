/* The generated messaging code, linked with the runtime: every example file given on the command
 * line decodes through the event union, re-encodes, decodes again to an equal event; the
 * constructors build valid events and leave nothing behind on error; enum and kind lookups work.
 * Prints one line per failure and a summary; exits 1 on any failure. */
#include "messaging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static int checks;

#define CHECK(cond)                                                         \
    do {                                                                    \
        checks++;                                                           \
        if (!(cond)) {                                                      \
            failures++;                                                     \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                   \
    } while (0)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    *len = buf ? fread(buf, 1, cap, f) : 0;
    fclose(f);
    return buf;
}

static void print_error(const char *what, const eventc_error *err)
{
    char line[512];
    eventc_error_format(err, line, sizeof line);
    printf("%s: %s\n", what, line);
}

/* Decode, encode, decode again, compare; the second decode reuses the first event's memory when
 * the kind is the same. */
static void round_trip(const char *path, msg_event *reused)
{
    size_t len;
    char *json = read_file(path, &len);
    CHECK(json != NULL);
    if (json == NULL)
        return;
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_error err;
    eventc_status st = msg_event_from_json(&ev, json, len, &err);
    CHECK(st == EVENTC_OK);
    if (st != EVENTC_OK) {
        print_error(path, &err);
        free(json);
        return;
    }
    const char *name = msg_event_kind_name(ev.kind);
    CHECK(name != NULL && strstr(json, name) != NULL);
    CHECK(msg_event_kind_from_name(name, strlen(name)) == ev.kind);
    CHECK(msg_event_validate(&ev, &err) == EVENTC_OK);

    eventc_buf out;
    eventc_buf_init(&out, NULL);
    st = msg_event_to_json(&ev, &out, &err);
    CHECK(st == EVENTC_OK);
    const char *text = eventc_buf_cstr(&out);
    st = msg_event_from_json(reused, text, strlen(text), &err);
    CHECK(st == EVENTC_OK);
    if (st != EVENTC_OK)
        print_error(path, &err);
    CHECK(msg_event_equal(&ev, reused));

    /* A deep copy is equal and independent: it outlives the original, and copying it back into
     * the reused union (which holds an event) replaces that event. */
    msg_event copy;
    memset(&copy, 0, sizeof copy);
    CHECK(msg_event_copy(&copy, &ev, &err) == EVENTC_OK);
    CHECK(copy.kind == ev.kind && msg_event_equal(&copy, &ev));
    CHECK(msg_event_copy(reused, &copy, &err) == EVENTC_OK);
    msg_event_clear(&copy);
    CHECK(msg_event_equal(reused, &ev));

    /* The type table agrees with the union. */
    const eventc_event_entry *entry = &msg_event_types[ev.kind - 1];
    CHECK(entry->kind == (int)ev.kind);
    CHECK(strcmp(entry->name, name) == 0);

    eventc_buf_free(&out);
    msg_event_clear(&ev);
    CHECK(ev.kind == MSG_EVENT_NONE);
    free(json);
}

static void constructors(void)
{
    eventc_error err;
    msg_customer_updated cu;
    memset(&cu, 0, sizeof cu); /* a value is zeroed before its first use, as always */
    const char *fields[] = {"name", "status"};
    eventc_status st = msg_customer_updated_init(&cu, "admin:user_1", "cust_1", fields, 2, &err);
    CHECK(st == EVENTC_OK);
    if (st != EVENTC_OK) {
        print_error("msg_customer_updated_init", &err);
        return;
    }
    /* Filled envelope, copied arguments. */
    CHECK(strcmp(cu.envelope.event_name, "CustomerUpdated") == 0);
    CHECK(strcmp(cu.envelope.aggregate_type, "Customer") == 0);
    CHECK(strcmp(cu.envelope.aggregate_id, "cust_1") == 0);
    CHECK(cu.envelope.version == 1);
    CHECK(strlen(cu.envelope.event_id) == EVENTC_ULID_LEN);
    CHECK(cu.n_changed_fields == 2 && cu.changed_fields != fields);
    CHECK(cu.customer_id != NULL && strcmp(cu.customer_id, "cust_1") == 0);

    eventc_buf out;
    eventc_buf_init(&out, NULL);
    CHECK(msg_customer_updated_to_json(&cu, &out, &err) == EVENTC_OK);
    msg_customer_updated back;
    memset(&back, 0, sizeof back);
    const char *text = eventc_buf_cstr(&out);
    CHECK(msg_customer_updated_from_json(&back, text, strlen(text), &err) == EVENTC_OK);
    CHECK(msg_customer_updated_equal(&cu, &back));
    msg_customer_updated_clear(&back);
    eventc_buf_free(&out);
    msg_customer_updated_clear(&cu);
    CHECK(cu.arena_ == NULL && cu.customer_id == NULL);

    /* An enum argument. */
    msg_provider_configured pc;
    memset(&pc, 0, sizeof pc);
    st = msg_provider_configured_init(&pc, "system", "prov_1", "cust_1", MSG_PROVIDER_KIND_EMAIL,
                                      &err);
    CHECK(st == EVENTC_OK && pc.kind == MSG_PROVIDER_KIND_EMAIL);
    msg_provider_configured_clear(&pc);

    /* A rule broken by an argument: an error naming the field, and nothing held. */
    st = msg_customer_updated_init(&cu, "", "cust_1", fields, 2, &err);
    CHECK(st == EVENTC_E_MIN_LENGTH);
    CHECK(strcmp(err.path, "$.actor") == 0);
    CHECK(cu.arena_ == NULL && cu.envelope.event_name == NULL && cu.changed_fields == NULL);
    st = msg_customer_updated_init(&cu, "system", "cust_1", fields, 0, &err);
    CHECK(st == EVENTC_E_MIN_ITEMS);
    CHECK(cu.arena_ == NULL);
}

static void union_errors(void)
{
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_error err;
    static const char unknown[] = "{\"event_name\":\"NoSuchEvent\",\"version\":1}";
    CHECK(msg_event_from_json(&ev, unknown, sizeof unknown - 1, &err) == EVENTC_E_ENUM);
    CHECK(strcmp(err.path, "$.event_name") == 0);
    CHECK(err.offset == 15);
    CHECK(ev.kind == MSG_EVENT_NONE);
    /* A name written with escapes is the same name. */
    static const char escaped[] =
        "{\"event_name\":\"Customer\\u0043reated\",\"event_id\":\"01HZYX3X9Q2F7J5V7KX9A1B2C3\","
        "\"aggregate_type\":\"Customer\",\"aggregate_id\":\"c1\",\"occurred_at\":"
        "\"2025-11-05T14:00:00Z\",\"actor\":\"system\",\"version\":1,\"customer_id\":\"c1\","
        "\"name\":\"Acme\"}";
    CHECK(msg_event_from_json(&ev, escaped, sizeof escaped - 1, &err) == EVENTC_OK);
    CHECK(ev.kind == MSG_EVENT_CUSTOMER_CREATED);
    static const char escaped_unknown[] = "{\"event_name\":\"No\\u0053uch\"}";
    CHECK(msg_event_from_json(&ev, escaped_unknown, sizeof escaped_unknown - 1, &err) ==
          EVENTC_E_ENUM);
    CHECK(ev.kind == MSG_EVENT_NONE);
    static const char escaped_broken[] = "{\"event_name\":\"Customer\\u0043reated\",}";
    CHECK(msg_event_from_json(&ev, escaped_broken, sizeof escaped_broken - 1, &err) ==
          EVENTC_E_SYNTAX);
    static const char missing[] = "{\"version\":1}";
    CHECK(msg_event_from_json(&ev, missing, sizeof missing - 1, &err) == EVENTC_E_REQUIRED);
    static const char wrong[] = "{\"event_name\":\"CustomerCreated\",\"version\":1}";
    CHECK(msg_event_from_json(&ev, wrong, sizeof wrong - 1, &err) == EVENTC_E_REQUIRED);
    CHECK(ev.kind == MSG_EVENT_NONE);

    eventc_buf out;
    eventc_buf_init(&out, NULL);
    CHECK(msg_event_to_json(&ev, &out, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(msg_event_validate(&ev, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_buf_free(&out);
    CHECK(msg_event_kind_name(MSG_EVENT_NONE) == NULL);
    CHECK(msg_event_kind_name((msg_event_kind)(MSG_EVENT_TYPE_COUNT + 1)) == NULL);
    CHECK(msg_event_kind_from_name("CustomerCreated", 15) == MSG_EVENT_CUSTOMER_CREATED);
    CHECK(msg_event_kind_from_name("CustomerCreate", 14) == MSG_EVENT_NONE);
    msg_event_clear(NULL);
}

static void enums(void)
{
    msg_provider_kind k = MSG_PROVIDER_KIND_SMS;
    CHECK(msg_provider_kind_from_string("voicemail", 9, &k) == EVENTC_OK);
    CHECK(k == MSG_PROVIDER_KIND_VOICEMAIL);
    CHECK(strcmp(msg_provider_kind_to_string(k), "voicemail") == 0);
    CHECK(msg_provider_kind_from_string("voice", 4, &k) == EVENTC_E_ENUM);
    CHECK(k == MSG_PROVIDER_KIND_VOICEMAIL);
    CHECK(msg_provider_kind_to_string((msg_provider_kind)MSG_PROVIDER_KIND_COUNT) == NULL);
    CHECK(msg_provider_kind_desc.count == MSG_PROVIDER_KIND_COUNT);
    CHECK(strcmp(msg_catalog.name, "messaging") == 0 && msg_catalog.version == 1);
}

int main(int argc, char **argv)
{
    msg_event reused;
    memset(&reused, 0, sizeof reused);
    for (int i = 1; i < argc; i++)
        round_trip(argv[i], &reused);
    msg_event_clear(&reused);
    CHECK(argc > 20);
    constructors();
    union_errors();
    enums();
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures != 0;
}
