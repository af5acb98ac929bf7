/* A raw HTTP/1.1 client for the receiver tests: it sends exactly the bytes it is given (hostile
 * ones included) to 127.0.0.1 and reads one response, so nothing between the test and the
 * server fixes up a request. */
#ifndef EVENTC_TESTS_RAW_CLIENT_H
#define EVENTC_TESTS_RAW_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct raw_response {
    int status;    /* 0: the connection closed (or timed out) without a response */
    char *headers; /* the header block */
    char *body;
    size_t body_len;
    bool closed; /* the server closed the connection after the response */
} raw_response;

/* Connects to 127.0.0.1:port; -1 on failure. */
int raw_connect(uint16_t port);

/* Sends all of `data` (`len` bytes). Returns 0, or -1 when the connection broke. */
int raw_send(int fd, const char *data, size_t len);

/* Reads one response from `fd` within `timeout_ms` (it waits that long at most for each piece).
 * Returns 0 (r->status set), or -1 when the connection closed first or nothing came in time. */
int raw_read(int fd, raw_response *r, int timeout_ms);

/* Connects, sends `data` and reads the response: raw_connect + raw_send + raw_read, then closes
 * the connection. `len` 0: strlen(data). */
int raw_exchange(uint16_t port, const char *data, size_t len, raw_response *r, int timeout_ms);

/* Whether the peer closed `fd` within `timeout_ms` (reading and discarding what comes). */
bool raw_wait_closed(int fd, int timeout_ms);

/* The value of header `name` (case-insensitive) into out; false when absent. */
bool raw_header(const raw_response *r, const char *name, char *out, size_t n);

void raw_response_free(raw_response *r);

/* A request in a thread of its own, for answers that wait for a consumer. */
typedef struct raw_async {
    uint16_t port;
    char *data;
    size_t len;
    int timeout_ms;
    raw_response r;
    int rc;
    pthread_t thread;
} raw_async;

void raw_async_start(raw_async *a, uint16_t port, const char *data, int timeout_ms);
/* Waits for the answer; returns raw_exchange's result. */
int raw_async_wait(raw_async *a);

#endif
