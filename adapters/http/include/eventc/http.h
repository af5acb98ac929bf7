/**
 * @file http.h
 * @brief eventc::http: CloudEvents over HTTP webhooks. A publisher on libcurl and a webhook
 *        receiver on GNU libmicrohttpd that is a subscriber port, both on the runtime's HTTP
 *        binding (binary, structured and batched content modes).
 *
 * **The pair.** The publisher POSTs each message to a URL and waits for the answer: a 2xx is
 * the message's success, 408, 429, 5xx and connection errors are tried again with back-off
 * (honouring `Retry-After`), every other 4xx is final. The receiver answers a delivery only
 * once its consumer settled the events it carried: 204 when every event was acked, 503 with
 * `Retry-After` when one was nacked or not settled within `ack_timeout_ms`, 429 with
 * `Retry-After` when its bounded queue has no room. So a publish returns OK exactly when a
 * consumer acked the message, and a nack becomes a redelivery by the sender. Refusals carry an
 * `application/problem+json` body (RFC 9457) naming the reason; see docs/messaging.md, "HTTP".
 *
 * **Topics.** The receiver listens on one path (default `/events`). A POST to the path itself
 * goes to topic `topic` of its configuration (default `events`); a POST to `<path>/<name>`
 * goes to topic `<name>`. A publisher URL containing `{topic}` sends each message to the URL
 * with its topic in place (percent-encoded); without it, every message goes to the URL as is.
 *
 * **Keys.** A message's key travels as the CloudEvents `partitionkey` extension (the
 * partitioning extension): the publisher adds it when the event has none; the receiver reads
 * it back as the message key (an event without it has no key).
 *
 * **Threads.** The publisher runs one I/O thread (libcurl's multi interface) that every
 * publish call hands its requests to; publish may run from any number of threads. The
 * receiver runs libmicrohttpd's polling thread, which never waits for a handler (a request
 * waiting for its consumer is suspended), and one timer thread for deadlines.
 */
#ifndef EVENTC_HTTP_H
#define EVENTC_HTTP_H

#include "eventc/messaging.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Publisher
 * ------------------------------------------------------------------------------------------- */

/** Configuration of a publisher. Start from eventc_http_publisher_config_default(). */
typedef struct eventc_http_publisher_config {
    /** Where to POST (required): `http://` or `https://` URL. `{topic}` in it is replaced by
     *  each message's topic, percent-encoded. Copied. */
    const char *url;
    /** Content mode: BINARY (default), STRUCTURED, or BATCH (consecutive messages to the same
     *  URL in one request, up to the batch limits; they share one outcome). */
    eventc_ce_mode mode;
    /** Sent as `Authorization: Bearer <token>` (NULL: none). Copied. */
    const char *token;
    /** Sent as `WebHook-Request-Origin` (NULL: none). Copied. */
    const char *origin;
    /** Connecting (TCP and TLS), per try (default 5000 ms). */
    uint32_t connect_timeout_ms;
    /** One whole request, response included, per try (default 60000 ms). Keep it above the
     *  receiver's ack timeout: a receiver answers only once its consumer settled the event. */
    uint32_t timeout_ms;
    /** Tries per message, the first included (default 5; 1: never retry). */
    unsigned max_attempts;
    /** Back-off before try n + 1 when the server gave no Retry-After: initial * 2^(n-1),
     *  capped, times a random factor in [0.8, 1.2] (defaults 100 ms and 10000 ms). */
    uint32_t backoff_initial_ms;
    uint32_t backoff_max_ms;
    /** The longest Retry-After obeyed (default 60000 ms): a server asking for more ends the
     *  message's tries with the failure at hand. */
    uint32_t retry_after_max_ms;
    /** Requests in flight at once, over as many reused connections (default 8). Messages with
     *  the same topic and key are sent one after the other, each once the previous one has its
     *  outcome, so they keep their order. */
    unsigned max_connections;
    /** BATCH mode: most events and body bytes per request (defaults 100 and 1 MiB; a single
     *  event larger than that is sent alone). */
    size_t batch_max_events;
    size_t batch_max_bytes;
    /** TLS: a CA bundle file and/or folder to trust instead of the system's (NULL: the
     *  system's), and a client certificate and key for mutual TLS (PEM files; NULL: none).
     *  Peer and host name are always verified. Copied. */
    const char *ca_file;
    const char *ca_path;
    const char *client_cert;
    const char *client_key;
} eventc_http_publisher_config;

/** @return binary mode, no token or origin, connect 5 s, request 60 s, 5 tries, back-off 100 ms
 *          to 10 s, Retry-After up to 60 s, 8 connections, batches of 100 events or 1 MiB. */
EVENTC_API eventc_http_publisher_config eventc_http_publisher_config_default(void);

/**
 * Creates a publisher (the eventc_publisher port) and starts its I/O thread. Nothing is
 * contacted yet.
 *
 * Each message's outcome (publish's @p outcomes): EVENTC_OK for a 2xx answer;
 * EVENTC_E_UNAVAILABLE (connection refused or reset, 5xx), EVENTC_E_TIMEOUT (connect or request
 * timeout, 408) or EVENTC_E_FULL (429) once the tries are used up; for a final 4xx the rule the
 * receiver's problem+json names (400 of an invalid event: its path and rule, such as
 * `$.time` and EVENTC_E_TIMESTAMP; else EVENTC_E_CLOUDEVENTS), EVENTC_E_LIMIT (413),
 * EVENTC_E_UNSUPPORTED (415) or EVENTC_E_INVALID_ARGUMENT (401, 403, 404, 405, other 4xx, a
 * redirect); a codec error for an event the binding refuses. The message says which status came
 * from where: `HTTP 401 from http://127.0.0.1:8080/events: unauthorized: ...`.
 *
 * @return the publisher (release with eventc_publisher_close), or NULL with @p err set
 *         (EVENTC_E_INVALID_ARGUMENT for a missing or unusable URL or a zero limit;
 *         EVENTC_E_NOMEM; EVENTC_E_IO when libcurl or the thread cannot start).
 */
EVENTC_API EVENTC_NODISCARD eventc_publisher *
eventc_http_publisher_new(const eventc_http_publisher_config *cfg, eventc_error *err);

/** Counters of a publisher (thread-safe snapshot). */
typedef struct eventc_http_publisher_stats {
    /** HTTP requests sent (tries included) and their answers by class. */
    uint64_t requests, answered_2xx, answered_4xx, answered_5xx;
    /** Tries that failed without an answer (connection errors, timeouts). */
    uint64_t transport_errors;
    /** Tries that were repeated after a retryable failure. */
    uint64_t retries;
    /** Connections opened (a reused connection is not counted again). */
    uint64_t connections;
} eventc_http_publisher_stats;

/** @return the counters of @p pub, a publisher made by eventc_http_publisher_new (zeros for
 *          any other). */
EVENTC_API eventc_http_publisher_stats eventc_http_publisher_stats_get(eventc_publisher *pub);

/* ---------------------------------------------------------------------------------------------
 * Receiver (webhook delivery target) and its subscribers
 * ------------------------------------------------------------------------------------------- */

/** Configuration of a receiver. Start from eventc_http_receiver_config_default(). */
typedef struct eventc_http_receiver_config {
    /** The address to listen on, an IPv4 or IPv6 literal (default "127.0.0.1"). Copied. */
    const char *address;
    /** The port (default 0: a free port, see eventc_http_receiver_port). */
    uint16_t port;
    /** The resource path deliveries go to (default "/events"). Copied. */
    const char *path;
    /** The topic of deliveries to the path itself (default "events"); deliveries to
     *  `<path>/<name>` go to topic `<name>`. Copied. */
    const char *topic;
    /** When set, every delivery must carry it as `Authorization: Bearer <token>` or as the
     *  `access_token` query parameter (401 otherwise; compared in constant time). Copied. */
    const char *token;
    /** Origins the abuse-protection handshake (OPTIONS with WebHook-Request-Origin) agrees to;
     *  `*` agrees to every origin. Others are refused with 403. Borrowed for the call. */
    const char *const *allowed_origins;
    size_t n_allowed_origins;
    /** WebHook-Allowed-Rate granted, in requests per minute (default 0: `*`, no limit). */
    unsigned allowed_rate;
    /** Most events one topic holds, waiting for or being handled by a consumer (default
     *  1024). A delivery that does not fit is answered 429 with Retry-After. */
    size_t capacity;
    /** How long a delivery waits for its consumer to settle its events, from arrival (default
     *  30000 ms); then 503 with Retry-After, and a late ack fails with EVENTC_E_TIMEOUT. */
    uint32_t ack_timeout_ms;
    /** Retry-After, in seconds, of 429 and of 503 without a nack delay (default 1). */
    uint32_t retry_after_s;
    /** Largest request body (default 1 MiB): 413 beyond it, before the body is read when
     *  Content-Length says so. */
    size_t max_body;
    /** Most request header fields (default 100) and bytes of the request line and headers
     *  together (default 16 KiB): 431 beyond either. */
    unsigned max_headers;
    size_t max_header_bytes;
    /** Most connections at once (default 256); further ones wait in the listen queue,
     *  unanswered, until one of them closes (idle_timeout_ms and request_timeout_ms bound how
     *  long that takes). */
    unsigned max_connections;
    /** A connection with nothing to read for this long is closed (default 10000 ms; rounded up
     *  to whole seconds). */
    uint32_t idle_timeout_ms;
    /** A request's line, headers and body must arrive within this (default 30000 ms), however
     *  slowly the bytes trickle in; then the connection is closed. */
    uint32_t request_timeout_ms;
    /** HTTPS: certificate chain and private key, PEM files (NULL: plain HTTP). Copied. */
    const char *tls_cert_file;
    const char *tls_key_file;
} eventc_http_receiver_config;

/** @return 127.0.0.1 on a free port, path /events, topic events, no token or origins, capacity
 *          1024, ack timeout 30 s, Retry-After 1 s, body 1 MiB, 100 headers in 16 KiB, 256
 *          connections, idle 10 s, request 30 s, plain HTTP. */
EVENTC_API eventc_http_receiver_config eventc_http_receiver_config_default(void);

/** A webhook receiver. Opaque; thread-safe. */
typedef struct eventc_http_receiver eventc_http_receiver;

/**
 * Starts a receiver listening on the configured address and port.
 * @return the receiver, or NULL with @p err set: EVENTC_E_INVALID_ARGUMENT for a bad
 *         configuration (address, path, topic, zero limits, unreadable TLS files), EVENTC_E_IO
 *         when the address cannot be bound (its reason in the message), EVENTC_E_UNSUPPORTED for
 *         HTTPS when libmicrohttpd was built without TLS, EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_http_receiver *
eventc_http_receiver_new(const eventc_http_receiver_config *cfg, eventc_error *err);

/** @return the port @p r listens on (the one chosen when the configuration said 0). */
EVENTC_API uint16_t eventc_http_receiver_port(const eventc_http_receiver *r);

/**
 * @return a new subscriber (consumer) on @p r, or NULL when out of memory (@p err set). It
 *         subscribes to one topic; the receiver keeps one consumer group per topic (the first
 *         subscribe names it; another group on the same topic is refused with
 *         EVENTC_E_UNSUPPORTED), and its consumers compete. Deliveries to a topic nobody ever
 *         subscribed to are answered 404. Release with eventc_subscriber_destroy, before
 *         eventc_http_receiver_free.
 */
EVENTC_API EVENTC_NODISCARD eventc_subscriber *
eventc_http_receiver_subscriber(eventc_http_receiver *r, eventc_error *err);

/** A subscriber factory (eventc_subscriber_factory) for the typed layer: @p ctx is the
 *  eventc_http_receiver. */
EVENTC_API eventc_subscriber *eventc_http_subscriber_factory(void *ctx, const char *topic,
                                                             eventc_error *err);

/**
 * Settles @p m as refused for good: the delivery that carried it is answered 400 with
 * @p reason in its problem+json (path and rule), so the sender does not try again; the other
 * events of a batch that are not settled yet are not delivered. For events a consumer can tell
 * are wrong (a CloudEvent that is no valid event of its catalog). @p m is invalid afterwards.
 * @return as eventc_subscriber_ack; EVENTC_E_INVALID_ARGUMENT for a subscriber that is no HTTP
 *         receiver's.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_http_reject(eventc_subscriber *sub,
                                                             eventc_message *m,
                                                             const eventc_error *reason,
                                                             eventc_error *err);

/** Counters of a receiver (a consistent snapshot). */
typedef struct eventc_http_receiver_stats {
    /** Requests whose headers arrived, and the answers sent by status. */
    uint64_t requests;
    uint64_t answered_204, answered_400, answered_401, answered_403, answered_404, answered_405,
        answered_413, answered_415, answered_429, answered_431, answered_503, answered_other;
    /** Events queued for consumers, and how they were settled. */
    uint64_t events_queued, events_acked, events_nacked, events_expired, events_rejected;
    /** Connections accepted, and those closed for overrunning request_timeout_ms. */
    uint64_t connections, connections_timed_out;
    /** Highest number of events queued at once (all topics), and of request body bytes held
     *  in memory at once (bodies being received or decoded). */
    uint64_t peak_events, peak_body_bytes;
} eventc_http_receiver_stats;

/** @return the counters of @p r. */
EVENTC_API eventc_http_receiver_stats eventc_http_receiver_stats_get(eventc_http_receiver *r);

/**
 * Stops accepting connections, answers every waiting delivery 503 with Retry-After (its events
 * were not handled, or their handling is not confirmed: the sender tries again), and wakes
 * every blocked fetch with EVENTC_E_CLOSED. Idempotent; callable from any thread.
 */
EVENTC_API void eventc_http_receiver_close(eventc_http_receiver *r);

/** Closes @p r if needed, waits for its threads and releases it. Every subscriber made from it
 *  must have been destroyed first. NULL-safe. */
EVENTC_API void eventc_http_receiver_free(eventc_http_receiver *r);

#ifdef __cplusplus
}
#endif

#endif
