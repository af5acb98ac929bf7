/* kafka://HOST:PORT[,HOST:PORT...][?PROPERTY=VALUE&...] for publish and consume: the Kafka
 * adapter (eventc::kafka). Query parameters are librdkafka properties. */
#include "messaging_events_transport.h"

#include <eventc/kafka.h>

#include <stdlib.h>
#include <string.h>

typedef struct kafka_endpoint {
    eventc_kafka_config cfg;
    char *text; /* brokers and properties, split in place */
    eventc_kafka_property *props;
} kafka_endpoint;

static void kafka_close(void *endpoint)
{
    kafka_endpoint *e = endpoint;
    if (e != NULL) {
        free(e->text);
        free(e->props);
        free(e);
    }
}

static void *kafka_open(const char *rest, const me_options *opts, eventc_error *err)
{
    kafka_endpoint *e = calloc(1, sizeof(*e));
    size_t len = strlen(rest);
    if (e == NULL || (e->text = malloc(len + 1)) == NULL ||
        (e->props = calloc(len / 2 + 1, sizeof(*e->props))) == NULL) {
        kafka_close(e);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    memcpy(e->text, rest, len + 1);
    e->cfg = eventc_kafka_config_default();
    e->cfg.codec = eventc_ce_codec_kafka(opts->mode);
    char *query = strchr(e->text, '?');
    if (query != NULL)
        *query++ = '\0';
    size_t n = strlen(e->text);
    while (n > 0 && e->text[n - 1] == '/')
        e->text[--n] = '\0';
    /* Every broker is HOST:PORT with a non-empty host and a port. */
    bool ok = n > 0;
    for (char *b = e->text; ok && b != NULL;) {
        char *comma = strchr(b, ',');
        char *end = comma != NULL ? comma : b + strlen(b);
        char *colon = NULL;
        for (char *c = b; c < end; c++)
            if (*c == ':')
                colon = c;
        ok = colon != NULL && colon > b && colon + 1 < end &&
             strspn(colon + 1, "0123456789") == (size_t)(end - colon - 1);
        b = comma != NULL ? comma + 1 : NULL;
    }
    if (!ok) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                         "kafka://%s: want kafka://HOST:PORT[,HOST:PORT...]", rest);
        kafka_close(e);
        return NULL;
    }
    e->cfg.brokers = e->text;
    for (char *p = query; p != NULL && *p != '\0';) {
        char *amp = strchr(p, '&');
        if (amp != NULL)
            *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p) {
            eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                             "kafka URL parameter '%s' is not PROPERTY=VALUE", p);
            kafka_close(e);
            return NULL;
        }
        *eq = '\0';
        e->props[e->cfg.n_properties].name = p;
        e->props[e->cfg.n_properties].value = eq + 1;
        e->cfg.n_properties++;
        p = amp != NULL ? amp + 1 : NULL;
    }
    e->cfg.properties = e->props;
    return e;
}

static eventc_publisher *kafka_publisher(void *endpoint, eventc_error *err)
{
    kafka_endpoint *e = endpoint;
    return eventc_kafka_publisher_new(&e->cfg, err);
}

static eventc_subscriber *kafka_subscriber(void *endpoint, const char *topic, eventc_error *err)
{
    kafka_endpoint *e = endpoint;
    return eventc_kafka_subscriber_factory(&e->cfg, topic, err);
}

const me_transport me_kafka_transport = {
    "kafka",
    "kafka://HOST:PORT[,HOST:PORT...]",
    true,
    kafka_open,
    kafka_publisher,
    kafka_subscriber,
    kafka_close,
};
