/* The webhook receiver's state, shared by the HTTP side (http_receiver.c: libmicrohttpd, limits,
 * answers) and the queue side (http_queue.c: topics, entries, the subscriber port).
 *
 * One mutex per receiver (`lock`) guards the topics, their entries, the consumers' deliveries,
 * the requests' settlement state and the counters. A request waiting for its consumer is
 * suspended in libmicrohttpd; whoever settles its last event decides its answer under the lock
 * and resumes the connection after releasing it (libmicrohttpd's own locks are never taken
 * while ours is held, except by MHD_suspend_connection, which only the polling thread calls). */
#ifndef EVENTC_HTTP_RX_H
#define EVENTC_HTTP_RX_H

#include "http_internal.h"

#include <microhttpd.h>

#include <stdatomic.h>

typedef struct rx_topic rx_topic;
typedef struct rx_entry rx_entry;
typedef struct rx_request rx_request;
typedef struct rx_conn rx_conn;

/* How a waiting request ended. */
typedef enum rx_outcome {
    RX_WAITING,
    RX_ACKED,    /* 204 */
    RX_NACKED,   /* 503, Retry-After from the longest nack delay */
    RX_EXPIRED,  /* 503: not settled within the ack timeout */
    RX_REJECTED, /* 400 with the consumer's reason */
    RX_CLOSED    /* 503: the receiver closed */
} rx_outcome;

/* A connection, from accept to close, for the request deadline. */
struct rx_conn {
    rx_conn *prev, *next;
    int fd;
    int64_t deadline; /* the request in progress must have arrived by then */
    bool waiting;     /* a request of it waits for its consumer: no deadline */
    bool timed_out;   /* shut down by the timer */
};

/* One HTTP request. Owned by libmicrohttpd's request context; freed when it completes. */
struct rx_request {
    struct MHD_Connection *conn;
    rx_conn *c;
    rx_topic *topic;
    bool started;  /* the headers were judged */
    bool answered; /* a response was queued (or refused) */
    char *body;
    size_t body_len, body_cap;
    /* queue side, under the receiver's lock */
    rx_entry **entries;
    size_t n_entries;
    size_t outstanding; /* entries waiting or in flight */
    bool suspended;
    rx_outcome outcome;
    uint32_t max_delay_ms;
    eventc_error reason; /* RX_REJECTED */
    int64_t deadline;    /* ack deadline */
    rx_request *wait_prev, *wait_next;
    rx_request *resume_next; /* in a list of requests to resume */
};

struct eventc_http_receiver {
    eventc_http_receiver_config cfg; /* strings point into the copies below */
    char *address, *path, *topic, *token;
    char **origins;
    size_t n_origins;
    char *tls_cert, *tls_key; /* file contents */
    size_t path_len;
    int listen_fd;
    uint16_t port;
    struct MHD_Daemon *daemon;
    eventc_ce_options decode;

    pthread_mutex_t lock;
    rx_topic *topics;
    rx_request *waiting, *waiting_tail; /* suspended requests, by deadline */
    bool closed;
    size_t events_now, body_bytes_now;
    size_t requests_open; /* requests whose headers arrived that have not completed yet */
    eventc_http_receiver_stats stats;

    pthread_mutex_t conn_lock;
    rx_conn *conns, *conns_tail; /* by deadline */
    pthread_t timer;
    bool timer_started, timer_stop;
    pthread_cond_t timer_cond; /* under conn_lock */
};

/* ---- queue side (http_queue.c) ---- */

/* The topic named `name` (NULL when nobody ever subscribed to it). Under the lock. */
rx_topic *rx_topic_find(eventc_http_receiver *r, const char *name);

/* The name of `t`. */
const char *rx_topic_name(const rx_topic *t);

/* Whether `t` has room for `n` more events. Under the lock. */
bool rx_topic_has_room(const eventc_http_receiver *r, const rx_topic *t, size_t n);

/* Queues the decoded events of `req` (moved out of `b`, which is left empty) on its topic and
 * links the request to them. Room was checked. Under the lock. */
eventc_status rx_queue_events(eventc_http_receiver *r, rx_request *req, eventc_ce_batch *b);

/* Ends a waiting request with `outcome` (expiry, close): settles what it still holds and
 * appends it to *resume. Under the lock. */
void rx_request_end(eventc_http_receiver *r, rx_request *req, rx_outcome outcome,
                    rx_request **resume);

/* Detaches a completed request from anything still pointing at it. Under the lock. */
void rx_request_forget(eventc_http_receiver *r, rx_request *req);

/* Wakes every consumer's blocked fetch (close). Under the lock. */
void rx_wake_all(eventc_http_receiver *r);

/* Releases every topic (the receiver is being freed; no consumer is left). */
void rx_topics_free(eventc_http_receiver *r);

/* Resumes the connections of the requests in `list` (outside the lock). */
void rx_resume(rx_request *list);

#endif
