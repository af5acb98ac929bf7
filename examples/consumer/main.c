/* The eventc consumer example: build an event with its generated constructor, encode it to JSON,
 * decode it back through the catalog-wide event union, compare, and see how invalid input is
 * reported. examples/consumer/CMakeLists.txt generates shop.h and shop.c from shop.yaml at build
 * time with eventc_generate(). */
#include "shop.h"

#include <stdio.h>
#include <string.h>

/* Prints an error as `what: <json path>: <message> [<rule>]`. */
static void show(FILE *out, const char *what, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 16];
    eventc_error_format(err, line, sizeof line);
    fprintf(out, "%s: %s\n", what, line);
}

/* Reports a call that should have worked. */
static int report(const char *what, const eventc_error *err)
{
    show(stderr, what, err);
    return 1;
}

/* Finds an event's entry in the catalog's type table. */
static const eventc_event_entry *entry_of(shop_event_kind kind)
{
    for (size_t i = 0; i < SHOP_EVENT_TYPE_COUNT; i++) {
        if (shop_event_types[i].kind == (int)kind)
            return &shop_event_types[i];
    }
    return NULL;
}

/* Produces an OrderPlaced event, encodes it, decodes it and checks the round trip. */
static int round_trip(void)
{
    eventc_error err;
    /* The constructor fills the envelope (a fresh ULID, the current time, the event and
     * aggregate names, the catalog version, aggregate_id from order_id), copies every argument
     * into the event's own memory and validates the result. Like every generated value, the
     * event is zeroed before its first use. */
    const char *skus[] = {"BOOK-0131103627", "PEN-BLUE"};
    shop_order_placed placed;
    memset(&placed, 0, sizeof placed);
    if (shop_order_placed_init(&placed, "user_42", "ord_1001", skus, 2, 4599, &err) != EVENTC_OK)
        return report("shop_order_placed_init", &err);
    /* Members can be set afterwards. This string is borrowed: the event points at it but does
     * not own it, so it must stay valid while the event is used; _clear() never frees it. */
    placed.note = "Please leave it at the door.";

    int status = 1;
    eventc_buf json;
    eventc_buf_init(&json, NULL);
    shop_event decoded;
    memset(&decoded, 0, sizeof decoded);
    if (shop_order_placed_to_json(&placed, &json, &err) != EVENTC_OK) {
        report("shop_order_placed_to_json", &err);
        goto done;
    }
    printf("%s\n", eventc_buf_cstr(&json));

    /* The union decodes any event of the catalog: event_name selects the member. */
    if (shop_event_from_json(&decoded, json.data, json.len, &err) != EVENTC_OK) {
        report("shop_event_from_json", &err);
        goto done;
    }
    const eventc_event_entry *entry = entry_of(decoded.kind);
    if (decoded.kind != SHOP_EVENT_ORDER_PLACED || entry == NULL ||
        !shop_order_placed_equal(&placed, &decoded.as.order_placed)) {
        fprintf(stderr, "the decoded event differs from the one encoded\n");
        goto done;
    }
    printf("decoded %s of aggregate %s with %zu items: equal\n", entry->name, entry->aggregate,
           decoded.as.order_placed.n_skus);
    status = 0;
done:
    shop_event_clear(&decoded);
    shop_order_placed_clear(&placed);
    eventc_buf_free(&json);
    return status;
}

/* Enum values are C enumerators; their JSON spellings come from _to_string and _from_string. */
static int enums(void)
{
    eventc_error err;
    shop_order_shipped shipped;
    memset(&shipped, 0, sizeof shipped);
    if (shop_order_shipped_init(&shipped, "system", "ord_1001", SHOP_CARRIER_COURIER, &err) !=
        EVENTC_OK)
        return report("shop_order_shipped_init", &err);
    shop_carrier pickup;
    int ok = shop_carrier_from_string("pickup", 6, &pickup) == EVENTC_OK;
    printf("shipped by %s; \"pickup\" is carrier %d of %d\n",
           shop_carrier_to_string(shipped.carrier), ok ? (int)pickup : -1, SHOP_CARRIER_COUNT);
    shop_order_shipped_clear(&shipped);
    return ok ? 0 : 1;
}

/* Invalid input is refused with the JSON path of the culprit and the rule it breaks. Strict
 * decoding also refuses members the catalog does not declare (this catalog allows them). */
static int errors(void)
{
    static const char shipped[] =
        "{\"event_name\":\"OrderShipped\",\"event_id\":\"01JC90A1B2C3D4E5F6G7H8J9K0\","
        "\"aggregate_type\":\"Order\",\"aggregate_id\":\"ord_1001\","
        "\"occurred_at\":\"2025-11-06T09:30:00Z\",\"version\":1,\"actor\":\"system\","
        "\"order_id\":\"ord_1001\",\"carrier\":\"%s\",\"gift_wrap\":true}";
    char json[512];
    eventc_error err;
    shop_event ev;
    memset(&ev, 0, sizeof ev);

    int n = snprintf(json, sizeof json, shipped, "drone");
    if (shop_event_from_json(&ev, json, (size_t)n, &err) == EVENTC_OK)
        return 1;
    show(stdout, "carrier drone", &err);

    n = snprintf(json, sizeof json, shipped, "post");
    if (shop_event_from_json(&ev, json, (size_t)n, &err) != EVENTC_OK)
        return report("lenient", &err);
    printf("lenient: %s accepted with gift_wrap\n", shop_event_kind_name(ev.kind));
    shop_event_clear(&ev);

    eventc_decode_options opts = eventc_decode_options_default();
    opts.strict = 1;
    opts.limits.max_input = 64 * 1024;
    if (shop_event_from_json_ex(&ev, json, (size_t)n, &opts, &err) == EVENTC_OK) {
        shop_event_clear(&ev);
        return 1;
    }
    show(stdout, "strict", &err);
    return 0;
}

int main(void)
{
    if (round_trip() != 0 || enums() != 0 || errors() != 0)
        return 1;
    puts("ok");
    return 0;
}
