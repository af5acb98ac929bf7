/* The webhook receiver over real HTTP on 127.0.0.1, with a raw client (raw_client.h): the
 * abuse-protection handshake, methods, paths, credentials (header and query), deliveries in the
 * three content modes, the answers that wait for the consumer (204 on ack, 503 with Retry-After
 * on nack and on the ack timeout, 400 on reject, 429 when the queue is full, 503 on close),
 * problem+json bodies, consumer groups, and HTTPS with the publisher (when openssl can make a
 * certificate). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "raw_client.h"

#include <eventc/http.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define WAIT_MS 15000

static char *request(const char *method, const char *target, const char *headers, const char *body)
{
    size_t n = strlen(method) + strlen(target) + strlen(headers) + strlen(body) + 128;
    char *s = malloc(n);
    if (s != NULL) {
        snprintf(s, n, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Length: %zu\r\n\r\n%s",
                 method, target, headers, strlen(body), body);
    }
    return s;
}

/* A binary-mode delivery of event `id` with `extra` headers. */
static char *binary(const char *target, const char *id, const char *extra)
{
    char h[1024];
    snprintf(h, sizeof(h),
             "ce-specversion: 1.0\r\nce-id: %s\r\nce-source: /test\r\n"
             "ce-type: com.example.http.tested\r\nContent-Type: application/json\r\n%s",
             id, extra);
    return request("POST", target, h, "{\"n\":1}");
}

/* Exchanges `req` (freed) and returns the status; the response in *r (free it). */
static int exchange(uint16_t port, char *req, raw_response *r)
{
    int rc = raw_exchange(port, req, 0, r, WAIT_MS);
    free(req);
    return rc == 0 ? r->status : 0;
}

static bool has(const raw_response *r, const char *name, const char *want)
{
    char v[512];
    return raw_header(r, name, v, sizeof(v)) && strcmp(v, want) == 0;
}

static bool problem(const raw_response *r, const char *kind)
{
    char want[128];
    snprintf(want, sizeof(want), "\"type\":\"urn:eventc:problem:%s\"", kind);
    return has(r, "content-type", "application/problem+json") && r->body != NULL &&
           strstr(r->body, want) != NULL;
}

static eventc_subscriber *consumer(eventc_http_receiver *rx, const char *topic)
{
    eventc_error err;
    eventc_subscriber *s = eventc_http_receiver_subscriber(rx, &err);
    CHECK(s != NULL);
    CHECK(eventc_subscriber_subscribe(s, topic, "g", &err) == EVENTC_OK);
    return s;
}

static eventc_message *take(eventc_subscriber *s)
{
    eventc_message *m[1];
    size_t n;
    eventc_error err;
    if (eventc_subscriber_fetch(s, 1, WAIT_MS, m, &n, &err) != EVENTC_OK) {
        CHECK(!"a message arrived");
        return NULL;
    }
    return m[0];
}

/* ---- the handshake, methods, paths ---- */

static void test_handshake(void)
{
    const char *origins[] = {"sender.example.com", "other.example.org"};
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.allowed_origins = origins;
    c.n_allowed_origins = 2;
    c.allowed_rate = 120;
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(&c, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    raw_response r;
    CHECK(exchange(port,
                   request("OPTIONS", "/events",
                           "WebHook-Request-Origin: Sender.Example.com\r\n"
                           "WebHook-Request-Rate: 600\r\n",
                           ""),
                   &r) == 200);
    CHECK(has(&r, "webhook-allowed-origin", "Sender.Example.com"));
    CHECK(has(&r, "webhook-allowed-rate", "120"));
    CHECK(has(&r, "allow", "OPTIONS, POST"));
    raw_response_free(&r);
    /* an origin not configured: no consent headers */
    CHECK(
        exchange(port,
                 request("OPTIONS", "/events", "WebHook-Request-Origin: evil.example.net\r\n", ""),
                 &r) == 403);
    CHECK(problem(&r, "origin-not-allowed"));
    char v[64];
    CHECK(!raw_header(&r, "webhook-allowed-origin", v, sizeof(v)));
    raw_response_free(&r);
    CHECK(exchange(port, request("OPTIONS", "/events", "", ""), &r) == 400);
    CHECK(problem(&r, "missing-origin"));
    raw_response_free(&r);
    CHECK(exchange(port,
                   request("OPTIONS", "/elsewhere",
                           "WebHook-Request-Origin: sender.example.com\r\n", ""),
                   &r) == 404);
    raw_response_free(&r);
    eventc_http_receiver_free(rx);

    /* `*` agrees to everyone; no rate limit */
    const char *any[] = {"*"};
    c.allowed_origins = any;
    c.n_allowed_origins = 1;
    c.allowed_rate = 0;
    rx = eventc_http_receiver_new(&c, &err);
    CHECK(rx != NULL);
    port = eventc_http_receiver_port(rx);
    CHECK(exchange(port, request("OPTIONS", "/events", "WebHook-Request-Origin: a.example\r\n", ""),
                   &r) == 200);
    CHECK(has(&r, "webhook-allowed-origin", "*"));
    CHECK(has(&r, "webhook-allowed-rate", "*"));
    raw_response_free(&r);
    /* no origins configured: no consent for anyone */
    eventc_http_receiver_free(rx);
    rx = eventc_http_receiver_new(NULL, &err);
    CHECK(rx != NULL);
    CHECK(exchange(eventc_http_receiver_port(rx),
                   request("OPTIONS", "/events", "WebHook-Request-Origin: a.example\r\n", ""),
                   &r) == 403);
    raw_response_free(&r);
    eventc_http_receiver_free(rx);
}

static void test_methods_and_paths(void)
{
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(NULL, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    eventc_subscriber *s = consumer(rx, "events");
    const char *methods[] = {"GET", "PUT", "DELETE", "PATCH"};
    for (int i = 0; i < 4; i++) {
        raw_response r;
        CHECK(exchange(port, request(methods[i], "/events", "", ""), &r) == 405);
        CHECK(has(&r, "allow", "OPTIONS, POST"));
        CHECK(problem(&r, "method-not-allowed"));
        raw_response_free(&r);
    }
    raw_response r;
    CHECK(exchange(port, binary("/nothing-here", "p1", ""), &r) == 404);
    CHECK(problem(&r, "not-found"));
    raw_response_free(&r);
    /* a topic nobody subscribed to */
    CHECK(exchange(port, binary("/events/unknown", "p2", ""), &r) == 404);
    CHECK(strstr(r.body, "no consumer ever subscribed to topic unknown") != NULL);
    raw_response_free(&r);
    CHECK(exchange(port, binary("/events/a/b", "p3", ""), &r) == 404);
    raw_response_free(&r);
    eventc_http_receiver_stats st = eventc_http_receiver_stats_get(rx);
    CHECK(st.answered_405 == 4 && st.answered_404 == 3 && st.events_queued == 0);
    eventc_subscriber_destroy(s);
    eventc_http_receiver_free(rx);
}

/* ---- credentials ---- */

static void test_token(void)
{
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.token = "tok-123";
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(&c, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    eventc_subscriber *s = consumer(rx, "events");
    raw_response r;
    CHECK(exchange(port, binary("/events", "t1", ""), &r) == 401);
    CHECK(problem(&r, "unauthorized"));
    CHECK(has(&r, "www-authenticate", "Bearer realm=\"eventc\""));
    raw_response_free(&r);
    CHECK(exchange(port, binary("/events", "t2", "Authorization: Bearer tok-124\r\n"), &r) == 401);
    CHECK(has(&r, "www-authenticate", "Bearer realm=\"eventc\", error=\"invalid_token\""));
    raw_response_free(&r);
    CHECK(exchange(port, binary("/events", "t3", "Authorization: Bearer tok-12\r\n"), &r) == 401);
    raw_response_free(&r);
    CHECK(exchange(port, binary("/events", "t4", "Authorization: Basic dG9rLTEyMw==\r\n"), &r) ==
          401);
    raw_response_free(&r);
    CHECK(exchange(port, binary("/events?access_token=nope", "t5", ""), &r) == 401);
    raw_response_free(&r);
    CHECK(eventc_http_receiver_stats_get(rx).events_queued == 0);
    /* the right token, in the header and in the query */
    raw_async a;
    char *req = binary("/events", "t6", "Authorization: bearer tok-123\r\n");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    eventc_message *m = take(s);
    CHECK(m != NULL && strcmp(m->event.id, "t6") == 0);
    CHECK(m != NULL && eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204);
    raw_response_free(&a.r);
    req = binary("/events?access_token=tok-123", "t7", "");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    m = take(s);
    CHECK(m != NULL && strcmp(m->event.id, "t7") == 0);
    CHECK(m != NULL && eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204);
    raw_response_free(&a.r);
    eventc_http_receiver_stats st = eventc_http_receiver_stats_get(rx);
    CHECK(st.answered_401 == 5 && st.answered_204 == 2 && st.events_acked == 2);
    eventc_subscriber_destroy(s);
    eventc_http_receiver_free(rx);
}

/* ---- deliveries and the answers that wait for the consumer ---- */

static void test_modes(void)
{
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(NULL, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    eventc_subscriber *s = consumer(rx, "events");
    eventc_subscriber *other = consumer(rx, "orders");

    raw_async a;
    char *req = binary("/events", "m%201",
                       "ce-partitionkey: cust%2F1\r\nce-time: 2024-05-01T10:00:00Z\r\n");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    eventc_message *m = take(s);
    if (m != NULL) {
        CHECK_STR(m->event.id, "m 1");
        CHECK_STR(m->key, "cust/1");
        CHECK_STR(m->topic, "events");
        CHECK(m->attempt == 1 && m->event.has_time);
        CHECK(m->event.data_len == 7 && memcmp(m->event.data, "{\"n\":1}", 7) == 0);
        CHECK(eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
    }
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204 && a.r.body_len == 0);
    raw_response_free(&a.r);

    /* structured, to the topic in the path */
    req = request("POST", "/events/orders",
                  "Content-Type: application/cloudevents+json; charset=utf-8\r\n",
                  "{\"specversion\":\"1.0\",\"id\":\"s1\",\"source\":\"/test\",\"type\":\"t.x\","
                  "\"data\":{\"a\":[1,2]}}");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    m = take(other);
    if (m != NULL) {
        CHECK_STR(m->event.id, "s1");
        CHECK_STR(m->topic, "orders");
        CHECK(m->key == NULL);
        CHECK(eventc_subscriber_ack(other, m, &err) == EVENTC_OK);
    }
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204);
    raw_response_free(&a.r);

    /* a batch: every event, in order; answered once all are acked */
    req = request("POST", "/events", "Content-Type: application/cloudevents-batch+json\r\n",
                  "[{\"specversion\":\"1.0\",\"id\":\"b1\",\"source\":\"/t\",\"type\":\"t\","
                  "\"partitionkey\":\"k\"},"
                  "{\"specversion\":\"1.0\",\"id\":\"b2\",\"source\":\"/t\",\"type\":\"t\","
                  "\"partitionkey\":\"k\"},"
                  "{\"specversion\":\"1.0\",\"id\":\"b3\",\"source\":\"/t\",\"type\":\"t\"}]");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    eventc_message *got[3];
    size_t n = 0;
    /* b2 waits behind b1 (same key): b1 and b3 first */
    CHECK(eventc_subscriber_fetch(s, 3, WAIT_MS, got, &n, &err) == EVENTC_OK);
    CHECK(n == 2 && strcmp(got[0]->event.id, "b1") == 0 && strcmp(got[1]->event.id, "b3") == 0);
    for (size_t i = 0; i < n; i++) {
        CHECK(eventc_subscriber_ack(s, got[i], &err) == EVENTC_OK);
    }
    m = take(s);
    CHECK(m != NULL && strcmp(m->event.id, "b2") == 0);
    CHECK(m != NULL && eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204);
    raw_response_free(&a.r);

    /* an empty batch: nothing to wait for */
    raw_response r;
    CHECK(exchange(port,
                   request("POST", "/events",
                           "Content-Type: application/cloudevents-batch+json\r\n", "[]"),
                   &r) == 204);
    raw_response_free(&r);
    eventc_http_receiver_stats st = eventc_http_receiver_stats_get(rx);
    CHECK(st.events_queued == 5 && st.events_acked == 5 && st.answered_204 == 4);
    eventc_subscriber_destroy(s);
    eventc_subscriber_destroy(other);
    eventc_http_receiver_free(rx);
}

static void test_settlements(void)
{
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.ack_timeout_ms = 240000; /* no answer here may depend on the machine's speed */
    c.capacity = 2;
    c.retry_after_s = 2;
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(&c, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    eventc_subscriber *s = consumer(rx, "events");

    /* nack with a delay: 503 with Retry-After in whole seconds, rounded up */
    raw_async a;
    char *req = binary("/events", "n1", "");
    raw_async_start(&a, port, req, WAIT_MS);
    eventc_message *m = take(s);
    CHECK(m != NULL && m->attempt == 1);
    CHECK(m != NULL && eventc_subscriber_nack(s, m, 2500, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 503);
    CHECK(has(&a.r, "retry-after", "3") && problem(&a.r, "not-handled"));
    raw_response_free(&a.r);
    /* the same event again: its second delivery */
    raw_async_start(&a, port, req, WAIT_MS);
    m = take(s);
    CHECK(m != NULL && m->attempt == 2);
    CHECK(m != NULL && eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204);
    raw_response_free(&a.r);
    /* acked: a later delivery counts from 1 again */
    raw_async_start(&a, port, req, WAIT_MS);
    m = take(s);
    CHECK(m != NULL && m->attempt == 1);
    CHECK(m != NULL && eventc_subscriber_nack(s, m, 0, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 503 && has(&a.r, "retry-after", "0"));
    raw_response_free(&a.r);
    free(req);

    /* reject: 400 with the consumer's path and rule */
    req = binary("/events", "r1", "");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    m = take(s);
    eventc_error why;
    eventc_error_set(&why, EVENTC_E_MIN_LENGTH, "data.name",
                     "string of 0 characters is shorter than 1");
    CHECK(m != NULL && eventc_http_reject(s, m, &why, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 400 && problem(&a.r, "invalid-event"));
    CHECK(a.r.body != NULL && strstr(a.r.body, "\"path\":\"data.name\"") != NULL &&
          strstr(a.r.body, "\"rule\":\"min_length\"") != NULL);
    raw_response_free(&a.r);

    /* the queue is full: 429 with Retry-After at once; a batch larger than it: 413 */
    raw_async h1, h2;
    req = binary("/events", "q1", "");
    raw_async_start(&h1, port, req, WAIT_MS);
    free(req);
    eventc_message *q1 = take(s);
    req = binary("/events", "q2", "");
    raw_async_start(&h2, port, req, WAIT_MS);
    free(req);
    eventc_message *q2 = take(s);
    raw_response r;
    CHECK(exchange(port, binary("/events", "q3", ""), &r) == 429);
    CHECK(has(&r, "retry-after", "2") && problem(&r, "queue-full"));
    raw_response_free(&r);
    CHECK(q1 != NULL && eventc_subscriber_ack(s, q1, &err) == EVENTC_OK);
    CHECK(q2 != NULL && eventc_subscriber_ack(s, q2, &err) == EVENTC_OK);
    CHECK(raw_async_wait(&h1) == 0 && h1.r.status == 204);
    CHECK(raw_async_wait(&h2) == 0 && h2.r.status == 204);
    raw_response_free(&h1.r);
    raw_response_free(&h2.r);
    /* with room, a batch larger than the queue can ever hold: 413 */
    CHECK(exchange(
              port,
              request("POST", "/events", "Content-Type: application/cloudevents-batch+json\r\n",
                      "[{\"specversion\":\"1.0\",\"id\":\"x1\",\"source\":\"/t\",\"type\":\"t\"},"
                      "{\"specversion\":\"1.0\",\"id\":\"x2\",\"source\":\"/t\",\"type\":\"t\"},"
                      "{\"specversion\":\"1.0\",\"id\":\"x3\",\"source\":\"/t\",\"type\":\"t\"}]"),
              &r) == 413);
    CHECK(problem(&r, "content-too-large"));
    raw_response_free(&r);

    eventc_http_receiver_stats st = eventc_http_receiver_stats_get(rx);
    CHECK(st.events_nacked == 2 && st.events_rejected == 1 && st.events_expired == 0 &&
          st.answered_429 == 1 && st.answered_413 == 1 && st.peak_events <= 2);
    eventc_subscriber_destroy(s);
    eventc_http_receiver_free(rx);
}

/* Not settled within the ack timeout: 503 with Retry-After, and a late ack fails. */
static void test_ack_timeout(void)
{
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.ack_timeout_ms = 300;
    c.retry_after_s = 2;
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(&c, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    eventc_subscriber *s = consumer(rx, "events");
    raw_async a;
    char *req = binary("/events", "h1", "");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    eventc_message *m = take(s);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 503 && problem(&a.r, "handler-timeout"));
    CHECK(has(&a.r, "retry-after", "2"));
    raw_response_free(&a.r);
    CHECK(m != NULL && eventc_subscriber_ack(s, m, &err) == EVENTC_E_TIMEOUT);
    CHECK(eventc_http_receiver_stats_get(rx).events_expired == 1);
    eventc_subscriber_destroy(s);
    eventc_http_receiver_free(rx);
}

/* Closing the receiver answers waiting deliveries 503 and wakes fetches. */
static void test_close(void)
{
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(NULL, &err);
    CHECK(rx != NULL);
    uint16_t port = eventc_http_receiver_port(rx);
    eventc_subscriber *s = consumer(rx, "events");
    raw_async a;
    char *req = binary("/events", "c1", "");
    raw_async_start(&a, port, req, WAIT_MS);
    free(req);
    eventc_message *m = take(s);
    CHECK(m != NULL);
    eventc_http_receiver_close(rx);
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 503 && problem(&a.r, "shutting-down"));
    raw_response_free(&a.r);
    eventc_message *none[1];
    size_t n;
    CHECK(eventc_subscriber_fetch(s, 1, 1000, none, &n, &err) == EVENTC_E_CLOSED);
    CHECK(eventc_subscriber_ack(s, m, &err) == EVENTC_E_TIMEOUT);
    eventc_subscriber_destroy(s);
    eventc_http_receiver_free(rx);
}

static void test_groups_and_config(void)
{
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(NULL, &err);
    CHECK(rx != NULL);
    eventc_subscriber *a = consumer(rx, "events");
    eventc_subscriber *b = eventc_http_receiver_subscriber(rx, &err);
    CHECK(eventc_subscriber_subscribe(b, "events", "other", &err) == EVENTC_E_UNSUPPORTED);
    CHECK(eventc_subscriber_subscribe(b, "a/b", "g", &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_subscriber_destroy(b);
    eventc_subscriber_destroy(a);
    /* nobody left in the group: another group may take the topic */
    b = eventc_http_receiver_subscriber(rx, &err);
    CHECK(eventc_subscriber_subscribe(b, "events", "other", &err) == EVENTC_OK);
    CHECK(eventc_http_reject(b, NULL, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_subscriber_destroy(b);
    eventc_http_receiver_free(rx);

    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.address = "not-an-address";
    CHECK(eventc_http_receiver_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c = eventc_http_receiver_config_default();
    c.path = "events";
    CHECK(eventc_http_receiver_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c = eventc_http_receiver_config_default();
    c.capacity = 0;
    CHECK(eventc_http_receiver_new(&c, &err) == NULL);
    c = eventc_http_receiver_config_default();
    c.tls_cert_file = "/nonexistent/cert.pem";
    c.tls_key_file = "/nonexistent/key.pem";
    CHECK(eventc_http_receiver_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    /* a port in use */
    rx = eventc_http_receiver_new(NULL, &err);
    CHECK(rx != NULL);
    c = eventc_http_receiver_config_default();
    c.port = eventc_http_receiver_port(rx);
    CHECK(eventc_http_receiver_new(&c, &err) == NULL && err.code == EVENTC_E_IO);
    CHECK(strstr(err.message, "cannot listen on 127.0.0.1 port") != NULL);
    eventc_http_receiver_free(rx);
    /* IPv6 loopback, when the machine has it */
    c = eventc_http_receiver_config_default();
    c.address = "::1";
    rx = eventc_http_receiver_new(&c, &err);
    CHECK(rx != NULL || err.code == EVENTC_E_IO);
    eventc_http_receiver_free(rx);
}

/* ---- HTTPS: the receiver with a certificate, the publisher trusting it ---- */

typedef struct ack_ctx {
    eventc_subscriber *s;
    int got;
} ack_ctx;

static void *acker(void *arg)
{
    ack_ctx *ctx = arg;
    eventc_message *m[1];
    size_t n;
    /* generous: TLS handshakes are slow under valgrind */
    if (eventc_subscriber_fetch(ctx->s, 1, 8 * WAIT_MS, m, &n, NULL) == EVENTC_OK &&
        eventc_subscriber_ack(ctx->s, m[0], NULL) == EVENTC_OK) {
        ctx->got = 1;
    }
    return NULL;
}

static void test_tls(void)
{
    char dir[] = "/tmp/eventc-http-tls-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        CHECK(!"a temporary folder");
        return;
    }
    char cmd[1024], cert[128], key[128];
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 1 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             key, cert);
    if (system(cmd) != 0) {
        printf("note: openssl cannot make a certificate here: the HTTPS test is skipped\n");
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        CHECK(system(cmd) == 0);
        return;
    }
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.tls_cert_file = cert;
    c.tls_key_file = key;
    c.ack_timeout_ms = 240000;
    eventc_error err;
    eventc_http_receiver *rx = eventc_http_receiver_new(&c, &err);
    if (rx == NULL && err.code == EVENTC_E_UNSUPPORTED) {
        printf("note: libmicrohttpd without TLS: the HTTPS test is skipped\n");
    } else {
        CHECK(rx != NULL);
    }
    if (rx != NULL) {
        eventc_subscriber *s = consumer(rx, "events");
        char url[128];
        snprintf(url, sizeof(url), "https://127.0.0.1:%u/events",
                 (unsigned)eventc_http_receiver_port(rx));
        eventc_http_publisher_config pc = eventc_http_publisher_config_default();
        pc.url = url;
        pc.ca_file = cert;
        /* TLS handshakes are slow under valgrind: no try may end on a timeout */
        pc.connect_timeout_ms = 120000;
        pc.timeout_ms = 240000;
        eventc_publisher *p = eventc_http_publisher_new(&pc, &err);
        CHECK(p != NULL);
        /* the consumer acks from a thread of its own while publish waits */
        eventc_message msg;
        eventc_message_init(&msg, NULL);
        CHECK(eventc_ce_init_json(&msg.event, NULL, "tls1", "/test", "com.example.http.tls", "{}",
                                  2, NULL) == EVENTC_OK);
        ack_ctx ctx = {s, 0};
        pthread_t th;
        CHECK(pthread_create(&th, NULL, acker, &ctx) == 0);
        if (eventc_publisher_publish1(p, NULL, &msg, &err) != EVENTC_OK) {
            CHECK(!"the HTTPS publish succeeded");
            fprintf(stderr, "  %s\n", err.message);
        }
        pthread_join(th, NULL);
        CHECK(ctx.got == 1);
        eventc_publisher_close(p);
        /* without the certificate in its trust store: refused, never tried again */
        pc.ca_file = NULL;
        pc.ca_path = dir; /* a folder without that certificate */
        p = eventc_http_publisher_new(&pc, &err);
        CHECK(p != NULL);
        eventc_error out;
        CHECK(eventc_publisher_publish(p, NULL, (const eventc_message *const[]){&msg}, 1, &out,
                                       &err) == EVENTC_E_INVALID_ARGUMENT);
        CHECK(eventc_http_publisher_stats_get(p).requests == 1);
        eventc_publisher_close(p);
        eventc_message_clear(&msg);
        eventc_subscriber_destroy(s);
        eventc_http_receiver_free(rx);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_handshake();
    test_methods_and_paths();
    test_token();
    test_modes();
    test_settlements();
    test_ack_timeout();
    test_close();
    test_groups_and_config();
    test_tls();
    return check_report();
}
