/* Hostile requests against the webhook receiver, over real HTTP on 127.0.0.1 with the raw client
 * (raw_client.h), which sends exactly the bytes it is given: oversized bodies (declared and
 * chunked), truncated bodies, a slow-loris client, 10,000 header fields, one huge header field,
 * invalid percent-encoding in ce- headers, wrong content types, a missing ce-specversion, a
 * batch holding one invalid event, garbage instead of a request line, and more connections
 * than the limit (the extra one waits, unanswered, until a slot frees). Each answer is
 * checked, and after all of them a consumer finds nothing was queued and an honest request
 * still goes through. No check depends on how fast the machine is: timeouts are generous
 * failure guards only. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "raw_client.h"

#include <eventc/http.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 20000

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

static int exchange(uint16_t port, char *req, raw_response *r)
{
    int rc = req != NULL ? raw_exchange(port, req, 0, r, WAIT_MS) : -1;
    free(req);
    return rc == 0 ? r->status : 0;
}

static bool problem(const raw_response *r, const char *kind)
{
    char ct[128], want[128];
    snprintf(want, sizeof(want), "\"type\":\"urn:eventc:problem:%s\"", kind);
    return raw_header(r, "content-type", ct, sizeof(ct)) &&
           strcmp(ct, "application/problem+json") == 0 && r->body != NULL &&
           strstr(r->body, want) != NULL;
}

static bool body_has(const raw_response *r, const char *text)
{
    return r->body != NULL && strstr(r->body, text) != NULL;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

#define BINARY_HEADERS                                            \
    "ce-specversion: 1.0\r\nce-id: h1\r\nce-source: /hostile\r\n" \
    "ce-type: com.example.hostile\r\nContent-Type: application/json\r\n"

typedef struct env {
    eventc_http_receiver *rx;
    eventc_subscriber *s;
    uint16_t port;
} env;

static void env_start(env *e, const eventc_http_receiver_config *c)
{
    eventc_error err;
    e->rx = eventc_http_receiver_new(c, &err);
    CHECK(e->rx != NULL);
    e->port = e->rx != NULL ? eventc_http_receiver_port(e->rx) : 0;
    e->s = e->rx != NULL ? eventc_http_receiver_subscriber(e->rx, &err) : NULL;
    CHECK(e->s != NULL && eventc_subscriber_subscribe(e->s, "events", "g", &err) == EVENTC_OK);
}

/* Nothing reached the consumer, and an honest delivery still goes through. */
static void env_check_clean(env *e)
{
    eventc_message *m[1];
    size_t n = 0;
    CHECK(eventc_subscriber_fetch(e->s, 1, 200, m, &n, NULL) == EVENTC_E_TIMEOUT && n == 0);
    CHECK(eventc_http_receiver_stats_get(e->rx).events_queued == 0);
    raw_async a;
    char *req = request("POST", "/events", BINARY_HEADERS, "{}");
    raw_async_start(&a, e->port, req, WAIT_MS);
    free(req);
    eventc_error err;
    if (eventc_subscriber_fetch(e->s, 1, WAIT_MS, m, &n, &err) == EVENTC_OK) {
        CHECK_STR(m[0]->event.id, "h1");
        CHECK(eventc_subscriber_ack(e->s, m[0], &err) == EVENTC_OK);
    } else {
        CHECK(!"the honest delivery arrived");
    }
    CHECK(raw_async_wait(&a) == 0 && a.r.status == 204);
    raw_response_free(&a.r);
}

static void env_stop(env *e)
{
    eventc_subscriber_destroy(e->s);
    eventc_http_receiver_free(e->rx);
}

/* ---- bodies ---- */

static void test_bodies(void)
{
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.max_body = 4096;
    c.idle_timeout_ms = 1000; /* a truncated body ends with the idle timeout */
    env e;
    env_start(&e, &c);
    raw_response r;

    /* declared too large: refused from the headers, the body never sent */
    char head[512];
    snprintf(head, sizeof(head),
             "POST /events HTTP/1.1\r\nHost: x\r\n" BINARY_HEADERS "Content-Length: 1000000000\r\n"
             "\r\n");
    CHECK(raw_exchange(e.port, head, 0, &r, WAIT_MS) == 0 && r.status == 413);
    CHECK(problem(&r, "content-too-large") && body_has(&r, "at most 4096"));
    raw_response_free(&r);

    /* a Content-Length that is no number */
    snprintf(head, sizeof(head),
             "POST /events HTTP/1.1\r\nHost: x\r\n" BINARY_HEADERS "Content-Length: 12abc\r\n"
             "\r\n{}");
    CHECK(raw_exchange(e.port, head, 0, &r, WAIT_MS) == 0);
    CHECK(r.status == 400 || r.status == 413);
    raw_response_free(&r);

    /* chunked, growing past the limit: the connection ends without a delivery */
    int fd = raw_connect(e.port);
    CHECK(fd >= 0);
    if (fd >= 0) {
        snprintf(head, sizeof(head),
                 "POST /events HTTP/1.1\r\nHost: x\r\n" BINARY_HEADERS
                 "Transfer-Encoding: chunked\r\n\r\n");
        CHECK(raw_send(fd, head, strlen(head)) == 0);
        char chunk[1100];
        memset(chunk, 'a', sizeof(chunk));
        memcpy(chunk, "400\r\n", 5);
        memcpy(chunk + 5 + 0x400, "\r\n", 2);
        bool broke = false;
        for (int i = 0; i < 8 && !broke; i++) {
            broke = raw_send(fd, chunk, 5 + 0x400 + 2) != 0;
        }
        raw_response rr;
        if (raw_read(fd, &rr, WAIT_MS) == 0) {
            CHECK(rr.status == 413);
            raw_response_free(&rr);
        }
        CHECK(raw_wait_closed(fd, WAIT_MS));
        close(fd);
    }

    /* truncated: a declared body that never comes, the client half-closes; the connection is
     * closed (at the latest by the idle timeout) and nothing delivered */
    fd = raw_connect(e.port);
    CHECK(fd >= 0);
    if (fd >= 0) {
        snprintf(head, sizeof(head),
                 "POST /events HTTP/1.1\r\nHost: x\r\n" BINARY_HEADERS "Content-Length: 100\r\n"
                 "\r\n{\"n\":");
        CHECK(raw_send(fd, head, strlen(head)) == 0);
        shutdown(fd, SHUT_WR);
        CHECK(raw_wait_closed(fd, WAIT_MS));
        close(fd);
    }

    /* truncated JSON inside a complete request: 400, with the path and rule */
    CHECK(exchange(e.port,
                   request("POST", "/events", "Content-Type: application/cloudevents+json\r\n",
                           "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":"),
                   &r) == 400);
    CHECK(problem(&r, "invalid-event") && body_has(&r, "\"rule\":"));
    raw_response_free(&r);
    CHECK(eventc_http_receiver_stats_get(e.rx).answered_413 >= 1);
    env_check_clean(&e);
    env_stop(&e);
}

/* ---- a slow-loris client ---- */

static void test_slow_loris(void)
{
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.request_timeout_ms = 1000;
    c.idle_timeout_ms = 60000; /* each byte is fresh activity: only the request deadline helps */
    env e;
    env_start(&e, &c);
    int fd = raw_connect(e.port);
    CHECK(fd >= 0);
    if (fd >= 0) {
        /* one byte every 100 ms, for as long as the server keeps the connection */
        const char *text =
            "POST /events HTTP/1.1\r\nHost: x\r\nX-Slow: "
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        size_t sent = 0;
        bool cut = false;
        /* the guard: 60 s of trickling at the most (the deadline is 1 s) */
        for (int i = 0; i < 600 && !cut; i++) {
            if (raw_send(fd, text + sent % strlen(text), 1) != 0) {
                cut = true;
                break;
            }
            sent++;
            /* while the slow client trickles, an honest client is served */
            if (i == 3) {
                raw_response r;
                CHECK(exchange(e.port, request("GET", "/events", "", ""), &r) == 405);
                raw_response_free(&r);
            }
            pause_ms(100);
            char b[256];
            ssize_t got = recv(fd, b, sizeof(b), MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                cut = true;
            }
        }
        CHECK(cut);
        close(fd);
    }
    CHECK(eventc_http_receiver_stats_get(e.rx).connections_timed_out == 1);
    env_check_clean(&e);
    env_stop(&e);
}

/* ---- headers ---- */

static void test_headers(void)
{
    env e;
    env_start(&e, NULL);
    /* 10,000 header fields */
    size_t cap = 10000 * 24 + 1024, len = 0;
    char *big = malloc(cap);
    CHECK(big != NULL);
    if (big != NULL) {
        len += (size_t)snprintf(big, cap, "POST /events HTTP/1.1\r\nHost: x\r\n" BINARY_HEADERS);
        for (int i = 0; i < 10000; i++) {
            len += (size_t)snprintf(big + len, cap - len, "X-H%d: v\r\n", i);
        }
        len += (size_t)snprintf(big + len, cap - len, "Content-Length: 2\r\n\r\n{}");
        raw_response r;
        int rc = raw_exchange(e.port, big, len, &r, WAIT_MS);
        /* 431: libmicrohttpd's own answer when the header block overflows the connection's
         * memory (max_header_bytes), before the receiver sees a request (an HTML body) */
        CHECK(rc == 0 && r.status == 431 && r.closed);
        raw_response_free(&r);
        free(big);
    }
    /* 150 fields: past the receiver's limit of 100, within libmicrohttpd's memory */
    char many[8192];
    len =
        (size_t)snprintf(many, sizeof(many), "POST /events HTTP/1.1\r\nHost: x\r\n" BINARY_HEADERS);
    for (int i = 0; i < 150; i++) {
        len += (size_t)snprintf(many + len, sizeof(many) - len, "X-H%d: v\r\n", i);
    }
    snprintf(many + len, sizeof(many) - len, "Content-Length: 2\r\n\r\n{}");
    raw_response r;
    CHECK(raw_exchange(e.port, many, 0, &r, WAIT_MS) == 0 && r.status == 431);
    CHECK(problem(&r, "header-fields-too-large"));
    raw_response_free(&r);
    /* one field of 64 KiB */
    size_t one = (size_t)64 << 10;
    char *huge = malloc(one + 512);
    CHECK(huge != NULL);
    if (huge != NULL) {
        len = (size_t)snprintf(huge, 512, "POST /events HTTP/1.1\r\nHost: x\r\nX-Big: ");
        memset(huge + len, 'b', one);
        len += one;
        len +=
            (size_t)snprintf(huge + len, 512, "\r\n" BINARY_HEADERS "Content-Length: 2\r\n\r\n{}");
        int rc = raw_exchange(e.port, huge, len, &r, WAIT_MS);
        CHECK(rc == 0 && r.status == 431 && r.closed);
        raw_response_free(&r);
        free(huge);
    }
    /* garbage instead of a request line */
    CHECK(raw_exchange(e.port, "\x01\x02 not http at all\r\n\r\n", 0, &r, WAIT_MS) == 0 &&
          r.status == 400 && r.closed);
    raw_response_free(&r);
    env_check_clean(&e);
    env_stop(&e);
}

/* ---- what the request says ---- */

static void test_contents(void)
{
    env e;
    env_start(&e, NULL);
    raw_response r;

    /* invalid percent-encoding in ce- headers */
    const char *bad[] = {"%zz", "%4g", "%", "%C3%28", "%00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char h[512];
        snprintf(h, sizeof(h),
                 "ce-specversion: 1.0\r\nce-id: p%zu\r\nce-source: /s\r\n"
                 "ce-type: com.example.x\r\nce-subject: a%sb\r\nContent-Type: application/json\r\n",
                 i, bad[i]);
        CHECK(exchange(e.port, request("POST", "/events", h, "{}"), &r) == 400);
        CHECK(problem(&r, "invalid-event") && body_has(&r, "\"rule\":"));
        raw_response_free(&r);
    }

    /* wrong content types */
    CHECK(exchange(e.port,
                   request("POST", "/events", "Content-Type: application/cloudevents+xml\r\n",
                           "<event/>"),
                   &r) == 415);
    CHECK(problem(&r, "unsupported-media-type"));
    raw_response_free(&r);
    CHECK(exchange(e.port,
                   request("POST", "/events",
                           "Content-Type: application/cloudevents-batch+avro\r\n", "[]"),
                   &r) == 415);
    raw_response_free(&r);
    CHECK(exchange(e.port, request("POST", "/events", "Content-Type: text/plain\r\n", "hello"),
                   &r) == 415);
    CHECK(problem(&r, "unsupported-media-type"));
    raw_response_free(&r);

    /* a missing ce-specversion */
    CHECK(exchange(e.port,
                   request("POST", "/events",
                           "ce-id: m1\r\nce-source: /s\r\nce-type: com.example.x\r\n"
                           "Content-Type: application/json\r\n",
                           "{}"),
                   &r) == 400);
    CHECK(problem(&r, "invalid-event") && body_has(&r, "specversion"));
    raw_response_free(&r);
    /* structured, without specversion */
    CHECK(exchange(e.port,
                   request("POST", "/events", "Content-Type: application/cloudevents+json\r\n",
                           "{\"id\":\"m2\",\"source\":\"/s\",\"type\":\"t\"}"),
                   &r) == 400);
    CHECK(problem(&r, "invalid-event") && body_has(&r, "specversion"));
    raw_response_free(&r);

    /* a batch holding one invalid event: refused whole, nothing handled */
    CHECK(exchange(
              e.port,
              request("POST", "/events", "Content-Type: application/cloudevents-batch+json\r\n",
                      "[{\"specversion\":\"1.0\",\"id\":\"b1\",\"source\":\"/s\",\"type\":\"t\"},"
                      "{\"specversion\":\"1.0\",\"id\":\"b2\",\"source\":\"/s\",\"type\":\"t\","
                      "\"time\":\"yesterday\"},"
                      "{\"specversion\":\"1.0\",\"id\":\"b3\",\"source\":\"/s\",\"type\":\"t\"}]"),
              &r) == 400);
    CHECK(problem(&r, "invalid-event") && body_has(&r, "time"));
    raw_response_free(&r);
    /* not JSON at all */
    CHECK(exchange(e.port,
                   request("POST", "/events",
                           "Content-Type: application/cloudevents-batch+json\r\n", "[{]"),
                   &r) == 400);
    raw_response_free(&r);

    eventc_http_receiver_stats st = eventc_http_receiver_stats_get(e.rx);
    CHECK(st.answered_400 == 9 && st.answered_415 == 3 && st.events_queued == 0);
    env_check_clean(&e);
    env_stop(&e);
}

/* ---- connections ---- */

static void test_connections(void)
{
    eventc_http_receiver_config c = eventc_http_receiver_config_default();
    c.max_connections = 4;
    c.idle_timeout_ms = 120000; /* the held connections stay */
    env e;
    env_start(&e, &c);
    /* four idle connections hold every slot */
    int held[4];
    for (int i = 0; i < 4; i++) {
        held[i] = raw_connect(e.port);
        CHECK(held[i] >= 0);
    }
    /* a fifth waits in the listen queue, unanswered, while the four are open */
    int fifth = raw_connect(e.port);
    CHECK(fifth >= 0);
    const char *get = "GET /events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    CHECK(fifth >= 0 && raw_send(fifth, get, strlen(get)) == 0);
    raw_response r;
    CHECK(fifth >= 0 && raw_read(fifth, &r, 500) != 0);
    raw_response_free(&r);
    /* one of the four closes: the fifth is served */
    close(held[0]);
    CHECK(fifth >= 0 && raw_read(fifth, &r, WAIT_MS) == 0 && r.status == 405);
    raw_response_free(&r);
    if (fifth >= 0) {
        close(fifth);
    }
    for (int i = 1; i < 4; i++) {
        close(held[i]);
    }
    env_check_clean(&e);
    env_stop(&e);
}

int main(void)
{
    test_bodies();
    test_slow_loris();
    test_headers();
    test_contents();
    test_connections();
    return check_report();
}
