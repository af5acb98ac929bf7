/* The conformance suite on the NATS JetStream adapter, against a real nats-server started on
 * 127.0.0.1 on a free port with a temporary store (tests/support/nats_server.h), one server for
 * the whole run (every test uses topics of its own). `--partitions N` sets the partitions of the
 * streams (default 8: order per key with competing consumers; 0: one subject per topic, where
 * the order between competing consumers is not promised). A short AckWait keeps the visibility
 * timeout test quick. */
#include "conformance.h"
#include "nats_server.h"

#include <eventc/nats.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct nats_factory {
    nats_server srv;
    unsigned partitions;
} nats_factory;

static eventc_nats_config config(nats_factory *f)
{
    eventc_nats_config c = eventc_nats_config_default();
    c.url = f->srv.url;
    c.partitions = f->partitions;
    c.ack_wait_ms = 1000;
    c.memory_storage = false;
    return c;
}

static eventc_publisher *new_publisher(void *ctx, eventc_error *err)
{
    eventc_nats_config c = config(ctx);
    return eventc_nats_publisher_new(&c, err);
}

static eventc_subscriber *new_subscriber(void *ctx, eventc_error *err)
{
    eventc_nats_config c = config(ctx);
    return eventc_nats_subscriber_new(&c, err);
}

int main(int argc, char **argv)
{
    nats_factory f;
    memset(&f, 0, sizeof(f));
    f.partitions = 8;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--partitions") == 0) {
            f.partitions = (unsigned)strtoul(argv[i + 1], NULL, 10);
        }
    }
    if (!nats_server_available()) {
        puts("SKIPPED: nats-server is not installed");
        return 0;
    }
    if (nats_server_start(&f.srv, NULL) != 0) {
        fprintf(stderr, "cannot start nats-server\n");
        return 1;
    }
    bool ordered = f.partitions > 0;
    eventc_conformance_adapter a = {
        ordered ? "nats" : "nats (unpartitioned)",
        {true, true, ordered, true, true, 1000, true, (size_t)8 << 20, true, false},
        &f,
        NULL,
        new_publisher,
        new_subscriber,
        NULL,
    };
    int rc = eventc_conformance_run(&a, argc, argv);
    nats_server_stop(&f.srv);
    return rc;
}
