/* The webhook receiver's HTTP side (http.h, http_rx.h): a libmicrohttpd daemon on a socket of
 * our own, the limits, the CloudEvents HTTP Webhook rules, and the answers.
 *
 * A request goes through the access handler three or four times: once its headers are in (path,
 * method, header limits, credentials, content type, declared length, topic and room are judged
 * then, so a refusal never reads the body), once per piece of body, once the body is complete
 * (decode, queue, suspend), and once more after its consumer settled its events (resume: the
 * answer). The polling thread never waits for a consumer.
 *
 * A timer thread ends the deliveries whose consumer did not settle them within the ack timeout,
 * and shuts down the sockets of connections whose request did not arrive within the request
 * timeout (however slowly its bytes trickle in; libmicrohttpd's own timeout only counts
 * silence). A connection's record is removed under conn_lock before libmicrohttpd closes its
 * socket, so the timer never shuts down a socket number that was reused. */
#define _POSIX_C_SOURCE 200809L
#include "http_rx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBLEM_JSON "application/problem+json"

/* Per request: the headers libmicrohttpd parsed (pointers into its memory). */
typedef struct rx_headers {
    eventc_header *h;
    size_t n, cap;
    size_t bytes;
    bool has_ce;
    bool nomem;
} rx_headers;

typedef struct rx_state {
    rx_request req; /* first */
    rx_headers headers;
    bool queued; /* events queued: the next call after this is the resumption */
} rx_state;

/* ---- configuration ---- */

eventc_http_receiver_config eventc_http_receiver_config_default(void)
{
    eventc_http_receiver_config c;
    memset(&c, 0, sizeof(c));
    c.address = "127.0.0.1";
    c.path = "/events";
    c.topic = "events";
    c.capacity = 1024;
    c.ack_timeout_ms = 30000;
    c.retry_after_s = 1;
    c.max_body = (size_t)1 << 20;
    c.max_headers = 100;
    c.max_header_bytes = (size_t)16 << 10;
    c.max_connections = 256;
    c.idle_timeout_ms = 10000;
    c.request_timeout_ms = 30000;
    return c;
}

static eventc_status check_config(const eventc_http_receiver_config *c, eventc_error *err)
{
    if (c->address == NULL || c->address[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "address", "no address");
    }
    if (c->path == NULL || c->path[0] != '/' || strchr(c->path, '?') != NULL ||
        strchr(c->path, '#') != NULL || strchr(c->path, '{') != NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "path",
                                "want an absolute path without query, such as /events, not '%s'",
                                c->path != NULL ? c->path : "(none)");
    }
    if (c->topic == NULL || c->topic[0] == '\0' || strchr(c->topic, '/') != NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic",
                                "want one non-empty path segment");
    }
    if (c->token != NULL && c->token[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "token", "empty token");
    }
    if (c->n_allowed_origins > 0 && c->allowed_origins == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "allowed_origins", "NULL list");
    }
    for (size_t i = 0; i < c->n_allowed_origins; i++) {
        if (c->allowed_origins[i] == NULL || c->allowed_origins[i][0] == '\0') {
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "allowed_origins",
                                    "empty origin");
        }
    }
    if (c->capacity == 0 || c->ack_timeout_ms == 0 || c->max_body == 0 || c->max_headers == 0 ||
        c->max_header_bytes < 1024 || c->max_connections == 0 || c->idle_timeout_ms == 0 ||
        c->request_timeout_ms == 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "capacity, timeouts and limits must be >= 1 (header bytes "
                                ">= 1024)");
    }
    if ((c->tls_cert_file == NULL) != (c->tls_key_file == NULL)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "tls_key_file",
                                "HTTPS needs both a certificate and a key file");
    }
    return EVENTC_OK;
}

static char *read_file(const char *path, eventc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < ((size_t)1 << 20)) {
        eventc_buf_append(&b, chunk, n);
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    char *s = bad ? NULL : eventc_buf_detach(&b, NULL);
    eventc_buf_free(&b);
    if (s == NULL) {
        eventc_error_set(err, bad ? EVENTC_E_INVALID_ARGUMENT : EVENTC_E_NOMEM, path,
                         bad ? "cannot read" : "out of memory");
    }
    return s;
}

/* ---- answers ---- */

typedef struct answer {
    unsigned status;
    const char *kind; /* problem type slug; NULL: no body */
    const char *title;
    char detail[512];
    const eventc_error *error; /* path and rule of an invalid event */
    long retry_after;          /* seconds; negative: none */
    bool allow;                /* Allow: OPTIONS, POST */
    const char *www_authenticate;
    const char *allowed_origin, *allowed_rate;
} answer;

static void answer_init(answer *a, unsigned status, const char *kind, const char *title)
{
    memset(a, 0, sizeof(*a));
    a->status = status;
    a->kind = kind;
    a->title = title;
    a->retry_after = -1;
}

static void json_member(eventc_buf *b, const char *name, const char *value)
{
    eventc_buf_append_str(b, ",\"");
    eventc_buf_append_str(b, name);
    eventc_buf_append_str(b, "\":");
    if (eventc_buf_append_json_string(b, value, strlen(value)) != EVENTC_OK) {
        /* not UTF-8 (a message quoting hostile bytes): keep the ASCII */
        eventc_buf_putc(b, '"');
        for (const char *c = value; *c; c++) {
            unsigned char u = (unsigned char)*c;
            char safe = (u >= 0x20 && u < 0x7f && u != '"' && u != '\\') ? (char)u : '?';
            eventc_buf_putc(b, safe);
        }
        eventc_buf_putc(b, '"');
    }
}

static void count_answer(eventc_http_receiver *r, unsigned status)
{
    eventc_http_receiver_stats *s = &r->stats;
    switch (status) {
    case 204:
        s->answered_204++;
        break;
    case 400:
        s->answered_400++;
        break;
    case 401:
        s->answered_401++;
        break;
    case 403:
        s->answered_403++;
        break;
    case 404:
        s->answered_404++;
        break;
    case 405:
        s->answered_405++;
        break;
    case 413:
        s->answered_413++;
        break;
    case 415:
        s->answered_415++;
        break;
    case 429:
        s->answered_429++;
        break;
    case 431:
        s->answered_431++;
        break;
    case 503:
        s->answered_503++;
        break;
    default:
        s->answered_other++;
        break;
    }
}

static enum MHD_Result send_answer(eventc_http_receiver *r, rx_request *req, const answer *a)
{
    eventc_buf body;
    eventc_buf_init(&body, NULL);
    if (a->kind != NULL) {
        eventc_buf_append_str(&body, "{\"type\":\"urn:eventc:problem:");
        eventc_buf_append_str(&body, a->kind);
        eventc_buf_putc(&body, '"');
        json_member(&body, "title", a->title);
        eventc_buf_append_str(&body, ",\"status\":");
        eventc_buf_append_uint64(&body, a->status);
        json_member(&body, "detail", a->detail);
        if (a->error != NULL) {
            if (a->error->path[0] != '\0') {
                json_member(&body, "path", a->error->path);
            }
            json_member(&body, "rule", eventc_status_code(a->error->code));
        }
        eventc_buf_append_str(&body, "}\n");
    }
    if (body.failed) {
        eventc_buf_free(&body);
        return MHD_NO;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(body.len, body.data, MHD_RESPMEM_MUST_COPY);
    eventc_buf_free(&body);
    if (resp == NULL) {
        return MHD_NO;
    }
    bool ok = MHD_add_response_header(resp, "Cache-Control", "no-store") == MHD_YES;
    if (a->kind != NULL) {
        ok = ok && MHD_add_response_header(resp, "Content-Type", PROBLEM_JSON) == MHD_YES;
    }
    if (a->retry_after >= 0) {
        char v[24];
        snprintf(v, sizeof(v), "%ld", a->retry_after);
        ok = ok && MHD_add_response_header(resp, "Retry-After", v) == MHD_YES;
    }
    if (a->allow) {
        ok = ok && MHD_add_response_header(resp, "Allow", "OPTIONS, POST") == MHD_YES;
    }
    if (a->www_authenticate != NULL) {
        ok =
            ok && MHD_add_response_header(resp, "WWW-Authenticate", a->www_authenticate) == MHD_YES;
    }
    if (a->allowed_origin != NULL) {
        ok =
            ok &&
            MHD_add_response_header(resp, "WebHook-Allowed-Origin", a->allowed_origin) == MHD_YES &&
            MHD_add_response_header(resp, "WebHook-Allowed-Rate", a->allowed_rate) == MHD_YES;
    }
    enum MHD_Result rc = ok ? MHD_queue_response(req->conn, a->status, resp) : MHD_NO;
    MHD_destroy_response(resp);
    if (rc == MHD_YES) {
        req->answered = true;
        pthread_mutex_lock(&r->lock);
        count_answer(r, a->status);
        pthread_mutex_unlock(&r->lock);
    }
    return rc;
}

static enum MHD_Result refuse(eventc_http_receiver *r, rx_request *req, unsigned status,
                              const char *kind, const char *title, const char *fmt, const char *arg)
{
    answer a;
    answer_init(&a, status, kind, title);
    snprintf(a.detail, sizeof(a.detail), fmt, arg);
    return send_answer(r, req, &a);
}

/* ---- headers ---- */

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    rx_headers *h = cls;
    (void)kind;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        eventc_header *g = realloc(h->h, cap * sizeof(*g));
        if (g == NULL) {
            h->nomem = true;
            return MHD_NO;
        }
        h->h = g;
        h->cap = cap;
    }
    h->h[h->n].name = key;
    h->h[h->n].value = value != NULL ? value : "";
    h->n++;
    h->bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
    if (strncasecmp(key, "ce-", 3) == 0) {
        h->has_ce = true;
    }
    return MHD_YES;
}

/* Whether `ct` names `type` (case-insensitive) with no parameter but charset=utf-8. */
static bool media_type_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    if (strncasecmp(ct, type, n) != 0) {
        return false;
    }
    const char *p = ct + n;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    while (*p == ';') {
        p++;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (strncasecmp(p, "charset=", 8) != 0) {
            return false;
        }
        p += 8;
        bool quoted = *p == '"';
        p += quoted;
        if (strncasecmp(p, "utf-8", 5) != 0) {
            return false;
        }
        p += 5;
        if (quoted && *p++ != '"') {
            return false;
        }
        while (*p == ' ' || *p == '\t') {
            p++;
        }
    }
    return *p == '\0';
}

/* The token of the request: the Authorization header's Bearer credentials, or the access_token
 * query parameter. NULL when there is none. */
static const char *request_token(struct MHD_Connection *conn)
{
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    if (auth != NULL) {
        while (*auth == ' ') {
            auth++;
        }
        if (strncasecmp(auth, "Bearer ", 7) != 0) {
            return NULL;
        }
        auth += 7;
        while (*auth == ' ') {
            auth++;
        }
        return auth;
    }
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "access_token");
}

/* The topic a path goes to: the configured topic for the path itself, the last segment for
 * <path>/<name>; NULL for any other path. */
static const char *path_topic(const eventc_http_receiver *r, const char *url)
{
    if (strncmp(url, r->path, r->path_len) != 0) {
        return NULL;
    }
    const char *rest = url + r->path_len;
    if (rest[0] == '\0') {
        return r->topic;
    }
    if (rest[0] == '/' && rest[1] != '\0' && strchr(rest + 1, '/') == NULL) {
        return rest + 1;
    }
    return NULL;
}

static enum MHD_Result handshake(eventc_http_receiver *r, rx_request *req)
{
    const char *origin =
        MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "WebHook-Request-Origin");
    answer a;
    if (origin == NULL || origin[0] == '\0') {
        answer_init(&a, 400, "missing-origin", "Missing WebHook-Request-Origin");
        snprintf(a.detail, sizeof(a.detail),
                 "the abuse-protection handshake (OPTIONS) needs a WebHook-Request-Origin header");
        a.allow = true;
        return send_answer(r, req, &a);
    }
    const char *granted = NULL;
    for (size_t i = 0; i < r->n_origins && granted == NULL; i++) {
        if (strcmp(r->origins[i], "*") == 0) {
            granted = "*";
        } else if (strcasecmp(r->origins[i], origin) == 0) {
            granted = origin;
        }
    }
    if (granted == NULL) {
        answer_init(&a, 403, "origin-not-allowed", "Origin not allowed");
        snprintf(a.detail, sizeof(a.detail),
                 "this receiver does not agree to deliveries from origin %.200s", origin);
        a.allow = true;
        return send_answer(r, req, &a);
    }
    char rate[24] = "*";
    if (r->cfg.allowed_rate > 0) {
        snprintf(rate, sizeof(rate), "%u", r->cfg.allowed_rate);
    }
    answer_init(&a, 200, NULL, NULL);
    a.allow = true;
    a.allowed_origin = granted;
    a.allowed_rate = rate;
    return send_answer(r, req, &a);
}

/* Judges a request once its headers are in. Returns MHD_YES to go on reading its body (or
 * after queuing a refusal), MHD_NO to close the connection. */
static enum MHD_Result judge_headers(eventc_http_receiver *r, rx_state *s, const char *url,
                                     const char *method)
{
    rx_request *req = &s->req;
    const char *topic = path_topic(r, url);
    if (topic == NULL) {
        return refuse(r, req, 404, "not-found", "Not found", "no delivery target at %.200s", url);
    }
    if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
        return handshake(r, req);
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
        answer a;
        answer_init(&a, 405, "method-not-allowed", "Method not allowed");
        snprintf(a.detail, sizeof(a.detail),
                 "%.40s is not allowed: events are delivered with POST (OPTIONS: the "
                 "abuse-protection handshake)",
                 method);
        a.allow = true;
        return send_answer(r, req, &a);
    }
    rx_headers *h = &s->headers;
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, collect_header, h);
    if (h->nomem) {
        return MHD_NO;
    }
    if (h->n > r->cfg.max_headers || h->bytes + strlen(url) > r->cfg.max_header_bytes) {
        answer a;
        answer_init(&a, 431, "header-fields-too-large", "Request header fields too large");
        snprintf(a.detail, sizeof(a.detail),
                 "%zu header fields of %zu bytes; the limits are %u fields and %zu bytes", h->n,
                 h->bytes, r->cfg.max_headers, r->cfg.max_header_bytes);
        return send_answer(r, req, &a);
    }
    if (r->token != NULL) {
        const char *t = request_token(req->conn);
        if (t == NULL || !http_equal_ct(t, strlen(t), r->cfg.token, strlen(r->cfg.token))) {
            answer a;
            answer_init(&a, 401, "unauthorized", "Unauthorized");
            snprintf(a.detail, sizeof(a.detail), "%s",
                     t == NULL ? "a bearer token is required (Authorization: Bearer, or the "
                                 "access_token query parameter)"
                               : "the bearer token is not valid");
            a.www_authenticate = t == NULL ? "Bearer realm=\"eventc\""
                                           : "Bearer realm=\"eventc\", error=\"invalid_token\"";
            return send_answer(r, req, &a);
        }
    }
    const char *ct = eventc_header_find(h->h, h->n, "content-type");
    eventc_ce_mode mode = eventc_ce_http_mode(h->h, h->n);
    if (mode == EVENTC_CE_MODE_STRUCTURED && !media_type_is(ct, "application/cloudevents+json")) {
        return refuse(r, req, 415, "unsupported-media-type", "Unsupported media type",
                      "%.200s is no event format this receiver reads (it reads "
                      "application/cloudevents+json and application/cloudevents-batch+json)",
                      ct);
    }
    if (mode == EVENTC_CE_MODE_BATCH && !media_type_is(ct, "application/cloudevents-batch+json")) {
        return refuse(r, req, 415, "unsupported-media-type", "Unsupported media type",
                      "%.200s is no batch format this receiver reads (it reads "
                      "application/cloudevents-batch+json)",
                      ct);
    }
    if (mode == EVENTC_CE_MODE_BINARY && !h->has_ce) {
        return refuse(r, req, 415, "unsupported-media-type", "Unsupported media type",
                      "not a CloudEvent: the Content-Type (%.200s) is no CloudEvents format, and "
                      "there is no ce- header of the binary mode",
                      ct != NULL ? ct : "none");
    }
    const char *cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Length");
    if (cl != NULL) {
        char *end;
        errno = 0;
        unsigned long long len = strtoull(cl, &end, 10);
        if (errno != 0 || *end != '\0' || len > r->cfg.max_body) {
            answer a;
            answer_init(&a, 413, "content-too-large", "Content too large");
            snprintf(a.detail, sizeof(a.detail),
                     "a body of %.30s bytes; this receiver takes at most %zu", cl, r->cfg.max_body);
            return send_answer(r, req, &a);
        }
        /* Room for the declared body, up to 64 KiB: more as it arrives. */
        size_t first = len < ((size_t)64 << 10) ? (size_t)len : ((size_t)64 << 10);
        if (first > 0 && (req->body = malloc(first)) != NULL) {
            req->body_cap = first;
        }
    }
    pthread_mutex_lock(&r->lock);
    bool closed = r->closed;
    rx_topic *t = closed ? NULL : rx_topic_find(r, topic);
    bool room = t != NULL && rx_topic_has_room(r, t, 1);
    if (req->body_cap > 0) {
        r->body_bytes_now += req->body_cap;
        if (r->body_bytes_now > r->stats.peak_body_bytes) {
            r->stats.peak_body_bytes = r->body_bytes_now;
        }
    }
    pthread_mutex_unlock(&r->lock);
    req->topic = t;
    answer a;
    if (closed) {
        answer_init(&a, 503, "shutting-down", "Service unavailable");
        snprintf(a.detail, sizeof(a.detail), "the receiver is shutting down");
        a.retry_after = r->cfg.retry_after_s;
        return send_answer(r, req, &a);
    }
    if (t == NULL) {
        return refuse(r, req, 404, "not-found", "Not found",
                      "no consumer ever subscribed to topic %.200s", topic);
    }
    if (!room) {
        answer_init(&a, 429, "queue-full", "Too many requests");
        snprintf(a.detail, sizeof(a.detail),
                 "topic %.100s holds %zu events, its capacity: retry later", topic,
                 r->cfg.capacity);
        a.retry_after = r->cfg.retry_after_s;
        return send_answer(r, req, &a);
    }
    return MHD_YES;
}

/* ---- body, decoding, queueing ---- */

static void release_body(eventc_http_receiver *r, rx_request *req)
{
    if (req->body_cap > 0) {
        pthread_mutex_lock(&r->lock);
        r->body_bytes_now -= req->body_cap;
        pthread_mutex_unlock(&r->lock);
    }
    free(req->body);
    req->body = NULL;
    req->body_len = req->body_cap = 0;
}

/* Appends a piece of body. Returns false when the body outgrows the limit. */
static bool take_body(eventc_http_receiver *r, rx_request *req, const char *data, size_t n)
{
    if (n > r->cfg.max_body - req->body_len) {
        return false;
    }
    if (req->body_len + n > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap * 2 : 4096;
        while (cap < req->body_len + n) {
            cap *= 2;
        }
        if (cap > r->cfg.max_body) {
            cap = r->cfg.max_body;
        }
        char *b = realloc(req->body, cap);
        if (b == NULL) {
            return false;
        }
        pthread_mutex_lock(&r->lock);
        r->body_bytes_now += cap - req->body_cap;
        if (r->body_bytes_now > r->stats.peak_body_bytes) {
            r->stats.peak_body_bytes = r->body_bytes_now;
        }
        pthread_mutex_unlock(&r->lock);
        req->body = b;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    return true;
}

static enum MHD_Result deliver_request(eventc_http_receiver *r, rx_state *s)
{
    rx_request *req = &s->req;
    eventc_ce_batch b;
    eventc_ce_batch_init(&b, NULL);
    eventc_error err;
    eventc_error_clear(&err);
    eventc_status st = eventc_ce_http_decode_batch(&b, s->headers.h, s->headers.n,
                                                   req->body != NULL ? req->body : "",
                                                   req->body_len, &r->decode, &err);
    release_body(r, req);
    answer a;
    if (st != EVENTC_OK) {
        answer_init(&a, 400, "invalid-event", "Invalid CloudEvent");
        snprintf(a.detail, sizeof(a.detail), "%s",
                 err.message[0] != '\0' ? err.message : eventc_strerror(err.code));
        a.error = &err;
        if (st == EVENTC_E_NOMEM) {
            answer_init(&a, 503, "out-of-memory", "Service unavailable");
            snprintf(a.detail, sizeof(a.detail), "out of memory");
            a.retry_after = r->cfg.retry_after_s;
        }
        return send_answer(r, req, &a);
    }
    rx_topic *t = req->topic;
    bool queued = false;
    pthread_mutex_lock(&r->lock);
    if (r->closed) {
        answer_init(&a, 503, "shutting-down", "Service unavailable");
        snprintf(a.detail, sizeof(a.detail), "the receiver is shutting down");
        a.retry_after = r->cfg.retry_after_s;
    } else if (b.n_events > r->cfg.capacity) {
        answer_init(&a, 413, "content-too-large", "Content too large");
        snprintf(a.detail, sizeof(a.detail),
                 "a batch of %zu events; a topic of this receiver holds at most %zu", b.n_events,
                 r->cfg.capacity);
    } else if (!rx_topic_has_room(r, t, b.n_events)) {
        answer_init(&a, 429, "queue-full", "Too many requests");
        snprintf(a.detail, sizeof(a.detail),
                 "topic %.100s has no room for %zu more events (capacity %zu): retry later",
                 rx_topic_name(t), b.n_events, r->cfg.capacity);
        a.retry_after = r->cfg.retry_after_s;
    } else if (b.n_events == 0) {
        answer_init(&a, 204, NULL, NULL);
    } else if (rx_queue_events(r, req, &b) != EVENTC_OK) {
        answer_init(&a, 503, "out-of-memory", "Service unavailable");
        snprintf(a.detail, sizeof(a.detail), "out of memory");
        a.retry_after = r->cfg.retry_after_s;
    } else {
        queued = true;
        s->queued = true;
        req->suspended = true;
        req->outcome = RX_WAITING;
        req->deadline = http_mono_ms() + r->cfg.ack_timeout_ms;
        req->wait_prev = r->waiting_tail;
        req->wait_next = NULL;
        if (r->waiting_tail != NULL) {
            r->waiting_tail->wait_next = req;
        } else {
            r->waiting = req;
        }
        r->waiting_tail = req;
        if (req->c != NULL) {
            pthread_mutex_lock(&r->conn_lock);
            req->c->waiting = true;
            pthread_mutex_unlock(&r->conn_lock);
        }
        MHD_suspend_connection(req->conn);
    }
    pthread_mutex_unlock(&r->lock);
    eventc_ce_batch_clear(&b);
    if (queued) {
        return MHD_YES;
    }
    return send_answer(r, req, &a);
}

/* The answer of a request whose consumer settled its events (or that ended otherwise). */
static enum MHD_Result answer_settled(eventc_http_receiver *r, rx_request *req)
{
    answer a;
    pthread_mutex_lock(&r->lock);
    rx_outcome outcome = req->outcome;
    eventc_error reason = req->reason;
    uint32_t delay = req->max_delay_ms;
    pthread_mutex_unlock(&r->lock);
    switch (outcome) {
    case RX_ACKED:
        answer_init(&a, 204, NULL, NULL);
        break;
    case RX_NACKED:
        answer_init(&a, 503, "not-handled", "Service unavailable");
        a.retry_after = (long)((delay + 999) / 1000);
        snprintf(a.detail, sizeof(a.detail),
                 "the consumer did not handle the event (nack): deliver it again after %ld s",
                 a.retry_after);
        break;
    case RX_REJECTED:
        answer_init(&a, 400, "invalid-event", "Invalid event");
        snprintf(a.detail, sizeof(a.detail), "%s",
                 reason.message[0] != '\0' ? reason.message : eventc_strerror(reason.code));
        a.error = &reason;
        break;
    case RX_EXPIRED:
        answer_init(&a, 503, "handler-timeout", "Service unavailable");
        a.retry_after = r->cfg.retry_after_s;
        snprintf(a.detail, sizeof(a.detail),
                 "the consumer did not settle the event within %u ms: deliver it again",
                 (unsigned)r->cfg.ack_timeout_ms);
        break;
    default:
        answer_init(&a, 503, "shutting-down", "Service unavailable");
        a.retry_after = r->cfg.retry_after_s;
        snprintf(a.detail, sizeof(a.detail),
                 "the receiver is shutting down; the event was not handled");
        break;
    }
    return send_answer(r, req, &a);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    eventc_http_receiver *r = cls;
    rx_state *s = *con_cls;
    (void)version;
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s == NULL) {
            return MHD_NO;
        }
        s->req.conn = conn;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        s->req.c = ci != NULL ? ci->socket_context : NULL;
        *con_cls = s;
        pthread_mutex_lock(&r->lock);
        r->stats.requests++;
        r->requests_open++;
        pthread_mutex_unlock(&r->lock);
        s->req.started = true;
        return judge_headers(r, s, url, method);
    }
    rx_request *req = &s->req;
    if (req->answered) {
        *upload_data_size = 0; /* refused already: the rest of the body is not read */
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!take_body(r, req, upload_data, *upload_data_size)) {
            /* Only a chunked body gets here (a declared length was judged with the headers):
             * close rather than read it to its end. */
            pthread_mutex_lock(&r->lock);
            r->stats.answered_413++;
            pthread_mutex_unlock(&r->lock);
            return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (s->queued) {
        return answer_settled(r, req);
    }
    return deliver_request(r, s);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    eventc_http_receiver *r = cls;
    rx_state *s = *con_cls;
    (void)conn;
    (void)toe;
    if (s == NULL) {
        return;
    }
    *con_cls = NULL;
    rx_request *req = &s->req;
    release_body(r, req);
    pthread_mutex_lock(&r->lock);
    r->requests_open--;
    rx_request_forget(r, req);
    pthread_mutex_unlock(&r->lock);
    if (req->c != NULL) {
        pthread_mutex_lock(&r->conn_lock);
        req->c->waiting = false;
        req->c->deadline = http_mono_ms() + r->cfg.request_timeout_ms;
        pthread_mutex_unlock(&r->conn_lock);
    }
    free(s->headers.h);
    free(s);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    eventc_http_receiver *r = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        rx_conn *c = calloc(1, sizeof(*c));
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (c == NULL || ci == NULL) {
            free(c);
            *socket_context = NULL; /* no deadline for it; nothing else depends on it */
            return;
        }
        c->fd = ci->connect_fd;
        pthread_mutex_lock(&r->conn_lock);
        c->deadline = http_mono_ms() + r->cfg.request_timeout_ms;
        c->prev = r->conns_tail;
        if (r->conns_tail != NULL) {
            r->conns_tail->next = c;
        } else {
            r->conns = c;
        }
        r->conns_tail = c;
        pthread_mutex_unlock(&r->conn_lock);
        pthread_mutex_lock(&r->lock);
        r->stats.connections++;
        pthread_mutex_unlock(&r->lock);
        *socket_context = c;
        return;
    }
    rx_conn *c = *socket_context;
    if (c == NULL) {
        return;
    }
    pthread_mutex_lock(&r->conn_lock);
    if (c->prev != NULL) {
        c->prev->next = c->next;
    } else {
        r->conns = c->next;
    }
    if (c->next != NULL) {
        c->next->prev = c->prev;
    } else {
        r->conns_tail = c->prev;
    }
    pthread_mutex_unlock(&r->conn_lock);
    free(c);
    *socket_context = NULL;
}

/* ---- the timer ---- */

static void *timer_thread(void *arg)
{
    eventc_http_receiver *r = arg;
    pthread_mutex_lock(&r->conn_lock);
    while (!r->timer_stop) {
        int64_t now = http_mono_ms();
        int64_t wake = now + 100;
        uint64_t killed = 0;
        for (rx_conn *c = r->conns; c != NULL; c = c->next) {
            if (c->waiting || c->timed_out) {
                continue;
            }
            if (c->deadline <= now) {
                /* The socket stays open (libmicrohttpd closes it), so its number is not
                 * reused while the record exists. */
                shutdown(c->fd, SHUT_RDWR);
                c->timed_out = true;
                killed++;
            } else if (c->deadline < wake) {
                wake = c->deadline;
            }
        }
        pthread_mutex_unlock(&r->conn_lock);

        rx_request *resume = NULL;
        pthread_mutex_lock(&r->lock);
        r->stats.connections_timed_out += killed;
        while (r->waiting != NULL && r->waiting->deadline <= now) {
            rx_request_end(r, r->waiting, RX_EXPIRED, &resume);
        }
        if (r->waiting != NULL && r->waiting->deadline < wake) {
            wake = r->waiting->deadline;
        }
        pthread_mutex_unlock(&r->lock);
        rx_resume(resume);

        pthread_mutex_lock(&r->conn_lock);
        if (!r->timer_stop) {
            http_cond_wait_until(&r->timer_cond, &r->conn_lock, wake);
        }
    }
    pthread_mutex_unlock(&r->conn_lock);
    return NULL;
}

/* ---- life ---- */

static int listen_on(const char *address, uint16_t port, bool *ipv6, uint16_t *bound,
                     eventc_error *err)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, address, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        len = sizeof(*in4);
        *ipv6 = false;
    } else if (inet_pton(AF_INET6, address, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        len = sizeof(*in6);
        *ipv6 = true;
    } else {
        eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "address",
                         "'%s' is no IPv4 or IPv6 address", address);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        eventc_error_set(err, EVENTC_E_IO, NULL, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (*ipv6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        eventc_error_set(err, EVENTC_E_IO, NULL, "cannot listen on %s port %u: %s", address,
                         (unsigned)port, strerror(errno));
        close(fd);
        return -1;
    }
    len = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *bound = ntohs(*ipv6 ? in6->sin6_port : in4->sin_port);
    return fd;
}

static void receiver_release(eventc_http_receiver *r)
{
    free(r->address);
    free(r->path);
    free(r->topic);
    free(r->token);
    for (size_t i = 0; i < r->n_origins; i++) {
        free(r->origins[i]);
    }
    free(r->origins);
    free(r->tls_cert);
    free(r->tls_key);
    free(r);
}

eventc_http_receiver *eventc_http_receiver_new(const eventc_http_receiver_config *cfg,
                                               eventc_error *err)
{
    eventc_http_receiver_config c = cfg != NULL ? *cfg : eventc_http_receiver_config_default();
    if (check_config(&c, err) != EVENTC_OK) {
        return NULL;
    }
    bool tls = c.tls_cert_file != NULL;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL,
                         "HTTPS: this libmicrohttpd was built without TLS");
        return NULL;
    }
    eventc_http_receiver *r = calloc(1, sizeof(*r));
    if (r == NULL || !http_copy_config_string(&r->address, c.address) ||
        !http_copy_config_string(&r->path, c.path) ||
        !http_copy_config_string(&r->topic, c.topic) ||
        !http_copy_config_string(&r->token, c.token) ||
        (c.n_allowed_origins > 0 &&
         (r->origins = calloc(c.n_allowed_origins, sizeof(char *))) == NULL)) {
        if (r != NULL) {
            receiver_release(r);
        }
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < c.n_allowed_origins; i++) {
        if ((r->origins[i] = http_strdup(c.allowed_origins[i])) == NULL) {
            receiver_release(r);
            eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            return NULL;
        }
        r->n_origins++;
    }
    if (tls && ((r->tls_cert = read_file(c.tls_cert_file, err)) == NULL ||
                (r->tls_key = read_file(c.tls_key_file, err)) == NULL)) {
        receiver_release(r);
        return NULL;
    }
    r->cfg = c;
    r->cfg.address = r->address;
    r->cfg.path = r->path;
    r->cfg.topic = r->topic;
    r->cfg.token = r->token;
    r->cfg.allowed_origins = NULL;
    r->cfg.tls_cert_file = r->cfg.tls_key_file = NULL;
    r->path_len = strlen(r->path);
    while (r->path_len > 1 && r->path[r->path_len - 1] == '/') {
        r->path[--r->path_len] = '\0';
    }
    r->decode = eventc_ce_options_default();
    r->decode.limits.max_input = c.max_body;
    if (r->decode.limits.max_items < c.max_headers) {
        r->decode.limits.max_items = c.max_headers;
    }

    bool ipv6 = false;
    r->listen_fd = listen_on(c.address, c.port, &ipv6, &r->port, err);
    if (r->listen_fd < 0) {
        receiver_release(r);
        return NULL;
    }
    if (pthread_mutex_init(&r->lock, NULL) != 0 || pthread_mutex_init(&r->conn_lock, NULL) != 0 ||
        http_cond_init(&r->timer_cond) != 0) {
        close(r->listen_fd);
        receiver_release(r);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6) {
        flags |= MHD_USE_IPv6;
    }
    if (tls) {
        flags |= MHD_USE_TLS;
    }
    size_t pool = 2 * c.max_header_bytes;
    if (pool < ((size_t)32 << 10)) {
        pool = (size_t)32 << 10;
    }
    unsigned idle_s = (unsigned)((c.idle_timeout_ms + 999) / 1000);
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_LISTEN_SOCKET, r->listen_fd, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)c.max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)idle_s, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool, NULL},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, r},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, r},
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, r->tls_cert},
        {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, r->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    r->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, r, MHD_OPTION_ARRAY, opts,
                                 MHD_OPTION_END);
    if (r->daemon == NULL) {
        eventc_error_set(err, tls ? EVENTC_E_INVALID_ARGUMENT : EVENTC_E_IO, NULL,
                         "libmicrohttpd cannot start%s",
                         tls ? " (check the certificate and key)" : "");
        goto fail;
    }
    if (pthread_create(&r->timer, NULL, timer_thread, r) != 0) {
        eventc_error_set(err, EVENTC_E_IO, NULL, "cannot start the receiver's timer thread");
        goto fail;
    }
    r->timer_started = true;
    return r;
fail:
    if (r->daemon != NULL) {
        MHD_stop_daemon(r->daemon);
    }
    pthread_cond_destroy(&r->timer_cond);
    pthread_mutex_destroy(&r->conn_lock);
    pthread_mutex_destroy(&r->lock);
    close(r->listen_fd);
    receiver_release(r);
    return NULL;
}

uint16_t eventc_http_receiver_port(const eventc_http_receiver *r)
{
    return r != NULL ? r->port : 0;
}

eventc_http_receiver_stats eventc_http_receiver_stats_get(eventc_http_receiver *r)
{
    eventc_http_receiver_stats s;
    memset(&s, 0, sizeof(s));
    if (r != NULL) {
        pthread_mutex_lock(&r->lock);
        s = r->stats;
        pthread_mutex_unlock(&r->lock);
    }
    return s;
}

void eventc_http_receiver_close(eventc_http_receiver *r)
{
    if (r == NULL) {
        return;
    }
    rx_request *resume = NULL;
    pthread_mutex_lock(&r->lock);
    bool first = !r->closed;
    r->closed = true;
    while (r->waiting != NULL) {
        rx_request_end(r, r->waiting, RX_CLOSED, &resume);
    }
    rx_wake_all(r);
    pthread_mutex_unlock(&r->lock);
    rx_resume(resume);
    if (first) {
        MHD_quiesce_daemon(r->daemon); /* no new connections; the socket stays ours */
    }
}

void eventc_http_receiver_free(eventc_http_receiver *r)
{
    if (r == NULL) {
        return;
    }
    eventc_http_receiver_close(r);
    /* Requests in progress get their answers before the connections are closed (a delivery
     * acked just before, above all; waiting ones were answered 503 by close): up to 2 s, for a
     * client that sends its body or reads its answer slowly. */
    int64_t until = http_mono_ms() + 2000;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t pending = r->requests_open;
        pthread_mutex_unlock(&r->lock);
        if (pending == 0 || http_mono_ms() >= until) {
            break;
        }
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (r->timer_started) {
        pthread_mutex_lock(&r->conn_lock);
        r->timer_stop = true;
        pthread_cond_signal(&r->timer_cond);
        pthread_mutex_unlock(&r->conn_lock);
        pthread_join(r->timer, NULL);
    }
    MHD_stop_daemon(r->daemon);
    close(r->listen_fd);
    rx_topics_free(r);
    pthread_cond_destroy(&r->timer_cond);
    pthread_mutex_destroy(&r->conn_lock);
    pthread_mutex_destroy(&r->lock);
    receiver_release(r);
}
