/* The routes the checker resolves (generator/front/check_routing.c): the default topic and key,
 * aggregate and event overrides, keys from the envelope, partition counts shared by a topic. The
 * refusals are in the errors corpus (tests/errors/130-routing, 131-routing-default-topic). */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "front/check.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *source_dir = ".";

static const char catalog[] =
    "catalog: shop\n"
    "version: 1\n"
    "cloudevents: { type_prefix: Com.Example.Shop }\n"
    "envelope:\n"
    "  fields:\n"
    "    event_name: { type: string, role: event_name }\n"
    "    event_id: { type: string, role: event_id }\n"
    "    aggregate_type: { type: string, role: aggregate_type }\n"
    "    aggregate_id: { type: string, role: aggregate_id }\n"
    "    occurred_at: { type: timestamp, role: occurred_at }\n"
    "    version: { type: integer, role: version }\n"
    "    tenant: string\n"
    "aggregates:\n"
    "  OrderLine:\n"
    "    id: line_id\n"
    "    events:\n"
    "      OrderLineAdded: { summary: Added., fields: { line_id: string } }\n"
    "      OrderLineMoved:\n"
    "        summary: Moved.\n"
    "        routing: { topic: shop.moves, key: tenant, partitions: 8 }\n"
    "        fields: { line_id: string }\n"
    "  Cart:\n"
    "    id: cart_id\n"
    "    routing: { topic: shop.carts, key: customer_id, partitions: 4 }\n"
    "    events:\n"
    "      CartOpened: { summary: Opened., fields: { cart_id: string, customer_id: string } }\n"
    "      CartMoved:\n"
    "        summary: Moved.\n"
    "        routing: { topic: shop.moves, key: cart_id }\n"
    "        fields: { cart_id: string }\n"
    "      CartClosed:\n"
    "        summary: Closed.\n"
    "        routing: { partitions: 4 }\n"
    "        fields: { cart_id: string, customer_id: string }\n";

static gen_model *load(const char *path)
{
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    if (!m)
        gen_diags_print(&diags, stderr);
    gen_diags_free(&diags);
    return m;
}

static void check_route(const gen_model *m, const char *event, const char *topic, const char *key,
                        long long partitions)
{
    const gen_event *e = gen_model_find_event(m, event);
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK_STR(e->route_topic, topic);
    CHECK(e->route_key != NULL);
    if (e->route_key)
        CHECK_STR(e->route_key->name, key);
    CHECK(e->route_partitions == partitions);
}

static void test_overrides(void)
{
    char path[] = "/tmp/eventc-routing-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "w");
    fputs(catalog, f);
    fclose(f);
    gen_model *m = load(path);
    CHECK(m != NULL);
    if (m) {
        /* The default: the type prefix and the aggregate, in lower case; the aggregate's id. */
        check_route(m, "OrderLineAdded", "com.example.shop.order_line", "line_id", 0);
        /* An event's own route, keyed by an envelope field; its partitions name its topic. */
        check_route(m, "OrderLineMoved", "shop.moves", "tenant", 8);
        /* The aggregate's route, and an event that takes only part of it. */
        check_route(m, "CartOpened", "shop.carts", "customer_id", 4);
        check_route(m, "CartMoved", "shop.moves", "cart_id", 8);
        check_route(m, "CartClosed", "shop.carts", "customer_id", 4);
        gen_model_free(m);
    }
    unlink(path);
}

static void test_messaging_defaults(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog/messaging.yaml", source_dir);
    gen_model *m = load(path);
    CHECK(m != NULL);
    if (!m)
        return;
    check_route(m, "CustomerCreated", "com.example.messaging.customer", "customer_id", 0);
    check_route(m, "ConversationParticipantAdded", "com.example.messaging.conversation",
                "conversation_id", 0);
    check_route(m, "ChannelMapped", "com.example.messaging.channel", "channel_id", 0);
    gen_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        source_dir = argv[1];
    test_overrides();
    test_messaging_defaults();
    return check_report();
}
