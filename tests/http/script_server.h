/* A scripted HTTP/1.1 server for the tests of the HTTP publisher: it listens on 127.0.0.1 on a
 * free port, records every request it reads (request line, headers, body, arrival time and
 * connection) and answers each with the next step of its script (a status with headers and a
 * body, after a delay; or no answer at all, closing the connection), then 204 once the script
 * is used up. One thread serves every connection with poll(); keep-alive is honoured. */
#ifndef EVENTC_TESTS_SCRIPT_SERVER_H
#define EVENTC_TESTS_SCRIPT_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One answer. */
typedef struct script_step {
    int status;          /* 0: close the connection without answering */
    const char *headers; /* extra header lines, each ending in \r\n (may be NULL) */
    const char *body;    /* may be NULL */
    int delay_ms;        /* wait this long before answering */
} script_step;

/* One request as read. */
typedef struct script_request {
    char method[16];
    char target[512];
    char *headers; /* the header block, lines ending in \r\n */
    char *body;
    size_t body_len;
    int64_t at_ms;  /* monotonic arrival time */
    int connection; /* 1-based number of the connection it came on */
} script_request;

typedef struct script_server {
    int listen_fd;
    uint16_t port;
    pthread_t thread;
    bool running;
    int wake[2];
    pthread_mutex_t lock;
    const script_step *steps;
    size_t n_steps, next_step;
    script_request *requests;
    size_t n_requests, cap_requests;
    int connections;
    int in_flight, max_in_flight; /* requests read and not answered yet */
} script_server;

/* Starts the server with `steps` (borrowed). Returns 0 or -1. */
int script_server_start(script_server *s, const script_step *steps, size_t n_steps);

/* Stops the server, closes every connection and frees the records. */
void script_server_stop(script_server *s);

/* The value of header `name` in request `r` (case-insensitive), copied into out; false when
 * absent. */
bool script_header(const script_request *r, const char *name, char *out, size_t n);

/* Requests recorded so far (under the server's lock: call between publishes). */
size_t script_count(script_server *s);

#endif
