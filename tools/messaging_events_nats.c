/* nats://HOST:PORT[,HOST:PORT...] for publish and consume: the NATS JetStream adapter
 * (eventc::nats). Streams are created with the adapter's defaults (8 partitions, file storage)
 * when they do not exist. */
#include "messaging_events_transport.h"

#include <eventc/nats.h>

#include <stdlib.h>
#include <string.h>

typedef struct nats_endpoint {
    eventc_nats_config cfg;
    char *url; /* the servers, each with its nats:// prefix, comma-separated */
} nats_endpoint;

static void nats_close(void *endpoint)
{
    nats_endpoint *e = endpoint;
    if (e != NULL) {
        free(e->url);
        free(e);
    }
}

/* Whether [b, end) is HOST:PORT with a non-empty host and a decimal port. */
static bool host_port(const char *b, const char *end)
{
    const char *colon = NULL;
    for (const char *c = b; c < end; c++) {
        if (*c == ':') {
            colon = c;
        }
    }
    if (colon == NULL || colon == b || colon + 1 == end || end - colon > 6) {
        return false;
    }
    for (const char *c = colon + 1; c < end; c++) {
        if (*c < '0' || *c > '9') {
            return false;
        }
    }
    return true;
}

static void *nats_open(const char *rest, const me_options *opts, eventc_error *err)
{
    size_t len = strlen(rest);
    while (len > 0 && rest[len - 1] == '/') {
        len--;
    }
    /* Each server gets its own "nats://": at most one per character of the rest. */
    nats_endpoint *e = calloc(1, sizeof(*e));
    if (e == NULL || (e->url = malloc(8 * (len + 1) + 1)) == NULL) {
        nats_close(e);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    char *w = e->url;
    bool ok = len > 0;
    for (const char *b = rest; ok && b < rest + len;) {
        const char *end = memchr(b, ',', (size_t)(rest + len - b));
        if (end == NULL) {
            end = rest + len;
        }
        ok = host_port(b, end);
        if (w != e->url) {
            *w++ = ',';
        }
        memcpy(w, "nats://", 7);
        memcpy(w + 7, b, (size_t)(end - b));
        w += 7 + (end - b);
        b = end < rest + len ? end + 1 : end;
        ok = ok && !(end < rest + len && b == rest + len); /* no trailing comma */
    }
    *w = '\0';
    if (!ok) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                         "nats://%s: want nats://HOST:PORT[,HOST:PORT...]", rest);
        nats_close(e);
        return NULL;
    }
    e->cfg = eventc_nats_config_default();
    e->cfg.url = e->url;
    e->cfg.name = "messaging-events";
    e->cfg.codec = eventc_ce_codec_nats(opts->mode);
    return e;
}

static eventc_publisher *nats_publisher(void *endpoint, eventc_error *err)
{
    nats_endpoint *e = endpoint;
    return eventc_nats_publisher_new(&e->cfg, err);
}

static eventc_subscriber *nats_subscriber(void *endpoint, const char *topic, eventc_error *err)
{
    nats_endpoint *e = endpoint;
    return eventc_nats_subscriber_factory(&e->cfg, topic, err);
}

const me_transport me_nats_transport = {
    "nats",         "nats://HOST:PORT[,HOST:PORT...]",
    false,          nats_open,
    nats_publisher, nats_subscriber,
    nats_close,
};
