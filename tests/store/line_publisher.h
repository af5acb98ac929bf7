/* A publisher writing one line per message, `<tag> <key> <event id>\n`, to a file descriptor
 * (a pipe to the consuming test) with one write() each: lines shorter than PIPE_BUF from several
 * processes sharing one pipe never mix, and the pipe's order is the order of confirmation. */
#ifndef EVENTC_TESTS_LINE_PUBLISHER_H
#define EVENTC_TESTS_LINE_PUBLISHER_H

#include "store_events.h"

#include <eventc/messaging.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct line_publisher {
    eventc_publisher base;
    int fd;
    int tag;
} line_publisher;

static inline eventc_status lp_publish(eventc_publisher *pub, const char *topic,
                                       const eventc_message *const *msgs, size_t n,
                                       eventc_error *outcomes, eventc_error *err)
{
    (void)topic;
    line_publisher *lp = (line_publisher *)pub;
    eventc_status first = EVENTC_OK;
    for (size_t i = 0; i < n; i++) {
        char line[256];
        int len = snprintf(line, sizeof(line), "%d %s %s\n", lp->tag,
                           msgs[i]->key ? msgs[i]->key : "-", msgs[i]->event.id);
        ssize_t w;
        do {
            w = write(lp->fd, line, (size_t)len);
        } while (w < 0 && errno == EINTR);
        eventc_error_clear(outcomes ? &outcomes[i] : NULL);
        if (w != len) {
            eventc_error_set(outcomes ? &outcomes[i] : NULL, EVENTC_E_UNAVAILABLE, NULL,
                             "write failed");
            if (first == EVENTC_OK)
                first = eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "write failed");
        }
    }
    return first;
}

static inline eventc_status lp_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    (void)pub;
    (void)timeout_ms;
    (void)err;
    return EVENTC_OK;
}

static inline void lp_close(eventc_publisher *pub)
{
    (void)pub;
}

static const eventc_publisher_methods line_publisher_methods = {EVENTC_PUBLISHER_VERSION, "lines",
                                                                lp_publish, lp_flush, lp_close};

static inline void line_publisher_init(line_publisher *lp, int fd, int tag)
{
    lp->base.methods = &line_publisher_methods;
    lp->fd = fd;
    lp->tag = tag;
}

/** Runs a relay named @p owner on @p url until no row is pending, publishing with @p pub; the
 *  process's exit status (0, or 3 on an error, printed). For forked children. */
static inline int relay_until_empty(const char *url, const char *owner, eventc_publisher *pub,
                                    size_t batch)
{
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    cfg.sqlite_sync_normal = true; /* the tests crash processes, not the machine */
    eventc_error err;
    eventc_store *s = eventc_store_open(url, &cfg, &err);
    if (s == NULL) {
        fprintf(stderr, "relay %s: open: %s\n", owner, err.message);
        return 3;
    }
    eventc_relay_config rc = eventc_relay_config_default();
    rc.owner = owner;
    rc.batch = batch;
    int status = 0;
    for (;;) {
        eventc_relay_stats stats = {0, 0, 0};
        if (eventc_store_relay_once(s, pub, &rc, &stats, &err) != EVENTC_OK) {
            fprintf(stderr, "relay %s: %s\n", owner, err.message);
            status = 3;
            break;
        }
        int64_t pending = 0;
        if (stats.sent == 0 &&
            (eventc_store_outbox_pending(s, &pending, &err) != EVENTC_OK || pending == 0))
            break;
        if (stats.sent == 0) {
            struct timespec ms = {0, 1000000}; /* the rest is claimed by the other relay */
            nanosleep(&ms, NULL);
        }
    }
    eventc_store_close(s);
    return status;
}

/** relay_until_empty with a line publisher on @p fd, tagged @p tag. */
static inline int line_relay_run(const char *url, const char *owner, int fd, int tag, size_t batch)
{
    line_publisher lp;
    line_publisher_init(&lp, fd, tag);
    return relay_until_empty(url, owner, &lp.base, batch);
}

#endif
