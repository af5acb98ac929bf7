/* The destinations of `outbox relay --to` (messaging_events_schemes.h): two of its own,
 *
 *   stdout:      each message as one JSON line on standard output
 *   file:PATH    each message as one JSON line appended to PATH, synced before publish returns
 *
 * and every transport of publish and consume (SCHEME://..., messaging_events_transport.c).
 *
 * A line is {"topic": T, "key": K, "event": <the CloudEvent in the JSON format>}. A publish
 * returns once its lines are written (and, for file:, on disk): that is the confirmation a relay
 * waits for before it marks a row sent. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "messaging_events_schemes.h"
#include "messaging_events_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct lines_pub {
    eventc_publisher base;
    int fd;
    int sync;
} lines_pub;

static eventc_status write_all(int fd, const char *p, size_t n, eventc_error *err)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "write: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return EVENTC_OK;
}

static eventc_status lines_publish(eventc_publisher *pub, const char *topic,
                                   const eventc_message *const *msgs, size_t n,
                                   eventc_error *outcomes, eventc_error *err)
{
    lines_pub *lp = (lines_pub *)pub;
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    eventc_status first = EVENTC_OK;
    for (size_t i = 0; i < n; i++) {
        eventc_error e;
        eventc_error_clear(&e);
        const char *t = topic ? topic : msgs[i]->topic;
        eventc_buf_reset(&b);
        eventc_status st =
            t ? EVENTC_OK : eventc_error_set(&e, EVENTC_E_INVALID_ARGUMENT, NULL, "no topic");
        if (st == EVENTC_OK) {
            eventc_buf_append_str(&b, "{\"topic\":");
            st = eventc_buf_append_json_string(&b, t, strlen(t));
        }
        if (st == EVENTC_OK) {
            eventc_buf_append_str(&b, ",\"key\":");
            if (msgs[i]->key)
                st = eventc_buf_append_json_string(&b, msgs[i]->key, strlen(msgs[i]->key));
            else
                eventc_buf_append_str(&b, "null");
        }
        if (st == EVENTC_OK) {
            eventc_buf_append_str(&b, ",\"event\":");
            st = eventc_ce_to_json(&msgs[i]->event, &b, &e);
        }
        if (st == EVENTC_OK) {
            eventc_buf_append_str(&b, "}\n");
            st = write_all(lp->fd, b.data, b.len, &e);
        }
        if (outcomes)
            outcomes[i] = e;
        if (st != EVENTC_OK && first == EVENTC_OK) {
            first = st;
            if (err)
                *err = e;
        }
    }
    eventc_buf_free(&b);
    if (lp->sync && fsync(lp->fd) != 0 && first == EVENTC_OK)
        first = eventc_error_set(err, EVENTC_E_IO, NULL, "fsync: %s", strerror(errno));
    return first;
}

static eventc_status lines_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    (void)pub;
    (void)timeout_ms;
    (void)err;
    return EVENTC_OK;
}

static void lines_close(eventc_publisher *pub)
{
    lines_pub *lp = (lines_pub *)pub;
    if (lp->fd != STDOUT_FILENO)
        close(lp->fd);
    free(lp);
}

static const eventc_publisher_methods lines_methods = {EVENTC_PUBLISHER_VERSION, "lines",
                                                       lines_publish, lines_flush, lines_close};

static eventc_publisher *lines_new(int fd, int sync, eventc_error *err)
{
    lines_pub *lp = calloc(1, sizeof(*lp));
    if (lp == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    lp->base.methods = &lines_methods;
    lp->fd = fd;
    lp->sync = sync;
    return &lp->base;
}

static eventc_publisher *open_stdout(const char *url, eventc_error *err)
{
    (void)url;
    return lines_new(STDOUT_FILENO, 0, err);
}

static eventc_publisher *open_file(const char *url, eventc_error *err)
{
    const char *path = url + strlen("file:");
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        eventc_error_set(err, EVENTC_E_IO, NULL, "%s: %s", path, strerror(errno));
        return NULL;
    }
    eventc_publisher *p = lines_new(fd, 1, err);
    if (p == NULL)
        close(fd);
    return p;
}

/* A transport's publisher and the endpoint it was made from, closed together. */
typedef struct transport_pub {
    eventc_publisher base;
    eventc_publisher *inner;
    const me_transport *transport;
    void *endpoint;
} transport_pub;

static eventc_status tr_publish(eventc_publisher *pub, const char *topic,
                                const eventc_message *const *msgs, size_t n, eventc_error *outcomes,
                                eventc_error *err)
{
    transport_pub *t = (transport_pub *)pub;
    return eventc_publisher_publish(t->inner, topic, msgs, n, outcomes, err);
}

static eventc_status tr_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    return eventc_publisher_flush(((transport_pub *)pub)->inner, timeout_ms, err);
}

static void tr_close(eventc_publisher *pub)
{
    transport_pub *t = (transport_pub *)pub;
    eventc_publisher_close(t->inner);
    t->transport->close(t->endpoint);
    free(t);
}

static const eventc_publisher_methods transport_methods = {EVENTC_PUBLISHER_VERSION, "transport",
                                                           tr_publish, tr_flush, tr_close};

static eventc_publisher *open_transport(const char *url, eventc_error *err)
{
    const char *rest = NULL;
    const me_transport *tr = me_transport_find("outbox relay", url, &rest);
    if (tr == NULL) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no transport for '%s'", url);
        return NULL;
    }
    me_options opts = {.mode = EVENTC_CE_MODE_BINARY, .token = NULL};
    transport_pub *t = calloc(1, sizeof(*t));
    void *endpoint = t ? tr->open(rest, &opts, err) : NULL;
    eventc_publisher *inner = endpoint ? tr->publisher(endpoint, err) : NULL;
    if (inner == NULL) {
        if (endpoint)
            tr->close(endpoint);
        if (t == NULL)
            eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        free(t);
        return NULL;
    }
    t->base.methods = &transport_methods;
    t->inner = inner;
    t->transport = tr;
    t->endpoint = endpoint;
    return &t->base;
}

/* The relay's own destinations; SCHEME://... goes to the transports. */
static const me_scheme schemes[] = {
    {"stdout:", "stdout:      each message as a JSON line on standard output", open_stdout},
    {"file:", "file:PATH    each message as a JSON line appended to PATH (synced)", open_file},
};

eventc_publisher *me_publisher_open(const char *url, eventc_error *err)
{
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        if (strncmp(url, schemes[i].scheme, strlen(schemes[i].scheme)) == 0)
            return schemes[i].open(url, err);
    }
    if (strstr(url, "://") != NULL)
        return open_transport(url, err);
    eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                     "unknown destination '%s' (see messaging-events outbox --help)", url);
    return NULL;
}

void me_schemes_print(FILE *out)
{
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        fprintf(out, "  %s\n", schemes[i].help);
    fputs("  SCHEME://...  a broker, as `messaging-events publish --to` reaches it (kafka://...)\n",
          out);
}
