/* Shared by the NATS publisher and subscriber: the copied configuration, connections, error
 * mapping, and the streams and consumers of topics and groups (nats_common.c, nats_stream.c). */
#ifndef EVENTC_NATS_INTERNAL_H
#define EVENTC_NATS_INTERNAL_H

#include "eventc/nats.h"

#include <nats/nats.h>
#include <pthread.h>

/* The most partitions a stream may have, and the longest stream or consumer name we make. */
#define NATS_MAX_PARTITIONS 1024
#define NATS_NAME_MAX 256

/* The header carrying a key the receiver could not derive from the event. */
#define NATS_KEY_HEADER "Eventc-Key"
#define NATS_MSG_ID_HEADER "Nats-Msg-Id"

/* A configuration copied with its strings (cfg's pointers point into the copy). */
typedef struct nats_conf {
    eventc_nats_config cfg;
    char *url;
    char *name;
    eventc_ce_options decode;
} nats_conf;

/* Checks and copies *in (NULL fields get their defaults). */
eventc_status nats_conf_copy(nats_conf *out, const eventc_nats_config *in, eventc_error *err);
void nats_conf_free(nats_conf *c);

/* A malloc'd copy of s (NULL when out of memory). */
char *nats_strdup(const char *s);

/* Initialises a condition variable whose timed waits use CLOCK_MONOTONIC. */
void nats_cond_init(pthread_cond_t *cond);

/* Connects with the configuration: reconnecting by itself (subscribers) or not at all
 * (publishers, which reconnect between publish rounds). closed_cb, when not NULL, is called from
 * the client's thread when the connection closes for good. */
eventc_status nats_connect(const nats_conf *c, bool reconnect, natsConnection **out,
                           eventc_error *err);

/* Fills err from a cnats status and the client's last error text, with a message prefix.
 * Returns the eventc status chosen: EVENTC_E_UNAVAILABLE for connection problems and timeouts,
 * EVENTC_E_NOMEM, EVENTC_E_LIMIT for a payload over the server's maximum, EVENTC_E_IO else. */
eventc_status nats_fail(eventc_error *err, natsStatus s, const char *what);

/* Status of a cnats call that a later try may cure (connection lost, timeout, no responders). */
bool nats_transient(natsStatus s);

/* ---- streams ---- */

/* A topic's stream as this process uses it. */
typedef struct nats_stream {
    char name[NATS_NAME_MAX];
    unsigned partitions; /* 0: the one subject <topic> */
} nats_stream;

/* Creates the stream of topic with the configuration when it does not exist, or reads the
 * layout of the existing one. */
eventc_status nats_stream_ensure(jsCtx *js, const nats_conf *c, const char *topic, nats_stream *out,
                                 eventc_error *err);

/* Creates the group's durable consumers on the stream (one per partition), or brings their
 * AckWait, MaxDeliver and MaxAckPending to the configuration's. */
eventc_status nats_consumers_ensure(jsCtx *js, const nats_conf *c, const char *topic,
                                    const nats_stream *st, const char *group, eventc_error *err);

/* The durable name of the group's consumer of partition i (P = 0: the group alone) into out. */
eventc_status nats_durable_name(const char *group, const nats_stream *st, unsigned i, char *out,
                                size_t cap, eventc_error *err);

/* Parses the reply subject of a JetStream message ($JS.ACK.<stream>.<consumer>.<delivered>.
 * <stream seq>.<consumer seq>.<time>.<pending>, with or without domain and account hash).
 * Every output may be NULL; consumer points into reply. Returns false when it is not one. */
bool nats_ack_meta(const char *reply, uint64_t *delivered, uint64_t *stream_seq,
                   const char **consumer, size_t *consumer_len);

#endif
