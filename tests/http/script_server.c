/* The scripted HTTP server of the publisher tests (script_server.h). */
#define _POSIX_C_SOURCE 200809L
#include "script_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64

typedef struct conn {
    int fd;
    int number;
    char *buf;
    size_t len, cap;
    /* an answer waiting for its time */
    bool answering;
    int64_t send_at;
    const script_step *step;
} conn;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const script_step default_step = {204, NULL, NULL, 0};

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void conn_close(conn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->buf);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

/* Length of the whole request at the front of c->buf, or 0 while it is incomplete. */
static size_t request_length(const conn *c, size_t *head_len, size_t *body_len)
{
    const char *end = NULL;
    for (size_t i = 0; i + 3 < c->len; i++) {
        if (memcmp(c->buf + i, "\r\n\r\n", 4) == 0) {
            end = c->buf + i + 4;
            break;
        }
    }
    if (end == NULL) {
        return 0;
    }
    *head_len = (size_t)(end - c->buf);
    *body_len = 0;
    const char *p = c->buf;
    while (p < end) {
        const char *eol = strstr(p, "\r\n");
        if (eol == NULL || eol >= end) {
            break;
        }
        if ((size_t)(eol - p) > 15 && strncasecmp(p, "content-length:", 15) == 0) {
            *body_len = strtoul(p + 15, NULL, 10);
        }
        p = eol + 2;
    }
    return c->len >= *head_len + *body_len ? *head_len + *body_len : 0;
}

static void record(script_server *s, conn *c, size_t head_len, size_t body_len)
{
    script_request r;
    memset(&r, 0, sizeof(r));
    sscanf(c->buf, "%15s %511s", r.method, r.target);
    const char *h = strstr(c->buf, "\r\n") + 2;
    size_t hl = head_len - (size_t)(h - c->buf) - 2;
    r.headers = malloc(hl + 1);
    r.body = malloc(body_len + 1);
    if (r.headers != NULL) {
        memcpy(r.headers, h, hl);
        r.headers[hl] = '\0';
    }
    if (r.body != NULL) {
        memcpy(r.body, c->buf + head_len, body_len);
        r.body[body_len] = '\0';
    }
    r.body_len = body_len;
    r.at_ms = now_ms();
    r.connection = c->number;
    pthread_mutex_lock(&s->lock);
    if (s->n_requests == s->cap_requests) {
        size_t cap = s->cap_requests ? s->cap_requests * 2 : 64;
        script_request *g = realloc(s->requests, cap * sizeof(*g));
        if (g != NULL) {
            s->requests = g;
            s->cap_requests = cap;
        }
    }
    if (s->n_requests < s->cap_requests) {
        s->requests[s->n_requests++] = r;
    } else {
        free(r.headers);
        free(r.body);
    }
    c->step = s->next_step < s->n_steps ? &s->steps[s->next_step++] : &default_step;
    if (++s->in_flight > s->max_in_flight) {
        s->max_in_flight = s->in_flight;
    }
    pthread_mutex_unlock(&s->lock);
    c->answering = true;
    c->send_at = now_ms() + c->step->delay_ms;
    memmove(c->buf, c->buf + head_len + body_len, c->len - head_len - body_len);
    c->len -= head_len + body_len;
}

static void answer(script_server *s, conn *c)
{
    const script_step *st = c->step;
    c->answering = false;
    pthread_mutex_lock(&s->lock);
    s->in_flight--;
    pthread_mutex_unlock(&s->lock);
    if (st->status == 0) {
        conn_close(c);
        return;
    }
    char head[2048];
    size_t blen = st->body != NULL ? strlen(st->body) : 0;
    int n = snprintf(head, sizeof(head), "HTTP/1.1 %d Scripted\r\n%sContent-Length: %zu\r\n\r\n",
                     st->status, st->headers != NULL ? st->headers : "", blen);
    write_all(c->fd, head, (size_t)n);
    if (blen > 0) {
        write_all(c->fd, st->body, blen);
    }
}

static void *serve(void *arg)
{
    script_server *s = arg;
    conn conns[MAX_CONNS];
    for (int i = 0; i < MAX_CONNS; i++) {
        memset(&conns[i], 0, sizeof(conns[i]));
        conns[i].fd = -1;
    }
    for (;;) {
        struct pollfd pf[MAX_CONNS + 2];
        int map[MAX_CONNS + 2];
        int n = 0;
        pf[n].fd = s->wake[0];
        pf[n].events = POLLIN;
        map[n++] = -1;
        pf[n].fd = s->listen_fd;
        pf[n].events = POLLIN;
        map[n++] = -2;
        int64_t now = now_ms();
        int timeout = 200;
        for (int i = 0; i < MAX_CONNS; i++) {
            if (conns[i].fd < 0) {
                continue;
            }
            if (conns[i].answering) {
                int64_t d = conns[i].send_at - now;
                if (d < timeout) {
                    timeout = d < 0 ? 0 : (int)d;
                }
                continue; /* one request at a time per connection */
            }
            pf[n].fd = conns[i].fd;
            pf[n].events = POLLIN;
            map[n++] = i;
        }
        poll(pf, (nfds_t)n, timeout);
        if (pf[0].revents != 0) {
            break;
        }
        if (pf[1].revents & POLLIN) {
            int fd = accept(s->listen_fd, NULL, NULL);
            int slot = -1;
            for (int i = 0; i < MAX_CONNS && fd >= 0; i++) {
                if (conns[i].fd < 0) {
                    slot = i;
                    break;
                }
            }
            if (slot < 0) {
                if (fd >= 0) {
                    close(fd);
                }
            } else {
                conns[slot].fd = fd;
                pthread_mutex_lock(&s->lock);
                conns[slot].number = ++s->connections;
                pthread_mutex_unlock(&s->lock);
            }
        }
        for (int k = 2; k < n; k++) {
            conn *c = &conns[map[k]];
            if (c->fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            if (c->cap - c->len < 65536) {
                size_t cap = c->cap ? c->cap * 2 : 131072;
                char *b = realloc(c->buf, cap);
                if (b == NULL) {
                    conn_close(c);
                    continue;
                }
                c->buf = b;
                c->cap = cap;
            }
            ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
            if (r <= 0) {
                conn_close(c);
                continue;
            }
            c->len += (size_t)r;
            c->buf[c->len] = '\0';
            size_t head_len, body_len;
            if (request_length(c, &head_len, &body_len) > 0) {
                record(s, c, head_len, body_len);
            }
        }
        now = now_ms();
        for (int i = 0; i < MAX_CONNS; i++) {
            conn *c = &conns[i];
            if (c->fd >= 0 && c->answering && c->send_at <= now) {
                answer(s, c);
                size_t head_len, body_len;
                if (c->fd >= 0 && request_length(c, &head_len, &body_len) > 0) {
                    record(s, c, head_len, body_len); /* pipelined */
                }
            }
        }
    }
    for (int i = 0; i < MAX_CONNS; i++) {
        conn_close(&conns[i]);
    }
    return NULL;
}

int script_server_start(script_server *s, const script_step *steps, size_t n_steps)
{
    memset(s, 0, sizeof(*s));
    s->steps = steps;
    s->n_steps = n_steps;
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->listen_fd, 64) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0 || pipe(s->wake) != 0) {
        if (s->listen_fd >= 0) {
            close(s->listen_fd);
        }
        return -1;
    }
    s->port = ntohs(a.sin_port);
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->thread, NULL, serve, s) != 0) {
        close(s->listen_fd);
        close(s->wake[0]);
        close(s->wake[1]);
        pthread_mutex_destroy(&s->lock);
        return -1;
    }
    s->running = true;
    return 0;
}

void script_server_stop(script_server *s)
{
    if (!s->running) {
        return;
    }
    if (write(s->wake[1], "x", 1) != 1) {
        /* the thread also ends when the pipe closes */
    }
    pthread_join(s->thread, NULL);
    close(s->wake[0]);
    close(s->wake[1]);
    close(s->listen_fd);
    for (size_t i = 0; i < s->n_requests; i++) {
        free(s->requests[i].headers);
        free(s->requests[i].body);
    }
    free(s->requests);
    pthread_mutex_destroy(&s->lock);
    s->running = false;
}

bool script_header(const script_request *r, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = r->headers; p != NULL && *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ') {
                v++;
            }
            size_t vl = (size_t)(p + len - v);
            if (vl >= n) {
                vl = n - 1;
            }
            memcpy(out, v, vl);
            out[vl] = '\0';
            return true;
        }
        p = eol != NULL ? eol + 2 : NULL;
    }
    return false;
}

size_t script_count(script_server *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->n_requests;
    pthread_mutex_unlock(&s->lock);
    return n;
}
