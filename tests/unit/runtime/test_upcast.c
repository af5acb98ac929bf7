/* Upcasting (codec.h, eventc_upcast_desc): events written with earlier catalog versions are
 * rewritten into the current form before decoding, by declarative steps (dropped, renamed,
 * mapped, added) and hand-written upcasters chained by version; earlier names select the event in
 * the union decoder; errors, escapes, invalid input and allocation failure at every point. */
#include "check.h"
#include "failing_alloc.h"

#include <eventc/eventc.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef enum tier { TIER_BASIC, TIER_PREMIUM } tier;

typedef struct order {
    const char *event_name;
    int64_t version;
    const char *order_id;
    int64_t amount;
    tier tier;
    size_t n_labels;
    tier *labels;
    eventc_arena *arena_;
} order;

static const char *const tier_names[] = {"basic", "premium"};
static const unsigned char tier_lens[] = {5, 7};
static const eventc_enum_desc tier_desc = {"Tier", tier_names, tier_lens, 2};

static const eventc_value_desc v_name = {.type = EVENTC_FT_STRING, .const_value = "Order"};
static const eventc_value_desc v_int = {
    .type = EVENTC_FT_INT64, .flags = EVENTC_VF_MINIMUM, .imin = 1};
static const eventc_value_desc v_str = {
    .type = EVENTC_FT_STRING, .flags = EVENTC_VF_MIN_LENGTH, .min_length = 2};
static const eventc_value_desc v_tier = {.type = EVENTC_FT_ENUM, .enum_desc = &tier_desc};
static const eventc_value_desc v_labels = {
    .type = EVENTC_FT_ARRAY, .items = &v_tier, .item_size = sizeof(tier)};
static const eventc_field_desc order_fields[] = {
    {"event_name", 10, 0, offsetof(order, event_name), SIZE_MAX, &v_name},
    {"version", 7, 0, offsetof(order, version), SIZE_MAX, &v_int},
    {"order_id", 8, 0, offsetof(order, order_id), SIZE_MAX, &v_str},
    {"amount", 6, 0, offsetof(order, amount), SIZE_MAX, &v_int},
    {"tier", 4, 0, offsetof(order, tier), SIZE_MAX, &v_tier},
    {"labels", 6, EVENTC_FF_OPTIONAL, offsetof(order, labels), offsetof(order, n_labels),
     &v_labels},
};

/* Version 1 called it OrderMade, with `id`, `total`, a `legacy` flag and tier `gold`; version 2
 * renamed `total` and added `tier` (default basic). The catalog is at version 3. */
static const char *const dropped_1[] = {"legacy"};
static const eventc_upcast_rename renamed_1[] = {{"id", "order_id"}};
static const eventc_upcast_map mapped_1[] = {{"tier", "gold", "premium"},
                                             {"labels", "gold", "premium"}};
static const eventc_upcast_rename renamed_2[] = {{"total", "amount"}};
static const eventc_upcast_default added_2[] = {{"tier", "\"basic\""}};
static const eventc_upcast_step steps[] = {
    {1, dropped_1, 1, renamed_1, 1, mapped_1, 2, NULL, 0},
    {2, NULL, 0, renamed_2, 1, NULL, 0, added_2, 1},
};
static const char *const aliases[] = {"OrderMade"};
static const eventc_upcast_desc order_upcast = {"event_name", "version", 3, aliases, 1, steps, 2};
static const eventc_type_desc order_desc = {
    "Order", sizeof(order), offsetof(order, arena_), order_fields, 6, 1, &order_upcast};

/* The same event without any history: only hand-written upcasters apply. */
static const eventc_upcast_desc plain_upcast = {"event_name", "version", 3, NULL, 0, NULL, 0};
static const eventc_type_desc plain_desc = {
    "Order", sizeof(order), offsetof(order, arena_), order_fields, 6, 1, &plain_upcast};

static const char v1[] =
    "{\"event_name\":\"OrderMade\",\"version\":1,\"id\":\"o1\",\"legacy\":true,"
    "\"total\":5,\"tier\":\"gold\",\"labels\":[\"gold\", \"basic\"]}";

static void test_current_form_untouched(void)
{
    static const char cur[] = "{\"event_name\":\"Order\",\"version\":3,\"order_id\":\"o3\","
                              "\"amount\":9,\"tier\":\"basic\"}";
    char *out = (char *)1;
    size_t n = 99;
    CHECK(eventc_upcast(&order_desc, cur, sizeof(cur) - 1, NULL, &out, &n, NULL) == EVENTC_OK);
    CHECK(out == NULL && n == 0);
    order o = {0};
    CHECK(eventc_decode(&order_desc, &o, cur, sizeof(cur) - 1, NULL, NULL) == EVENTC_OK);
    CHECK(o.amount == 9 && o.version == 3);
    eventc_clear(&order_desc, &o);
}

static void test_declarative_chain(void)
{
    char *out = NULL;
    size_t n = 0;
    CHECK(eventc_upcast(&order_desc, v1, sizeof(v1) - 1, NULL, &out, &n, NULL) == EVENTC_OK);
    CHECK_STR(out, "{\"event_name\":\"Order\",\"version\":3,\"order_id\":\"o1\",\"amount\":5,"
                   "\"tier\":\"premium\",\"labels\":[\"premium\",\"basic\"]}");
    CHECK(out && n == strlen(out));
    eventc_free(NULL, out, n + 1);

    order o = {0};
    eventc_error err;
    CHECK(eventc_decode(&order_desc, &o, v1, sizeof(v1) - 1, NULL, &err) == EVENTC_OK);
    CHECK_STR(o.event_name, "Order");
    CHECK(o.version == 3);
    CHECK_STR(o.order_id, "o1");
    CHECK(o.amount == 5 && o.tier == TIER_PREMIUM);
    CHECK(o.n_labels == 2 && o.labels[0] == TIER_PREMIUM && o.labels[1] == TIER_BASIC);

    /* Version 2: only the second step; the default fills the absent tier. */
    static const char v2[] =
        " {\"total\": 7 , \"event_name\" : \"Order\", \"version\":2.0,\"order_id\":\"o2\"} ";
    CHECK(eventc_decode(&order_desc, &o, v2, sizeof(v2) - 1, NULL, &err) == EVENTC_OK);
    CHECK(o.amount == 7 && o.tier == TIER_BASIC && o.version == 3);
    CHECK_STR(o.order_id, "o2");

    /* Escaped names are names: the alias, a renamed field and a mapped value. */
    static const char esc[] =
        "{\"event_name\":\"Order\\u004dade\",\"version\":1,\"\\u0069d\":\"o4\","
        "\"total\":1,\"tier\":\"g\\u006fld\"}";
    CHECK(eventc_decode(&order_desc, &o, esc, sizeof(esc) - 1, NULL, &err) == EVENTC_OK);
    CHECK_STR(o.order_id, "o4");
    CHECK(o.tier == TIER_PREMIUM);
    eventc_clear(&order_desc, &o);
}

static void test_errors(void)
{
    order o = {0};
    eventc_error err;
    /* Invalid JSON is not rewritten: the decoder judges the input as it is (here it meets the
     * earlier name before the syntax error). */
    static const char bad[] = "{\"event_name\":\"OrderMade\",\"version\":1,\"id\":\"o1\",}";
    CHECK(eventc_decode(&order_desc, &o, bad, sizeof(bad) - 1, NULL, &err) == EVENTC_E_CONST);
    CHECK(err.offset == 14);
    static const char bad2[] = "{\"version\":1,\"id\":\"o1\",}";
    CHECK(eventc_decode(&order_desc, &o, bad2, sizeof(bad2) - 1, NULL, &err) == EVENTC_E_SYNTAX);
    CHECK(err.offset == sizeof(bad2) - 2);
    /* A rule broken after upcasting says so. */
    static const char short_id[] =
        "{\"event_name\":\"OrderMade\",\"version\":1,\"id\":\"x\",\"total\":5,\"tier\":\"gold\"}";
    CHECK(eventc_decode(&order_desc, &o, short_id, sizeof(short_id) - 1, NULL, &err) ==
          EVENTC_E_MIN_LENGTH);
    CHECK_STR(err.path, "$.order_id");
    CHECK(strstr(err.message, "(in the event upcast from version 1)") != NULL);
    CHECK(o.arena_ == NULL && o.order_id == NULL);
    /* An unknown name stays unknown; a missing version selects no step. */
    static const char other[] = "{\"event_name\":\"Other\",\"version\":1,\"order_id\":\"o1\"}";
    CHECK(eventc_decode(&order_desc, &o, other, sizeof(other) - 1, NULL, &err) == EVENTC_E_CONST);
    static const char nover[] = "{\"event_name\":\"OrderMade\",\"order_id\":\"o1\",\"amount\":1,"
                                "\"tier\":\"basic\"}";
    CHECK(eventc_decode(&order_desc, &o, nover, sizeof(nover) - 1, NULL, &err) ==
          EVENTC_E_REQUIRED);
    CHECK_STR(err.path, "$.version");
    /* Duplicate names are refused before anything is dropped. */
    static const char dup[] = "{\"event_name\":\"OrderMade\",\"version\":1,\"legacy\":1,"
                              "\"legacy\":2,\"id\":\"o1\",\"total\":1}";
    CHECK(eventc_decode(&order_desc, &o, dup, sizeof(dup) - 1, NULL, &err) == EVENTC_E_CONST);
    static const char dup2[] = "{\"event_name\":\"Order\",\"version\":1,\"legacy\":1,"
                               "\"legacy\":2,\"id\":\"o1\",\"total\":1}";
    CHECK(eventc_decode(&order_desc, &o, dup2, sizeof(dup2) - 1, NULL, &err) ==
          EVENTC_E_DUPLICATE_KEY);
}

/* A hand-written upcaster of version 1: amounts were written in cents as strings. */
static int cents_can(const eventc_upcast_input *in, void *ctx)
{
    (void)ctx;
    return strstr(in->json, "\"cents\"") != NULL;
}

static eventc_status cents_do(const eventc_upcast_input *in, eventc_buf *out, void *ctx,
                              eventc_error *err)
{
    int *calls = ctx;
    (*calls)++;
    const char *c = strstr(in->json, "\"cents\":\"");
    if (!c)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$.cents", "no cents");
    long cents = strtol(c + 9, NULL, 10);
    char buf[64];
    snprintf(buf, sizeof buf, ",\"total\":%ld}", cents / 100);
    /* Keep everything before the cents member, then the converted total. */
    if (eventc_buf_append(out, in->json, (size_t)(c - in->json - 1)) != EVENTC_OK ||
        eventc_buf_append_str(out, buf) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    CHECK(in->version == 1);
    CHECK_STR(in->event, "Order");
    return EVENTC_OK;
}

static eventc_status broken_do(const eventc_upcast_input *in, eventc_buf *out, void *ctx,
                               eventc_error *err)
{
    (void)in;
    (void)ctx;
    (void)err;
    return eventc_buf_append_str(out, "{\"event_name\":");
}

static eventc_status failing_do(const eventc_upcast_input *in, eventc_buf *out, void *ctx,
                                eventc_error *err)
{
    (void)in;
    (void)out;
    (void)ctx;
    (void)err;
    return EVENTC_E_UNSUPPORTED;
}

static void test_hand_written(void)
{
    int calls = 0;
    eventc_upcaster ups[] = {
        {"Order", 1, cents_can, cents_do, &calls},
        {"Other", 1, NULL, failing_do, NULL}, /* another event's: never called */
    };
    eventc_decode_options opts = eventc_decode_options_default();
    opts.upcasters = ups;
    opts.n_upcasters = 2;
    /* Runs after the declarative step of version 1 (which renamed id), before version 2's
     * (which renames the total it writes). */
    static const char v1c[] = "{\"event_name\":\"OrderMade\",\"version\":1,\"id\":\"o5\","
                              "\"tier\":\"gold\",\"cents\":\"1250\"}";
    order o = {0};
    eventc_error err;
    CHECK(eventc_decode(&order_desc, &o, v1c, sizeof(v1c) - 1, &opts, &err) == EVENTC_OK);
    CHECK(calls == 1 && o.amount == 12 && o.tier == TIER_PREMIUM);
    CHECK_STR(o.order_id, "o5");
    /* can_upcast declines: the chain goes on without it. */
    CHECK(eventc_decode(&order_desc, &o, v1, sizeof(v1) - 1, &opts, &err) == EVENTC_OK);
    CHECK(calls == 1 && o.amount == 5);
    /* An event without a history still takes hand-written upcasters. */
    static const char plain[] = "{\"event_name\":\"Order\",\"version\":1,\"order_id\":\"o6\","
                                "\"tier\":\"basic\",\"cents\":\"300\"}";
    eventc_upcaster only[] = {{"Order", 2, NULL, cents_do, &calls}};
    opts.upcasters = only;
    opts.n_upcasters = 1;
    CHECK(eventc_decode(&plain_desc, &o, plain, sizeof(plain) - 1, &opts, &err) ==
          EVENTC_E_REQUIRED); /* it writes `total`, which plain_desc does not rename */
    CHECK(calls == 2);
    /* An upcaster's error fails the decoding, with the value cleared. */
    eventc_upcaster refusing[] = {{"Order", 1, NULL, failing_do, NULL}};
    opts.upcasters = refusing;
    CHECK(eventc_decode(&order_desc, &o, v1, sizeof(v1) - 1, &opts, &err) == EVENTC_E_UNSUPPORTED);
    CHECK(strstr(err.message, "upcaster of Order for version 1") != NULL);
    CHECK(o.arena_ == NULL && o.order_id == NULL);
    /* Invalid JSON from an upcaster is reported by the decoder. */
    eventc_upcaster broken[] = {{"Order", 1, NULL, broken_do, NULL}};
    opts.upcasters = broken;
    CHECK(eventc_decode(&order_desc, &o, v1, sizeof(v1) - 1, &opts, &err) == EVENTC_E_SYNTAX);
    CHECK(strstr(err.message, "upcast from version 1") != NULL);
    eventc_clear(&order_desc, &o);
}

typedef struct any_event {
    int kind;
    union {
        order order;
    } as;
} any_event;

static void test_union_alias(void)
{
    const eventc_event_entry types[] = {{"Order", "Shop", 1, offsetof(any_event, as), &order_desc}};
    any_event ev = {0};
    eventc_error err;
    CHECK(eventc_decode_any(types, 1, "event_name", &ev.kind, &ev, v1, sizeof(v1) - 1, NULL,
                            &err) == EVENTC_OK);
    CHECK(ev.kind == 1 && ev.as.order.amount == 5);
    static const char unknown[] = "{\"event_name\":\"OrderLost\",\"version\":1}";
    CHECK(eventc_decode_any(types, 1, "event_name", &ev.kind, &ev, unknown, sizeof(unknown) - 1,
                            NULL, &err) == EVENTC_E_ENUM);
    CHECK(ev.kind == 0);
}

static void test_allocation_failures(void)
{
    int calls = 0;
    eventc_upcaster ups[] = {{"Order", 1, NULL, cents_do, &calls}};
    static const char v1c[] = "{\"event_name\":\"OrderMade\",\"version\":1,\"id\":\"o5\","
                              "\"tier\":\"gold\",\"cents\":\"1250\"}";
    size_t ok = 0;
    for (size_t at = 1; at < 200; at++) {
        failing f = {0};
        f.fail_at = at;
        eventc_allocator a = failing_allocator(&f);
        eventc_decode_options opts = eventc_decode_options_default();
        opts.alloc = &a;
        opts.upcasters = ups;
        opts.n_upcasters = 1;
        order o = {0};
        eventc_status st = eventc_decode(&order_desc, &o, v1c, sizeof(v1c) - 1, &opts, NULL);
        CHECK(st == EVENTC_OK || st == EVENTC_E_NOMEM);
        if (st == EVENTC_OK) {
            ok++;
            CHECK(o.amount == 12);
        } else {
            CHECK(o.arena_ == NULL);
        }
        eventc_clear(&order_desc, &o);
        CHECK(f.live_blocks == 0 && f.size_mismatches == 0);
        if (st == EVENTC_OK && f.calls < at)
            break;
    }
    CHECK(ok == 1);
}

int main(void)
{
    test_current_form_untouched();
    test_declarative_chain();
    test_errors();
    test_hand_written();
    test_union_alias();
    test_allocation_failures();
    return check_report();
}
