/* The conformance suite on the HTTP pair: the libcurl publisher posting to a libmicrohttpd
 * webhook receiver on 127.0.0.1 (a free port), a fresh receiver per test. Topics travel in the
 * path (`/events/{topic}`). A delivery is answered once its consumer settled it, so a publish
 * waits for the consumer (publish_waits_for_consumer); nacks and unsettled messages come back
 * through the publisher's retries (503 with Retry-After), with attempt + 1. The receiver keeps
 * one consumer group per topic: no consumer_groups test. */
#include "conformance.h"

#include <eventc/http.h>

#include <stdio.h>

#define ACK_TIMEOUT_MS 2000

typedef struct http_factory {
    eventc_http_receiver *rx;
    char url[96];
} http_factory;

static eventc_status setup(void *ctx, eventc_error *err)
{
    http_factory *f = ctx;
    eventc_http_receiver_config cfg = eventc_http_receiver_config_default();
    cfg.ack_timeout_ms = ACK_TIMEOUT_MS;
    cfg.max_body = (size_t)8 << 20;
    f->rx = eventc_http_receiver_new(&cfg, err);
    if (f->rx == NULL) {
        return err->code;
    }
    snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%u/events/{topic}",
             (unsigned)eventc_http_receiver_port(f->rx));
    return EVENTC_OK;
}

static eventc_publisher *new_publisher(void *ctx, eventc_error *err)
{
    http_factory *f = ctx;
    eventc_http_publisher_config cfg = eventc_http_publisher_config_default();
    cfg.url = f->url;
    cfg.max_attempts = 20; /* the dead-letter test nacks five deliveries */
    cfg.backoff_initial_ms = 10;
    cfg.backoff_max_ms = 500;
    return eventc_http_publisher_new(&cfg, err);
}

static eventc_subscriber *new_subscriber(void *ctx, eventc_error *err)
{
    http_factory *f = ctx;
    return eventc_http_receiver_subscriber(f->rx, err);
}

static void teardown(void *ctx)
{
    http_factory *f = ctx;
    eventc_http_receiver_free(f->rx);
    f->rx = NULL;
}

int main(int argc, char **argv)
{
    http_factory f = {NULL, ""};
    eventc_conformance_features features = {0};
    features.consumer_groups = false;
    features.competing_consumers = true;
    features.order_per_key = true;
    features.nack_redelivery = true;
    features.visibility_timeout = true;
    features.visibility_timeout_ms = ACK_TIMEOUT_MS;
    features.redeliver_on_close = true;
    features.max_payload = (size_t)8 << 20;
    features.publish_waits_for_consumer = true;
    eventc_conformance_adapter a = {"http",        features,       &f,      setup,
                                    new_publisher, new_subscriber, teardown};
    return eventc_conformance_run(&a, argc, argv);
}
