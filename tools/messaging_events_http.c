/* http://HOST:PORT/PATH and https://... for publish: the HTTP adapter's publisher (eventc::http),
 * posting every event to the URL (`{topic}` in it: the event's topic) in the --mode given
 * (binary, structured or batch), with `Authorization: Bearer` when --token is given. consume has
 * no HTTP transport: `messaging-events serve` receives webhooks. */
#include "messaging_events_transport.h"

#include <eventc/http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct http_endpoint {
    eventc_http_publisher_config cfg;
    char *url;
} http_endpoint;

static void http_close(void *endpoint)
{
    http_endpoint *e = endpoint;
    if (e != NULL) {
        free(e->url);
        free(e);
    }
}

static void *open_url(const char *scheme, const char *rest, const me_options *opts,
                      eventc_error *err)
{
    size_t host = strcspn(rest, "/?#");
    if (host == 0) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "%s://%s: want %s://HOST:PORT/PATH",
                         scheme, rest, scheme);
        return NULL;
    }
    http_endpoint *e = calloc(1, sizeof(*e));
    size_t len = strlen(scheme) + 3 + strlen(rest) + 1;
    if (e == NULL || (e->url = malloc(len)) == NULL) {
        http_close(e);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    snprintf(e->url, len, "%s://%s", scheme, rest);
    e->cfg = eventc_http_publisher_config_default();
    e->cfg.url = e->url;
    e->cfg.mode = opts->mode;
    e->cfg.token = opts->token;
    return e;
}

static void *http_open(const char *rest, const me_options *opts, eventc_error *err)
{
    return open_url("http", rest, opts, err);
}

static void *https_open(const char *rest, const me_options *opts, eventc_error *err)
{
    return open_url("https", rest, opts, err);
}

static eventc_publisher *http_publisher(void *endpoint, eventc_error *err)
{
    http_endpoint *e = endpoint;
    return eventc_http_publisher_new(&e->cfg, err);
}

static eventc_subscriber *http_subscriber(void *endpoint, const char *topic, eventc_error *err)
{
    (void)endpoint;
    (void)topic;
    eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL,
                     "HTTP delivers by webhook: receive with `messaging-events serve`");
    return NULL;
}

const me_transport me_http_transport = {
    "http", "http://HOST:PORT/PATH", false, http_open, http_publisher, http_subscriber, http_close,
};

const me_transport me_https_transport = {
    "https",        "https://HOST:PORT/PATH", false,      https_open,
    http_publisher, http_subscriber,          http_close,
};
