/* The transports `messaging-events publish` and `consume` reach by URL scheme. Each transport
 * is a table of functions in a file of its own (messaging_events_<scheme>.c, built when its
 * adapter is), listed once in messaging_events_transport.c. */
#ifndef MESSAGING_EVENTS_TRANSPORT_H
#define MESSAGING_EVENTS_TRANSPORT_H

#include <eventc/messaging.h>

#include <stdbool.h>

/* What the command line says about the connection. */
typedef struct me_options {
    eventc_ce_mode mode; /* publish --mode: binary (default), structured, or batch (http) */
    const char *token;   /* publish --token: a bearer token (http); NULL: none */
} me_options;

typedef struct me_transport {
    /* The URL scheme, without "://" ("kafka"). */
    const char *scheme;
    /* The URL form, for messages ("kafka://HOST:PORT[,HOST:PORT...]"). */
    const char *form;
    /* Whether one subscriber takes several topics as a comma-separated list (consume then
     * makes one subscriber for all of them instead of one per topic). */
    bool many_topics;
    /* Checks and keeps the rest of the URL (after "scheme://"); NULL with err set when it is
     * malformed. Nothing is contacted yet. */
    void *(*open)(const char *rest, const me_options *opts, eventc_error *err);
    /* A publisher, released with eventc_publisher_close. */
    eventc_publisher *(*publisher)(void *endpoint, eventc_error *err);
    /* A subscriber (not subscribed yet) for @p topic, released with eventc_subscriber_destroy:
     * an eventc_subscriber_factory. */
    eventc_subscriber *(*subscriber)(void *endpoint, const char *topic, eventc_error *err);
    /* Releases what open returned, after every publisher and subscriber made from it. */
    void (*close)(void *endpoint);
} me_transport;

/* The transport of @p url and the rest of the URL after "scheme://"; NULL with a message on
 * standard error (prefixed with @p command) when the scheme is unknown or not built. */
const me_transport *me_transport_find(const char *command, const char *url, const char **rest);

#endif
