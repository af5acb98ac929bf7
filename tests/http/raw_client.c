/* The raw HTTP/1.1 client of the receiver tests (raw_client.h). */
#define _POSIX_C_SOURCE 200809L
#include "raw_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int raw_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int raw_send(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
        if (w <= 0) {
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static bool wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, timeout_ms) > 0;
}

int raw_read(int fd, raw_response *r, int timeout_ms)
{
    memset(r, 0, sizeof(*r));
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        return -1;
    }
    size_t head = 0, body = 0;
    bool have_head = false, chunked_unknown = false;
    for (;;) {
        if (have_head && len >= head + body) {
            break;
        }
        if (!wait_readable(fd, timeout_ms)) {
            break;
        }
        if (cap - len < 4096) {
            char *g = realloc(buf, cap * 2);
            if (g == NULL) {
                break;
            }
            buf = g;
            cap *= 2;
        }
        ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
        if (n <= 0) {
            r->closed = true;
            break;
        }
        len += (size_t)n;
        buf[len] = '\0';
        if (!have_head) {
            char *end = strstr(buf, "\r\n\r\n");
            if (end != NULL) {
                have_head = true;
                head = (size_t)(end - buf) + 4;
                const char *cl = NULL;
                for (char *p = buf; p < end; p++) {
                    if ((p == buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
                        cl = p + 15;
                    }
                }
                int status = 0;
                sscanf(buf, "HTTP/%*d.%*d %d", &status);
                if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
                    body = 0; /* no body, whatever the headers say */
                } else if (cl != NULL) {
                    body = strtoul(cl, NULL, 10);
                } else {
                    chunked_unknown = true; /* read until close */
                    body = (size_t)-1 / 2;
                }
            }
        }
    }
    if (!have_head) {
        free(buf);
        return -1;
    }
    if (chunked_unknown) {
        body = len - head;
    }
    if (len < head + body) {
        body = len - head;
    }
    sscanf(buf, "HTTP/%*d.%*d %d", &r->status);
    r->headers = malloc(head + 1);
    r->body = malloc(body + 1);
    if (r->headers != NULL) {
        memcpy(r->headers, buf, head);
        r->headers[head] = '\0';
    }
    if (r->body != NULL) {
        memcpy(r->body, buf + head, body);
        r->body[body] = '\0';
        r->body_len = body;
    }
    char conn[32];
    if (raw_header(r, "connection", conn, sizeof(conn)) && strcasecmp(conn, "close") == 0) {
        r->closed = true;
    }
    free(buf);
    return 0;
}

int raw_exchange(uint16_t port, const char *data, size_t len, raw_response *r, int timeout_ms)
{
    memset(r, 0, sizeof(*r));
    int fd = raw_connect(port);
    if (fd < 0) {
        return -1;
    }
    int rc = raw_send(fd, data, len > 0 ? len : strlen(data));
    /* A server that refuses early may close before everything was sent: read what it said. */
    rc = raw_read(fd, r, timeout_ms);
    close(fd);
    return rc;
}

bool raw_wait_closed(int fd, int timeout_ms)
{
    char buf[4096];
    for (;;) {
        if (!wait_readable(fd, timeout_ms)) {
            return false;
        }
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            return true;
        }
    }
}

bool raw_header(const raw_response *r, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    const char *p = r->headers != NULL ? strstr(r->headers, "\r\n") : NULL;
    while (p != NULL) {
        p += 2;
        const char *eol = strstr(p, "\r\n");
        if (eol == NULL || eol == p) {
            return false;
        }
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ') {
                v++;
            }
            size_t vl = (size_t)(eol - v);
            if (vl >= n) {
                vl = n - 1;
            }
            memcpy(out, v, vl);
            out[vl] = '\0';
            return true;
        }
        p = eol;
    }
    return false;
}

void raw_response_free(raw_response *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

static void *async_run(void *arg)
{
    raw_async *a = arg;
    a->rc = raw_exchange(a->port, a->data, a->len, &a->r, a->timeout_ms);
    return NULL;
}

void raw_async_start(raw_async *a, uint16_t port, const char *data, int timeout_ms)
{
    memset(a, 0, sizeof(*a));
    a->port = port;
    a->len = strlen(data);
    a->data = malloc(a->len + 1);
    if (a->data != NULL) {
        memcpy(a->data, data, a->len + 1);
    }
    a->timeout_ms = timeout_ms;
    a->rc = -1;
    if (a->data == NULL || pthread_create(&a->thread, NULL, async_run, a) != 0) {
        free(a->data);
        a->data = NULL;
    }
}

int raw_async_wait(raw_async *a)
{
    if (a->data != NULL) {
        pthread_join(a->thread, NULL);
        free(a->data);
        a->data = NULL;
    }
    return a->rc;
}
