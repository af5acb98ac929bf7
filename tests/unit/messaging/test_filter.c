/* The filter middleware: a CloudEvents SQL expression on a subscription. Messages it does not
 * match are acked without reaching the handler; a bad expression is refused when the middleware
 * is made. Without the CESQL engine in the build, the middleware reports it is unsupported. */
#include "check.h"

#include <eventc/bus.h>
#include <eventc/middleware.h>

#include <stdio.h>

static eventc_status count(const eventc_message *in, eventc_emitter *out, void *ctx,
                           eventc_error *err)
{
    (void)in, (void)out, (void)err;
    (*(int *)ctx)++;
    return EVENTC_OK;
}

int main(void)
{
    eventc_middleware mw;
    eventc_error err;
    eventc_status st = eventc_filter_middleware("type LIKE '%.created' AND amount > 10", &mw, &err);
    if (st == EVENTC_E_UNSUPPORTED) {
        printf("filter: built without the CESQL engine\n");
        CHECK(err.code == EVENTC_E_UNSUPPORTED);
        return check_report();
    }
    CHECK(st == EVENTC_OK);
    eventc_middleware bad;
    CHECK(eventc_filter_middleware("type = ", &bad, &err) == EVENTC_E_SYNTAX);
    eventc_bus *bus = eventc_bus_new(NULL, NULL);
    eventc_publisher *pub = eventc_bus_publisher(bus);
    eventc_subscriber *sub = eventc_bus_subscriber(bus);
    eventc_router *r = eventc_router_new(NULL, &err);
    int calls = 0;
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "filtered";
    h.subscriber = sub;
    h.topic = "t";
    h.group = "g";
    h.fn = count;
    h.ctx = &calls;
    h.middleware = &mw;
    h.n_middleware = 1;
    CHECK(eventc_router_add_handler(r, &h, &err) == EVENTC_OK);
    const char *types[] = {"x.created", "x.created", "x.deleted"};
    const int amounts[] = {50, 5, 50};
    for (int i = 0; i < 3; i++) {
        eventc_message m;
        char id[8];
        snprintf(id, sizeof(id), "f%d", i);
        eventc_message_init(&m, NULL);
        CHECK(eventc_ce_init_json(&m.event, NULL, id, "/f", types[i], "{}", 2, &err) == EVENTC_OK);
        CHECK(eventc_ce_set_ext_integer(&m.event, "amount", amounts[i], &err) == EVENTC_OK);
        CHECK(eventc_publisher_publish1(pub, "t", &m, &err) == EVENTC_OK);
        eventc_message_clear(&m);
    }
    size_t n, total = 0;
    do {
        CHECK(eventc_router_run_once(r, 0, &n, &err) == EVENTC_OK);
        total += n;
    } while (n > 0);
    CHECK(total == 3);
    CHECK(calls == 1);
    CHECK(eventc_bus_pending(bus, "t", "g") == 0);
    eventc_router_free(r);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(pub);
    eventc_bus_free(bus);
    return check_report();
}
