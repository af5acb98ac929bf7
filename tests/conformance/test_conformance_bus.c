/* The conformance suite on the in-memory bus: the factory every adapter writes, here for the
 * bus. A fresh bus per test; a short visibility timeout so that test stays quick. */
#include "conformance.h"

#include <eventc/bus.h>

#include <stdlib.h>

typedef struct bus_factory {
    eventc_bus *bus;
} bus_factory;

static eventc_status setup(void *ctx, eventc_error *err)
{
    bus_factory *f = ctx;
    eventc_bus_config cfg = eventc_bus_config_default();
    cfg.visibility_timeout_ms = 300;
    cfg.publish_timeout_ms = 60000; /* publishers wait for the consumers rather than fail */
    f->bus = eventc_bus_new(&cfg, err);
    return f->bus != NULL ? EVENTC_OK : err->code;
}

static eventc_publisher *new_publisher(void *ctx, eventc_error *err)
{
    bus_factory *f = ctx;
    eventc_publisher *p = eventc_bus_publisher(f->bus);
    if (p == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    return p;
}

static eventc_subscriber *new_subscriber(void *ctx, eventc_error *err)
{
    bus_factory *f = ctx;
    eventc_subscriber *s = eventc_bus_subscriber(f->bus);
    if (s == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    return s;
}

static void teardown(void *ctx)
{
    bus_factory *f = ctx;
    eventc_bus_free(f->bus);
    f->bus = NULL;
}

int main(int argc, char **argv)
{
    bus_factory f = {NULL};
    eventc_conformance_features features = {0};
    features.consumer_groups = true;
    features.competing_consumers = true;
    features.order_per_key = true;
    features.nack_redelivery = true;
    features.visibility_timeout = true;
    features.visibility_timeout_ms = 300;
    features.redeliver_on_close = true;
    features.max_payload = (size_t)64 << 20;
    eventc_conformance_adapter a = {
        "memory", features, &f, setup, new_publisher, new_subscriber, teardown,
    };
    return eventc_conformance_run(&a, argc, argv);
}
