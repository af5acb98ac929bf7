/* The conformance suite on the Kafka adapter, against librdkafka's mock cluster (3 brokers on
 * 127.0.0.1), a fresh cluster per test. Kafka has no visibility timeout: a record a consumer
 * holds unsettled stays with it until it closes or leaves the group, so that feature is
 * declared missing. */
#include "conformance.h"
#include "kafka_mock.h"

#include <stdio.h>

typedef struct kafka_factory {
    kafka_mock mock;
} kafka_factory;

static eventc_status setup(void *ctx, eventc_error *err)
{
    kafka_factory *f = ctx;
    if (kafka_mock_start(&f->mock, 3) != 0) {
        return eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "no mock cluster");
    }
    return EVENTC_OK;
}

static eventc_kafka_config config(kafka_factory *f)
{
    eventc_kafka_config c = kafka_mock_config(&f->mock);
    c.max_message_bytes = (size_t)4 << 20; /* the 1 MiB payload test */
    return c;
}

static eventc_publisher *new_publisher(void *ctx, eventc_error *err)
{
    eventc_kafka_config c = config(ctx);
    return eventc_kafka_publisher_new(&c, err);
}

static eventc_subscriber *new_subscriber(void *ctx, eventc_error *err)
{
    eventc_kafka_config c = config(ctx);
    return eventc_kafka_subscriber_new(&c, err);
}

static void teardown(void *ctx)
{
    kafka_factory *f = ctx;
    kafka_mock_stop(&f->mock);
}

int main(int argc, char **argv)
{
    kafka_factory f;
    eventc_conformance_adapter a = {
        "kafka",
        {true, true, true, true, false, 0, true, (size_t)4 << 20, false, false},
        &f,
        setup,
        new_publisher,
        new_subscriber,
        teardown,
    };
    return eventc_conformance_run(&a, argc, argv);
}
