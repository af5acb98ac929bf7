/* Decodes events written by each version of the versioned catalog with the generated decoders
 * and prints their current form (run.expected): earlier names, renamed, dropped and added fields
 * and mapped enum values, through the event's own decoder and through the event union. */
#include "shop.h"

#include <stdio.h>
#include <string.h>

static void show(const char *label, const char *json)
{
    shop_event ev = {0};
    eventc_error err;
    eventc_buf out;
    eventc_buf_init(&out, NULL);
    if (shop_event_from_json(&ev, json, strlen(json), &err) != EVENTC_OK) {
        char line[512];
        eventc_error_format(&err, line, sizeof line);
        printf("%s: error: %s\n", label, line);
    } else if (shop_event_to_json(&ev, &out, &err) != EVENTC_OK) {
        printf("%s: cannot encode\n", label);
    } else {
        printf("%s: %s %s\n", label, shop_event_kind_name(ev.kind), eventc_buf_cstr(&out));
    }
    eventc_buf_free(&out);
    shop_event_clear(&ev);
}

#define ENVELOPE(name, version)                                                                   \
    "{\"event_name\":\"" name "\",\"event_id\":\"e1\",\"aggregate_type\":\"Order\","             \
    "\"aggregate_id\":\"o1\",\"occurred_at\":\"2025-01-01T00:00:00Z\",\"version\":" version

int main(void)
{
    show("v1", ENVELOPE("OrderCreated", "1") ",\"id\":\"o1\",\"legacy_code\":\"X-7\","
                                             "\"plan\":\"gold\",\"total\":1250}");
    show("v1 other name", ENVELOPE("OrderMade", "1") ",\"id\":\"o1\",\"plan\":\"silver\","
                                                     "\"total\":5}");
    show("v2", ENVELOPE("OrderPlaced", "2") ",\"order_id\":\"o1\",\"tier\":\"platinum\","
                                            "\"total\":99}");
    show("v3", ENVELOPE("OrderPlaced", "3") ",\"order_id\":\"o1\",\"amount_cents\":7,"
                                            "\"tier\":\"basic\",\"tags\":[\"gift\"]}");
    /* A v2 event that still carries a v1 member: the closed envelope refuses it. */
    show("v2 with id", ENVELOPE("OrderPlaced", "2") ",\"order_id\":\"o1\",\"id\":\"o1\","
                                                    "\"tier\":\"basic\",\"total\":1}");
    /* A v1 value that has no mapping is refused after upcasting. */
    show("v1 bronze", ENVELOPE("OrderCreated", "1") ",\"id\":\"o1\",\"plan\":\"bronze\","
                                                    "\"total\":1}");
    /* The event's own decoder reads its earlier names too. */
    shop_order_placed p = {0};
    const char *v1 = ENVELOPE("OrderMade", "1") ",\"id\":\"o9\",\"plan\":\"gold\",\"total\":3}";
    if (shop_order_placed_from_json(&p, v1, strlen(v1), NULL) == EVENTC_OK)
        printf("direct: %s %s %lld tier=%s tags=%zu version=%lld\n", p.envelope.event_name,
               p.order_id, (long long)p.amount_cents, shop_tier_to_string(p.tier), p.n_tags,
               (long long)p.envelope.version);
    shop_order_placed_clear(&p);
    return 0;
}
