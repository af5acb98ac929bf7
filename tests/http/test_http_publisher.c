/* The HTTP publisher against a scripted server (script_server.h) on 127.0.0.1: what it sends in
 * each content mode, credentials and origin, connection reuse, order per key, and every answer
 * it may get, with fault injection: retries on 408, 429, 5xx, dropped connections and timeouts
 * (honouring Retry-After in seconds and as a date), never on other 4xx nor on redirects, the
 * outcome of each message, and the bounds on Retry-After and on tries. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "script_server.h"

#include <eventc/http.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void make(eventc_message *m, const char *id, const char *key)
{
    eventc_message_init(m, NULL);
    CHECK(eventc_ce_init_json(&m->event, NULL, id, "/test/pub", "com.example.http.tested",
                              "{\"n\":1}", 7, NULL) == EVENTC_OK);
    if (key != NULL) {
        CHECK(eventc_message_set_key(m, key, NULL) == EVENTC_OK);
    }
}

static eventc_publisher *publisher(const script_server *s, const char *path, eventc_ce_mode mode,
                                   unsigned attempts)
{
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)s->port, path);
    eventc_http_publisher_config c = eventc_http_publisher_config_default();
    c.url = url;
    c.mode = mode;
    c.max_attempts = attempts;
    c.backoff_initial_ms = 5;
    c.backoff_max_ms = 20;
    c.timeout_ms = 3000;
    eventc_error err;
    eventc_publisher *p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    return p;
}

/* Publishes one event; returns its outcome. */
static eventc_status send1(eventc_publisher *p, const char *id, eventc_error *out)
{
    eventc_message m;
    make(&m, id, NULL);
    eventc_error err;
    eventc_status st =
        eventc_publisher_publish(p, NULL, (const eventc_message *const[]){&m}, 1, out, &err);
    eventc_message_clear(&m);
    return st;
}

/* ---- what goes on the wire ---- */

static void test_binary_and_credentials(void)
{
    script_server s;
    CHECK(script_server_start(&s, NULL, 0) == 0);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/hook", (unsigned)s.port);
    eventc_http_publisher_config c = eventc_http_publisher_config_default();
    c.url = url;
    c.token = "s3cr3t";
    c.origin = "sender.example.com";
    eventc_error err;
    eventc_publisher *p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    eventc_message m;
    make(&m, "b 1%", "cust_1");
    CHECK(eventc_ce_set_subject(&m.event, "caf\xc3\xa9", NULL) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(p, NULL, &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);
    /* an event without data: no body, and no content type */
    eventc_message_init(&m, NULL);
    CHECK(eventc_ce_set_id(&m.event, "nodata", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_source(&m.event, "/test/pub", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_type(&m.event, "com.example.http.tested", NULL) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(p, NULL, &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);
    eventc_publisher_close(p);
    CHECK(script_count(&s) == 2);
    if (s.n_requests == 2) {
        script_request *r = &s.requests[0];
        char v[256];
        CHECK_STR(r->method, "POST");
        CHECK_STR(r->target, "/hook");
        CHECK(script_header(r, "authorization", v, sizeof(v)) && strcmp(v, "Bearer s3cr3t") == 0);
        CHECK(script_header(r, "webhook-request-origin", v, sizeof(v)) &&
              strcmp(v, "sender.example.com") == 0);
        CHECK(script_header(r, "ce-specversion", v, sizeof(v)) && strcmp(v, "1.0") == 0);
        /* percent-encoded as the binding requires */
        CHECK(script_header(r, "ce-id", v, sizeof(v)) && strcmp(v, "b%201%25") == 0);
        CHECK(script_header(r, "ce-subject", v, sizeof(v)) && strcmp(v, "caf%C3%A9") == 0);
        /* the key travels as the partitionkey extension */
        CHECK(script_header(r, "ce-partitionkey", v, sizeof(v)) && strcmp(v, "cust_1") == 0);
        CHECK(script_header(r, "content-type", v, sizeof(v)) && strcmp(v, "application/json") == 0);
        CHECK(r->body_len == 7 && memcmp(r->body, "{\"n\":1}", 7) == 0);
        r = &s.requests[1];
        CHECK(!script_header(r, "content-type", v, sizeof(v)));
        CHECK(r->body_len == 0);
        CHECK(!script_header(r, "ce-partitionkey", v, sizeof(v)));
    }
    script_server_stop(&s);
}

static void test_structured_and_topics(void)
{
    script_server s;
    CHECK(script_server_start(&s, NULL, 0) == 0);
    eventc_publisher *p = publisher(&s, "/in/{topic}", EVENTC_CE_MODE_STRUCTURED, 1);
    eventc_message m;
    make(&m, "s1", NULL);
    eventc_error err;
    CHECK(eventc_publisher_publish1(p, "orders/eu west", &m, &err) == EVENTC_OK);
    /* {topic} without a topic is the message's failure */
    CHECK(eventc_publisher_publish1(p, NULL, &m, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(err.path, "[0]");
    eventc_message_clear(&m);
    eventc_publisher_close(p);
    CHECK(script_count(&s) == 1);
    if (s.n_requests == 1) {
        char v[128];
        CHECK_STR(s.requests[0].target, "/in/orders%2Feu%20west");
        CHECK(script_header(&s.requests[0], "content-type", v, sizeof(v)) &&
              strcmp(v, "application/cloudevents+json; charset=utf-8") == 0);
        CHECK(strstr(s.requests[0].body, "\"id\":\"s1\"") != NULL);
        CHECK(!script_header(&s.requests[0], "ce-id", v, sizeof(v)));
    }
    script_server_stop(&s);
}

static void test_batches(void)
{
    script_server s;
    CHECK(script_server_start(&s, NULL, 0) == 0);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/b", (unsigned)s.port);
    eventc_http_publisher_config c = eventc_http_publisher_config_default();
    c.url = url;
    c.mode = EVENTC_CE_MODE_BATCH;
    c.batch_max_events = 4;
    eventc_error err;
    eventc_publisher *p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    enum { N = 10 };
    eventc_message m[N];
    const eventc_message *ptrs[N];
    eventc_error out[N];
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof(id), "b%d", i);
        make(&m[i], id, i % 2 ? "odd" : "even");
        ptrs[i] = &m[i];
    }
    /* one invalid event: its own outcome, never sent; the others in batches of 4 */
    m[3].event.id = ""; /* no longer valid */
    CHECK(eventc_publisher_publish(p, NULL, ptrs, N, out, &err) != EVENTC_OK);
    CHECK_STR(err.path, "[3]");
    for (int i = 0; i < N; i++) {
        CHECK((out[i].code == EVENTC_OK) == (i != 3));
    }
    CHECK(script_count(&s) == 3); /* 9 events: 4 + 4 + 1, in order */
    if (s.n_requests == 3) {
        char v[128];
        CHECK(script_header(&s.requests[0], "content-type", v, sizeof(v)) &&
              strcmp(v, "application/cloudevents-batch+json; charset=utf-8") == 0);
        const char *b0 = s.requests[0].body;
        CHECK(b0[0] == '[' && strstr(b0, "\"id\":\"b0\"") < strstr(b0, "\"id\":\"b4\""));
        CHECK(strstr(b0, "\"partitionkey\":\"even\"") != NULL);
        CHECK(strstr(s.requests[2].body, "\"id\":\"b9\"") != NULL);
    }
    eventc_publisher_close(p);
    for (int i = 0; i < N; i++) {
        eventc_message_clear(&m[i]);
    }
    /* a byte limit splits batches further */
    c.batch_max_events = 100;
    c.batch_max_bytes = 600;
    p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof(id), "c%d", i);
        make(&m[i], id, NULL);
    }
    size_t before = script_count(&s);
    CHECK(eventc_publisher_publish(p, NULL, ptrs, N, out, &err) == EVENTC_OK);
    size_t sent = script_count(&s) - before, events = 0;
    CHECK(sent > 1);
    for (size_t i = before; i < s.n_requests; i++) {
        CHECK(s.requests[i].body_len <= 600);
        for (const char *q = s.requests[i].body; (q = strstr(q, "\"id\":\"c")) != NULL; q++) {
            events++;
        }
    }
    CHECK(events == N);
    eventc_publisher_close(p);
    for (int i = 0; i < N; i++) {
        eventc_message_clear(&m[i]);
    }
    script_server_stop(&s);
}

/* Messages of one key go one after the other, over one reused connection; other keys go in
 * parallel. */
static void test_reuse_and_order(void)
{
    static const script_step slow[] = {
        {204, NULL, NULL, 30}, {204, NULL, NULL, 30}, {204, NULL, NULL, 30}, {204, NULL, NULL, 30}};
    script_server s;
    CHECK(script_server_start(&s, slow, 4) == 0);
    eventc_publisher *p = publisher(&s, "/o", EVENTC_CE_MODE_BINARY, 1);
    enum { N = 40 };
    eventc_message m[N];
    const eventc_message *ptrs[N];
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof(id), "o%02d", i);
        make(&m[i], id, "one-key");
        ptrs[i] = &m[i];
    }
    eventc_error err;
    CHECK(eventc_publisher_publish(p, NULL, ptrs, N, NULL, &err) == EVENTC_OK);
    CHECK(script_count(&s) == N);
    CHECK(s.connections == 1);   /* one connection, reused */
    CHECK(s.max_in_flight == 1); /* one at a time */
    for (size_t i = 0; i < s.n_requests; i++) {
        char v[16], want[16];
        snprintf(want, sizeof(want), "o%02d", (int)i);
        CHECK(script_header(&s.requests[i], "ce-id", v, sizeof(v)) && strcmp(v, want) == 0);
    }
    eventc_http_publisher_stats st = eventc_http_publisher_stats_get(p);
    CHECK(st.requests == N && st.answered_2xx == N && st.connections == 1);
    /* different keys: in parallel, up to max_connections */
    for (int i = 0; i < N; i++) {
        char k[8];
        snprintf(k, sizeof(k), "k%d", i % 8);
        CHECK(eventc_message_set_key(&m[i], k, NULL) == EVENTC_OK);
    }
    static const script_step slow8[] = {{204, NULL, NULL, 200}, {204, NULL, NULL, 200},
                                        {204, NULL, NULL, 200}, {204, NULL, NULL, 200},
                                        {204, NULL, NULL, 200}, {204, NULL, NULL, 200},
                                        {204, NULL, NULL, 200}, {204, NULL, NULL, 200}};
    pthread_mutex_lock(&s.lock);
    s.max_in_flight = 0;
    s.steps = slow8;
    s.n_steps = 8;
    s.next_step = 0;
    pthread_mutex_unlock(&s.lock);
    CHECK(eventc_publisher_publish(p, NULL, ptrs, N, NULL, &err) == EVENTC_OK);
    CHECK(script_count(&s) == 2 * N);
    CHECK(s.max_in_flight > 1 && s.max_in_flight <= 8);
    /* each key in order */
    int next[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    for (size_t i = N; i < s.n_requests; i++) {
        char v[16];
        CHECK(script_header(&s.requests[i], "ce-id", v, sizeof(v)));
        int id = atoi(v + 1);
        CHECK(id == next[id % 8]);
        next[id % 8] += 8;
    }
    eventc_publisher_close(p);
    for (int i = 0; i < N; i++) {
        eventc_message_clear(&m[i]);
    }
    script_server_stop(&s);
}

/* ---- answers ---- */

static void test_retries(void)
{
    static const script_step steps[] = {
        {503, "Retry-After: 1\r\n", NULL, 0},
        {429, "Retry-After: 0\r\n", NULL, 0},
        {408, NULL, NULL, 0},
        {500, NULL, "oops", 0},
        {0, NULL, NULL, 0}, /* dropped without an answer */
        {204, NULL, NULL, 0},
    };
    script_server s;
    CHECK(script_server_start(&s, steps, 6) == 0);
    eventc_publisher *p = publisher(&s, "/r", EVENTC_CE_MODE_BINARY, 10);
    eventc_error out;
    CHECK(send1(p, "r1", &out) == EVENTC_OK);
    CHECK(out.code == EVENTC_OK);
    CHECK(script_count(&s) == 6);
    if (s.n_requests == 6) {
        /* Retry-After: 1 was obeyed: the second try came a second later at least */
        CHECK(s.requests[1].at_ms - s.requests[0].at_ms >= 1000);
    }
    eventc_http_publisher_stats st = eventc_http_publisher_stats_get(p);
    /* A connection dropped before any answer may be retried by libcurl itself on a fresh one
     * (it was a reused connection): the server saw six tries either way. */
    CHECK(st.retries >= 4 && st.answered_5xx == 2 && st.answered_4xx == 2 && st.answered_2xx == 1);
    eventc_publisher_close(p);
    script_server_stop(&s);

    /* Retry-After as an HTTP date, one second in the future at most */
    char date[128];
    time_t now = time(NULL) + 1;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    script_step dated[] = {{503, date, NULL, 0}, {204, NULL, NULL, 0}};
    CHECK(script_server_start(&s, dated, 2) == 0);
    p = publisher(&s, "/r", EVENTC_CE_MODE_BINARY, 3);
    CHECK(send1(p, "r2", &out) == EVENTC_OK);
    CHECK(script_count(&s) == 2);
    eventc_publisher_close(p);
    script_server_stop(&s);
}

static void test_tries_used_up(void)
{
    static const script_step steps[] = {
        {503, NULL, NULL, 0}, {503, NULL, NULL, 0}, {503, NULL, NULL, 0}};
    script_server s;
    CHECK(script_server_start(&s, steps, 3) == 0);
    eventc_publisher *p = publisher(&s, "/t", EVENTC_CE_MODE_BINARY, 3);
    eventc_error out;
    CHECK(send1(p, "t1", &out) == EVENTC_E_UNAVAILABLE);
    CHECK(out.code == EVENTC_E_UNAVAILABLE && strstr(out.message, "HTTP 503") != NULL);
    CHECK(script_count(&s) == 3);
    eventc_publisher_close(p);
    script_server_stop(&s);

    /* a Retry-After beyond retry_after_max_ms ends the tries at once */
    static const script_step later[] = {{429, "Retry-After: 3600\r\n", NULL, 0}};
    CHECK(script_server_start(&s, later, 1) == 0);
    p = publisher(&s, "/t", EVENTC_CE_MODE_BINARY, 5);
    CHECK(send1(p, "t2", &out) == EVENTC_E_FULL);
    CHECK(strstr(out.message, "Retry-After 3600") != NULL);
    CHECK(script_count(&s) == 1);
    eventc_publisher_close(p);
    script_server_stop(&s);
}

static void test_final_answers(void)
{
    static const char problem[] =
        "{\"type\":\"urn:eventc:problem:invalid-event\",\"title\":\"Invalid CloudEvent\","
        "\"status\":400,\"detail\":\"not a timestamp\",\"path\":\"ce-time\",\"rule\":"
        "\"timestamp\"}";
    static const script_step steps[] = {
        {400, "Content-Type: application/problem+json\r\n", problem, 0},
        {401, "Content-Type: text/plain\r\n", "no token", 0},
        {404, NULL, NULL, 0},
        {405, NULL, NULL, 0},
        {413, NULL, NULL, 0},
        {415, NULL, NULL, 0},
        {410, NULL, NULL, 0},
        {307, "Location: http://127.0.0.1:1/elsewhere\r\n", NULL, 0},
    };
    const eventc_status want[] = {EVENTC_E_TIMESTAMP,
                                  EVENTC_E_INVALID_ARGUMENT,
                                  EVENTC_E_INVALID_ARGUMENT,
                                  EVENTC_E_INVALID_ARGUMENT,
                                  EVENTC_E_LIMIT,
                                  EVENTC_E_UNSUPPORTED,
                                  EVENTC_E_INVALID_ARGUMENT,
                                  EVENTC_E_INVALID_ARGUMENT};
    script_server s;
    CHECK(script_server_start(&s, steps, 8) == 0);
    eventc_publisher *p = publisher(&s, "/f", EVENTC_CE_MODE_BINARY, 5);
    for (int i = 0; i < 8; i++) {
        eventc_error out;
        CHECK(send1(p, "f", &out) == want[i]);
        CHECK(out.code == want[i]);
        CHECK(script_count(&s) == (size_t)i + 1); /* never tried again */
        if (i == 0) {
            CHECK_STR(out.path, "ce-time");
            CHECK(strstr(out.message, "HTTP 400") != NULL &&
                  strstr(out.message, "not a timestamp") != NULL);
        }
        if (i == 1) {
            CHECK(strstr(out.message, "HTTP 401") != NULL && strstr(out.message, "no token"));
        }
        if (i == 7) {
            CHECK(strstr(out.message, "redirects are not followed") != NULL);
        }
    }
    eventc_publisher_close(p);
    script_server_stop(&s);
}

/* Per-message outcomes: each message to its own path, answered differently. */
static void test_outcomes(void)
{
    static const script_step steps[] = {
        {204, NULL, NULL, 0}, {400, NULL, NULL, 0}, {204, NULL, NULL, 0}};
    script_server s;
    CHECK(script_server_start(&s, steps, 3) == 0);
    eventc_publisher *p = publisher(&s, "/x", EVENTC_CE_MODE_BINARY, 1);
    eventc_message m[3];
    const eventc_message *ptrs[3];
    eventc_error out[3];
    for (int i = 0; i < 3; i++) {
        make(&m[i], "x", "same"); /* one key: sent in order, so the script lines up */
        ptrs[i] = &m[i];
    }
    eventc_error err;
    CHECK(eventc_publisher_publish(p, NULL, ptrs, 3, out, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(err.path, "[1]");
    CHECK(out[0].code == EVENTC_OK && out[1].code == EVENTC_E_CLOUDEVENTS &&
          out[2].code == EVENTC_OK);
    eventc_publisher_close(p);
    for (int i = 0; i < 3; i++) {
        eventc_message_clear(&m[i]);
    }
    script_server_stop(&s);
}

/* Nothing listening: connection refused, tried max_attempts times. */
static void test_refused(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd); /* the port is free again, and nothing listens on it */
    script_server fake;
    memset(&fake, 0, sizeof(fake));
    fake.port = ntohs(a.sin_port);
    eventc_publisher *p = publisher(&fake, "/", EVENTC_CE_MODE_BINARY, 3);
    eventc_error out;
    CHECK(send1(p, "n1", &out) == EVENTC_E_UNAVAILABLE);
    CHECK(strstr(out.message, "127.0.0.1") != NULL);
    eventc_http_publisher_stats st = eventc_http_publisher_stats_get(p);
    CHECK(st.requests == 3 && st.transport_errors == 3 && st.retries == 2);
    eventc_publisher_close(p);
}

/* A server slower than the request timeout: a timeout, tried again. */
static void test_timeout(void)
{
    static const script_step steps[] = {{204, NULL, NULL, 1500}, {204, NULL, NULL, 0}};
    script_server s;
    CHECK(script_server_start(&s, steps, 2) == 0);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/slow", (unsigned)s.port);
    eventc_http_publisher_config c = eventc_http_publisher_config_default();
    c.url = url;
    c.timeout_ms = 300;
    c.backoff_initial_ms = 5;
    eventc_error err;
    eventc_publisher *p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    eventc_error out;
    CHECK(send1(p, "slow", &out) == EVENTC_OK);
    eventc_http_publisher_stats st = eventc_http_publisher_stats_get(p);
    CHECK(st.transport_errors == 1 && st.retries == 1 && st.answered_2xx == 1);
    eventc_publisher_close(p);
    /* with one try only, the timeout is the outcome */
    static const script_step slow[] = {{204, NULL, NULL, 1500}};
    script_server s2;
    CHECK(script_server_start(&s2, slow, 1) == 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/slow", (unsigned)s2.port);
    c.max_attempts = 1;
    p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    CHECK(send1(p, "slow", &out) == EVENTC_E_TIMEOUT);
    eventc_publisher_close(p);
    script_server_stop(&s2);
    script_server_stop(&s);
}

static void test_config(void)
{
    eventc_error err;
    eventc_http_publisher_config c = eventc_http_publisher_config_default();
    CHECK(eventc_http_publisher_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c.url = "ftp://127.0.0.1/x";
    CHECK(eventc_http_publisher_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c.url = "http://";
    CHECK(eventc_http_publisher_new(&c, &err) == NULL);
    c.url = "http://127.0.0.1:1/x";
    c.token = "bad\ntoken";
    CHECK(eventc_http_publisher_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c.token = NULL;
    c.max_connections = 0;
    CHECK(eventc_http_publisher_new(&c, &err) == NULL);
    c.max_connections = 1;
    eventc_publisher *p = eventc_http_publisher_new(&c, &err);
    CHECK(p != NULL);
    CHECK(eventc_publisher_flush(p, 0, &err) == EVENTC_OK);
    eventc_publisher_close(p);
    eventc_http_publisher_stats st = eventc_http_publisher_stats_get(NULL);
    CHECK(st.requests == 0);
}

int main(void)
{
    test_config();
    test_binary_and_credentials();
    test_structured_and_topics();
    test_batches();
    test_reuse_and_order();
    test_retries();
    test_tries_used_up();
    test_final_answers();
    test_outcomes();
    test_refused();
    test_timeout();
    return check_report();
}
