/* The HTTP publisher (http.h): CloudEvents POSTed with libcurl.
 *
 * One I/O thread owns a curl multi handle, and with it the connection cache, so connections are
 * reused by every request whatever thread published it. A publish call encodes its messages into
 * jobs (one request each: one message, or a batch of them), links the jobs that must keep their
 * order into chains (same URL and key: each starts once the previous one has its outcome), hands
 * the first job of every chain to the I/O thread and waits until every job has its outcome. The
 * I/O thread runs at most max_connections requests at once, and puts a job that must be tried
 * again aside until its back-off (or the server's Retry-After) has passed.
 *
 * Locks: one mutex per publisher guards the hand-over queue, the calls' counters and their
 * condition variables. Curl handles are touched by the I/O thread only. */
#define _POSIX_C_SOURCE 200809L
#include "http_internal.h"

#include <curl/curl.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* How much of an answer's body is kept, for the message of a failure. */
#define BODY_KEEP 4096

typedef struct pcall pcall;

typedef struct job {
    struct job *next;       /* in the hand-over queue, the I/O thread's queue or its waiting list */
    struct job *chain_next; /* started once this one has its outcome */
    pcall *call;
    size_t first, count; /* the messages it carries: call->order[first .. first + count) */
    const char *url;     /* borrowed from the call */
    bool chained;        /* started by the previous job of its chain */
    eventc_ce_message enc;
    struct curl_slist *headers;
    CURL *easy;
    unsigned tries;
    int64_t not_before;
    /* the answer of the current try */
    long status;
    char retry_after[64];
    char content_type[96];
    char body[BODY_KEEP];
    size_t body_len;
    eventc_error result;
} job;

struct pcall {
    pthread_cond_t done;
    size_t remaining; /* jobs without an outcome; guarded by the publisher's lock */
};

typedef struct http_pub {
    eventc_publisher base;
    eventc_http_publisher_config cfg; /* strings point into the copies below */
    char *url, *token, *origin, *ca_file, *ca_path, *client_cert, *client_key;
    char *auth_header, *origin_header;
    bool url_has_topic;

    pthread_mutex_t lock;
    job *handed, *handed_tail; /* from publish calls to the I/O thread */
    bool closing;
    pthread_t thread;
    CURLM *multi;

    /* I/O thread only */
    job *queued, *queued_tail; /* ready to start */
    job *waiting;              /* backing off, by not_before */
    unsigned active;
    CURL **idle;
    size_t n_idle;
    uint64_t rng;

    _Atomic uint64_t requests, answered_2xx, answered_4xx, answered_5xx, transport_errors, retries,
        connections;
} http_pub;

/* ---- configuration ---- */

eventc_http_publisher_config eventc_http_publisher_config_default(void)
{
    eventc_http_publisher_config c;
    memset(&c, 0, sizeof(c));
    c.mode = EVENTC_CE_MODE_BINARY;
    c.connect_timeout_ms = 5000;
    c.timeout_ms = 60000;
    c.max_attempts = 5;
    c.backoff_initial_ms = 100;
    c.backoff_max_ms = 10000;
    c.retry_after_max_ms = 60000;
    c.max_connections = 8;
    c.batch_max_events = 100;
    c.batch_max_bytes = (size_t)1 << 20;
    return c;
}

static void pub_free(http_pub *p)
{
    free(p->url);
    free(p->token);
    free(p->origin);
    free(p->ca_file);
    free(p->ca_path);
    free(p->client_cert);
    free(p->client_key);
    free(p->auth_header);
    free(p->origin_header);
    free(p->idle);
    free(p);
}

static bool header_safe(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return false;
        }
    }
    return true;
}

static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s != NULL) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

static eventc_status check_config(const eventc_http_publisher_config *c, eventc_error *err)
{
    if (c->url == NULL ||
        (strncmp(c->url, "http://", 7) != 0 && strncmp(c->url, "https://", 8) != 0)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "url",
                                "want an http:// or https:// URL, not '%s'",
                                c->url != NULL ? c->url : "(none)");
    }
    const char *host = strstr(c->url, "://") + 3;
    if (host[0] == '\0' || host[0] == '/' || !header_safe(c->url) || strchr(c->url, ' ') != NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "url", "'%s' has no usable host",
                                c->url);
    }
    if (c->mode != EVENTC_CE_MODE_BINARY && c->mode != EVENTC_CE_MODE_STRUCTURED &&
        c->mode != EVENTC_CE_MODE_BATCH) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "mode", "unknown content mode");
    }
    if ((c->token != NULL && (c->token[0] == '\0' || !header_safe(c->token))) ||
        (c->origin != NULL && (c->origin[0] == '\0' || !header_safe(c->origin)))) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, c->token ? "token" : "origin",
                                "empty, or holds control characters");
    }
    if (c->connect_timeout_ms == 0 || c->timeout_ms == 0 || c->max_attempts == 0 ||
        c->max_connections == 0 || c->batch_max_events == 0 || c->batch_max_bytes == 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "timeouts, max_attempts, max_connections and the batch limits "
                                "must be >= 1");
    }
    return EVENTC_OK;
}

/* ---- the I/O thread ---- */

static uint64_t next_random(http_pub *p)
{
    /* xorshift64*: only for the jitter of back-off waits */
    p->rng ^= p->rng >> 12;
    p->rng ^= p->rng << 25;
    p->rng ^= p->rng >> 27;
    return p->rng * 2685821657736338717ULL;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    job *j = ctx;
    size_t n = size * nmemb;
    size_t room = sizeof(j->body) - 1 - j->body_len;
    size_t take = n < room ? n : room;
    memcpy(j->body + j->body_len, data, take);
    j->body_len += take;
    j->body[j->body_len] = '\0';
    return n;
}

/* Copies the value of header `name` from `line` into `out` when the line is that header. */
static void take_header(const char *line, size_t n, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') {
        return;
    }
    const char *v = line + nl + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    size_t len = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
    memcpy(out, v, len);
    out[len] = '\0';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    job *j = ctx;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after 100 Continue, say): forget the previous one's headers. */
        j->retry_after[0] = '\0';
        j->content_type[0] = '\0';
        j->body_len = 0;
        j->body[0] = '\0';
    }
    take_header(data, n, "retry-after", j->retry_after, sizeof(j->retry_after));
    take_header(data, n, "content-type", j->content_type, sizeof(j->content_type));
    return n;
}

static CURL *take_easy(http_pub *p)
{
    if (p->n_idle > 0) {
        CURL *e = p->idle[--p->n_idle];
        curl_easy_reset(e);
        return e;
    }
    return curl_easy_init();
}

static void give_easy(http_pub *p, CURL *e)
{
    if (p->n_idle < p->cfg.max_connections) {
        p->idle[p->n_idle++] = e;
    } else {
        curl_easy_cleanup(e);
    }
}

static void enqueue(http_pub *p, job *j)
{
    j->next = NULL;
    if (p->queued_tail != NULL) {
        p->queued_tail->next = j;
    } else {
        p->queued = j;
    }
    p->queued_tail = j;
}

/* Ends a job with its result: queues the next job of its chain and counts the call down. The
 * job and its call may be gone once the lock is released. */
static void job_done(http_pub *p, job *j)
{
    if (j->chain_next != NULL) {
        enqueue(p, j->chain_next);
    }
    pcall *c = j->call;
    pthread_mutex_lock(&p->lock);
    if (--c->remaining == 0) {
        pthread_cond_signal(&c->done);
    }
    pthread_mutex_unlock(&p->lock);
}

static bool start_job(http_pub *p, job *j)
{
    CURL *e = take_easy(p);
    if (e == NULL) {
        eventc_error_set(&j->result, EVENTC_E_NOMEM, NULL, "out of memory (curl handle)");
        return false;
    }
    j->easy = e;
    j->tries++;
    j->status = 0;
    j->retry_after[0] = '\0';
    j->content_type[0] = '\0';
    j->body_len = 0;
    j->body[0] = '\0';
    curl_easy_setopt(e, CURLOPT_URL, j->url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->enc.body != NULL ? j->enc.body : "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->enc.body_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)p->cfg.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)p->cfg.timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_USERAGENT, "eventc-http/" EVENTC_MESSAGING_VERSION_STRING);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(e, CURLOPT_PRIVATE, j);
    if (p->ca_file != NULL) {
        curl_easy_setopt(e, CURLOPT_CAINFO, p->ca_file);
    }
    if (p->ca_path != NULL) {
        curl_easy_setopt(e, CURLOPT_CAPATH, p->ca_path);
    }
    if (p->client_cert != NULL) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, p->client_cert);
    }
    if (p->client_key != NULL) {
        curl_easy_setopt(e, CURLOPT_SSLKEY, p->client_key);
    }
    if (curl_multi_add_handle(p->multi, e) != CURLM_OK) {
        give_easy(p, e);
        j->easy = NULL;
        eventc_error_set(&j->result, EVENTC_E_IO, NULL, "cannot start a request");
        return false;
    }
    p->active++;
    atomic_fetch_add(&p->requests, 1);
    return true;
}

/* The wait before the next try, from Retry-After or the back-off; -1 when Retry-After asks for
 * more than the configuration allows. */
static int64_t retry_delay(http_pub *p, job *j)
{
    if (j->retry_after[0] != '\0') {
        int64_t ms = -2;
        const char *s = j->retry_after;
        if (strspn(s, "0123456789") == strlen(s) && strlen(s) <= 9) {
            ms = strtoll(s, NULL, 10) * 1000;
        } else {
            time_t when = curl_getdate(s, NULL);
            if (when != (time_t)-1) {
                int64_t d = ((int64_t)when - (int64_t)time(NULL)) * 1000;
                ms = d > 0 ? d : 0;
            }
        }
        if (ms >= 0) {
            return ms > (int64_t)p->cfg.retry_after_max_ms ? -1 : ms;
        }
        /* unreadable: fall back to the back-off */
    }
    double wait = (double)p->cfg.backoff_initial_ms;
    for (unsigned i = 1; i < j->tries && wait < (double)p->cfg.backoff_max_ms; i++) {
        wait *= 2;
    }
    if (wait > (double)p->cfg.backoff_max_ms) {
        wait = (double)p->cfg.backoff_max_ms;
    }
    double factor = 0.8 + 0.4 * (double)(next_random(p) >> 11) / 9007199254740992.0;
    return (int64_t)(wait * factor);
}

static void describe(job *j, eventc_status st, const char *fmt, const char *what)
{
    char detail[160];
    snprintf(detail, sizeof(detail), fmt, what);
    eventc_error_set(&j->result, st, NULL, "%s: %s", j->url, detail);
}

/* Reads a final or retryable HTTP answer into j->result; returns whether it may be tried
 * again. */
static bool judge_answer(http_pub *p, job *j)
{
    long s = j->status;
    if (s >= 200 && s < 300) {
        atomic_fetch_add(&p->answered_2xx, 1);
        eventc_error_clear(&j->result);
        return false;
    }
    char title[64] = "", detail[160] = "", path[EVENTC_ERROR_PATH_MAX] = "", rule[48] = "";
    bool problem = strncasecmp(j->content_type, "application/problem+json", 24) == 0;
    if (problem) {
        http_json_string_member(j->body, j->body_len, "title", title, sizeof(title));
        http_json_string_member(j->body, j->body_len, "detail", detail, sizeof(detail));
        http_json_string_member(j->body, j->body_len, "path", path, sizeof(path));
        http_json_string_member(j->body, j->body_len, "rule", rule, sizeof(rule));
    } else if (j->body_len > 0 && strncasecmp(j->content_type, "text/", 5) == 0) {
        snprintf(detail, sizeof(detail), "%.*s", (int)(j->body_len < 150 ? j->body_len : 150),
                 j->body);
        for (char *c = detail; *c; c++) {
            if ((unsigned char)*c < 0x20) {
                *c = ' ';
            }
        }
    }
    eventc_status st;
    bool retry = false;
    if (s >= 500) {
        atomic_fetch_add(&p->answered_5xx, 1);
        st = EVENTC_E_UNAVAILABLE;
        retry = true;
    } else if (s == 408 || s == 429) {
        atomic_fetch_add(&p->answered_4xx, 1);
        st = s == 408 ? EVENTC_E_TIMEOUT : EVENTC_E_FULL;
        retry = true;
    } else if (s >= 400) {
        atomic_fetch_add(&p->answered_4xx, 1);
        if (s == 400) {
            st = http_status_from_rule(rule, EVENTC_E_CLOUDEVENTS);
        } else if (s == 413) {
            st = EVENTC_E_LIMIT;
        } else if (s == 415) {
            st = EVENTC_E_UNSUPPORTED;
        } else {
            st = EVENTC_E_INVALID_ARGUMENT;
        }
    } else {
        st = EVENTC_E_INVALID_ARGUMENT; /* 1xx as final, 3xx: never followed */
    }
    const char *reason = detail[0] != '\0' ? detail : title;
    if (s >= 300 && s < 400) {
        reason = "redirects are not followed";
    }
    eventc_error_set(&j->result, st, path[0] != '\0' ? path : NULL, "HTTP %ld from %s%s%s", s,
                     j->url, reason[0] != '\0' ? ": " : "", reason);
    return retry;
}

/* Reads a transfer without an answer into j->result; returns whether it may be tried again. */
static bool judge_failure(http_pub *p, job *j, CURLcode rc)
{
    atomic_fetch_add(&p->transport_errors, 1);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        describe(j, EVENTC_E_TIMEOUT, "%s", curl_easy_strerror(rc));
        return true;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
        describe(j, EVENTC_E_UNAVAILABLE, "%s", curl_easy_strerror(rc));
        return true;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        describe(j, EVENTC_E_INVALID_ARGUMENT, "%s", curl_easy_strerror(rc));
        return false;
    case CURLE_OUT_OF_MEMORY:
        describe(j, EVENTC_E_NOMEM, "%s", curl_easy_strerror(rc));
        return true;
    default:
        describe(j, EVENTC_E_IO, "%s", curl_easy_strerror(rc));
        return false;
    }
}

static void wait_aside(http_pub *p, job *j)
{
    job **link = &p->waiting;
    while (*link != NULL && (*link)->not_before <= j->not_before) {
        link = &(*link)->next;
    }
    j->next = *link;
    *link = j;
}

static void finish_transfer(http_pub *p, CURL *e, CURLcode rc)
{
    job *j = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&j);
    long connects = 0;
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects);
    if (connects > 0) {
        atomic_fetch_add(&p->connections, (uint64_t)connects);
    }
    bool retry;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &j->status);
        retry = judge_answer(p, j);
    } else {
        retry = judge_failure(p, j, rc);
    }
    curl_multi_remove_handle(p->multi, e);
    give_easy(p, e);
    j->easy = NULL;
    p->active--;
    if (retry && j->tries < p->cfg.max_attempts) {
        int64_t delay = retry_delay(p, j);
        if (delay >= 0) {
            j->not_before = http_mono_ms() + delay;
            atomic_fetch_add(&p->retries, 1);
            wait_aside(p, j);
            return;
        }
        eventc_error_set(&j->result, j->result.code, j->result.path,
                         "%s (Retry-After %s exceeds the %u ms allowed)", j->result.message,
                         j->retry_after, (unsigned)p->cfg.retry_after_max_ms);
    }
    job_done(p, j);
}

static void *io_thread(void *arg)
{
    http_pub *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        job *handed = p->handed;
        p->handed = p->handed_tail = NULL;
        bool closing = p->closing;
        pthread_mutex_unlock(&p->lock);
        while (handed != NULL) {
            job *next = handed->next;
            enqueue(p, handed);
            handed = next;
        }
        int64_t now = http_mono_ms();
        while (p->waiting != NULL && p->waiting->not_before <= now) {
            job *j = p->waiting;
            p->waiting = j->next;
            enqueue(p, j);
        }
        while (p->queued != NULL && p->active < p->cfg.max_connections) {
            job *j = p->queued;
            p->queued = j->next;
            if (p->queued == NULL) {
                p->queued_tail = NULL;
            }
            j->next = NULL;
            if (!start_job(p, j)) {
                job_done(p, j);
            }
        }
        if (closing && p->queued == NULL && p->active == 0 && p->waiting == NULL) {
            break;
        }

        int running = 0;
        curl_multi_perform(p->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(p->multi, &left)) != NULL) {
            if (m->msg == CURLMSG_DONE) {
                finish_transfer(p, m->easy_handle, m->data.result);
            }
        }
        int timeout = 1000;
        if (p->queued != NULL && p->active < p->cfg.max_connections) {
            timeout = 0;
        } else if (p->waiting != NULL) {
            int64_t d = p->waiting->not_before - http_mono_ms();
            timeout = d <= 0 ? 0 : d < timeout ? (int)d : timeout;
        }
        if (timeout > 0) {
            /* curl_multi_wakeup (a publish call, close) ends the wait early. */
            curl_multi_poll(p->multi, NULL, 0, timeout, NULL);
        }
    }
    return NULL;
}

/* ---- publishing ---- */

/* The URL of a message: the template with its topic in place. */
static eventc_status resolve_url(http_pub *p, const char *topic, char **out, eventc_error *err)
{
    if (!p->url_has_topic) {
        *out = NULL; /* the job borrows p->url */
        return EVENTC_OK;
    }
    if (topic == NULL || topic[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic",
                                "no topic, and the URL %s needs one", p->url);
    }
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    const char *at = strstr(p->url, "{topic}");
    eventc_buf_append(&b, p->url, (size_t)(at - p->url));
    http_url_encode(&b, topic);
    eventc_buf_append_str(&b, at + 7);
    *out = eventc_buf_detach(&b, NULL);
    eventc_buf_free(&b);
    if (*out == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    return EVENTC_OK;
}

/* The event a message is sent as: with its key as the partitionkey extension when it has a key
 * and the event has no partitionkey (a copy then, in *own). */
static eventc_status keyed_event(const eventc_message *m, eventc_ce_event *own, bool *copied,
                                 eventc_error *err)
{
    *copied = false;
    if (m->key == NULL || eventc_ce_get_ext(&m->event, "partitionkey") != NULL) {
        return EVENTC_OK;
    }
    eventc_ce_init(own, NULL);
    eventc_status st = eventc_ce_copy(own, &m->event, NULL, err);
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_string(own, "partitionkey", m->key, err);
    }
    if (st != EVENTC_OK) {
        eventc_ce_clear(own);
        return st;
    }
    *copied = true;
    return EVENTC_OK;
}

static eventc_status add_header(struct curl_slist **list, const char *name, const char *value)
{
    size_t nn = strlen(name), nv = strlen(value);
    char *line = malloc(nn + nv + 3);
    if (line == NULL) {
        return EVENTC_E_NOMEM;
    }
    memcpy(line, name, nn);
    line[nn] = ':';
    line[nn + 1] = ' ';
    memcpy(line + nn + 2, value, nv + 1);
    struct curl_slist *l = curl_slist_append(*list, line);
    free(line);
    if (l == NULL) {
        return EVENTC_E_NOMEM;
    }
    *list = l;
    return EVENTC_OK;
}

/* The request headers of a job: the binding's, then credentials and origin. */
static eventc_status job_headers(http_pub *p, job *j, eventc_error *err)
{
    bool has_type = false;
    struct curl_slist *l = NULL;
    eventc_status st = EVENTC_OK;
    for (size_t i = 0; st == EVENTC_OK && i < j->enc.n_headers; i++) {
        const eventc_header *h = &j->enc.headers[i];
        if (strcasecmp(h->name, "content-length") == 0) {
            continue; /* curl writes its own */
        }
        has_type = has_type || strcasecmp(h->name, "content-type") == 0;
        st = add_header(&l, h->name, h->value);
    }
    /* Without a content type (binary mode, no data) curl would claim a form. */
    if (st == EVENTC_OK && !has_type && (l = curl_slist_append(l, "Content-Type:")) == NULL) {
        st = EVENTC_E_NOMEM;
    }
    if (st == EVENTC_OK && p->auth_header != NULL &&
        (l = curl_slist_append(l, p->auth_header)) == NULL) {
        st = EVENTC_E_NOMEM;
    }
    if (st == EVENTC_OK && p->origin_header != NULL &&
        (l = curl_slist_append(l, p->origin_header)) == NULL) {
        st = EVENTC_E_NOMEM;
    }
    if (st != EVENTC_OK) {
        curl_slist_free_all(l);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    j->headers = l;
    return EVENTC_OK;
}

/* The messages of a call, each with the event it is sent as and its URL. */
typedef struct item {
    const eventc_message *m;
    eventc_ce_event own;
    bool copied;
    char *url; /* NULL: p->url */
    eventc_error *outcome;
} item;

static const eventc_ce_event *item_event(const item *it)
{
    return it->copied ? &it->own : &it->m->event;
}

static const char *item_url(http_pub *p, const item *it)
{
    return it->url != NULL ? it->url : p->url;
}

/* Encodes job j over items order[first .. first+count) into its body and headers. */
static eventc_status encode_job(http_pub *p, job *j, item *items, const size_t *order,
                                eventc_error *err)
{
    eventc_ce_message_clear(&j->enc);
    curl_slist_free_all(j->headers);
    j->headers = NULL;
    eventc_status st;
    if (p->cfg.mode == EVENTC_CE_MODE_BATCH) {
        eventc_ce_event *evs = malloc(j->count * sizeof(*evs));
        if (evs == NULL) {
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        for (size_t k = 0; k < j->count; k++) {
            evs[k] = *item_event(&items[order[j->first + k]]);
        }
        st = eventc_ce_http_encode_batch(evs, j->count, &j->enc, err);
        free(evs);
    } else {
        st = eventc_ce_http_encode(item_event(&items[order[j->first]]), p->cfg.mode, &j->enc, err);
    }
    if (st == EVENTC_OK) {
        st = job_headers(p, j, err);
    }
    return st;
}

/* Encodes the batch job at `at`, splitting it while its body is over the byte limit: the second
 * half becomes a new job at the end of `jobs`. */
static eventc_status fit_batch(http_pub *p, job *jobs, size_t *n_jobs, size_t at, item *items,
                               const size_t *order, eventc_error *err)
{
    eventc_status st = encode_job(p, &jobs[at], items, order, err);
    while (st == EVENTC_OK && jobs[at].enc.body_len > p->cfg.batch_max_bytes &&
           jobs[at].count > 1) {
        size_t k = (*n_jobs)++;
        size_t half = jobs[at].count / 2;
        jobs[k].first = jobs[at].first + half;
        jobs[k].count = jobs[at].count - half;
        jobs[k].url = jobs[at].url;
        jobs[at].count = half;
        st = fit_batch(p, jobs, n_jobs, k, items, order, err);
        if (st == EVENTC_OK) {
            st = encode_job(p, &jobs[at], items, order, err);
        }
    }
    return st;
}

static int by_first(const void *a, const void *b)
{
    const job *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static size_t hash_str(size_t h, const char *s)
{
    for (; s != NULL && *s; s++) {
        h ^= (unsigned char)*s;
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

/* Links each sendable job to the next one with the same URL and key (batches: the same URL),
 * through a hash table of the chains' last jobs. */
static eventc_status link_chains(http_pub *p, job *jobs, size_t n_jobs, item *items,
                                 const size_t *order)
{
    bool batch = p->cfg.mode == EVENTC_CE_MODE_BATCH;
    size_t cap = 16;
    while (cap < 2 * n_jobs) {
        cap *= 2;
    }
    job **last = calloc(cap, sizeof(*last));
    if (last == NULL) {
        return EVENTC_E_NOMEM;
    }
    for (size_t i = 0; i < n_jobs; i++) {
        job *j = &jobs[i];
        const char *key = items[order[j->first]].m->key;
        if (j->result.code != EVENTC_OK || (!batch && key == NULL)) {
            continue;
        }
        size_t h = hash_str(hash_str((size_t)14695981039346656037ULL, j->url), batch ? "" : key);
        size_t slot = h & (cap - 1);
        while (last[slot] != NULL) {
            job *o = last[slot];
            const char *okey = items[order[o->first]].m->key;
            if (strcmp(o->url, j->url) == 0 && (batch || strcmp(okey, key) == 0)) {
                o->chain_next = j;
                j->chained = true;
                break;
            }
            slot = (slot + 1) & (cap - 1);
        }
        last[slot] = j;
    }
    free(last);
    return EVENTC_OK;
}

static eventc_status http_publish(eventc_publisher *pub, const char *topic,
                                  const eventc_message *const *msgs, size_t n,
                                  eventc_error *outcomes, eventc_error *err)
{
    http_pub *p = (http_pub *)pub;
    item *items = calloc(n, sizeof(*items));
    eventc_error *res = outcomes != NULL ? outcomes : calloc(n, sizeof(*res));
    size_t *order = calloc(n, sizeof(*order));
    job *jobs = calloc(n, sizeof(*jobs)); /* each job carries one message at least */
    pcall call;
    memset(&call, 0, sizeof(call));
    bool cond = false;
    if (items == NULL || res == NULL || order == NULL || jobs == NULL ||
        !(cond = http_cond_init(&call.done) == 0)) {
        free(items);
        if (res != outcomes) {
            free(res);
        }
        free(order);
        free(jobs);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }

    /* Each message: its URL and the event it is sent as, valid. */
    size_t n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        item *it = &items[i];
        it->m = msgs[i];
        it->outcome = &res[i];
        eventc_error_clear(it->outcome);
        const char *t = topic != NULL ? topic : msgs[i]->topic;
        eventc_status st = resolve_url(p, t, &it->url, it->outcome);
        if (st == EVENTC_OK) {
            st = keyed_event(it->m, &it->own, &it->copied, it->outcome);
        }
        if (st == EVENTC_OK) {
            st = eventc_ce_validate(item_event(it), it->outcome);
        }
        if (st == EVENTC_OK) {
            order[n_ok++] = i;
        }
    }

    /* Jobs: one per message, or runs of messages to one URL in batches. */
    size_t n_jobs = 0;
    for (size_t k = 0; k < n_ok;) {
        job *j = &jobs[n_jobs++];
        j->first = k;
        j->count = 1;
        j->url = item_url(p, &items[order[k]]);
        if (p->cfg.mode == EVENTC_CE_MODE_BATCH) {
            while (k + j->count < n_ok && j->count < p->cfg.batch_max_events &&
                   strcmp(item_url(p, &items[order[k + j->count]]), j->url) == 0) {
                j->count++;
            }
        }
        k += j->count;
    }
    size_t planned = n_jobs;
    for (size_t i = 0; i < planned; i++) {
        job *j = &jobs[i];
        if (p->cfg.mode == EVENTC_CE_MODE_BATCH) {
            fit_batch(p, jobs, &n_jobs, i, items, order, &j->result);
        } else {
            encode_job(p, j, items, order, &j->result);
        }
    }
    qsort(jobs, n_jobs, sizeof(*jobs), by_first);
    eventc_status st = link_chains(p, jobs, n_jobs, items, order);

    /* Hand the first job of every chain over, and wait for every outcome. */
    size_t sent = 0;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; st == EVENTC_OK && i < n_jobs; i++) {
        job *j = &jobs[i];
        if (j->result.code != EVENTC_OK) {
            continue; /* refused by the codec: never sent */
        }
        j->call = &call;
        sent++;
        if (j->chained) {
            continue;
        }
        j->next = NULL;
        if (p->handed_tail != NULL) {
            p->handed_tail->next = j;
        } else {
            p->handed = j;
        }
        p->handed_tail = j;
    }
    call.remaining = st == EVENTC_OK ? sent : 0;
    if (call.remaining > 0) {
        curl_multi_wakeup(p->multi);
    }
    while (call.remaining > 0) {
        pthread_cond_wait(&call.done, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);

    /* Outcomes: every message of a job gets the job's. */
    for (size_t i = 0; i < n_jobs; i++) {
        for (size_t k = 0; k < jobs[i].count; k++) {
            eventc_error *o = items[order[jobs[i].first + k]].outcome;
            if (st != EVENTC_OK) {
                eventc_error_set(o, st, NULL, "out of memory");
            } else {
                *o = jobs[i].result;
            }
        }
        eventc_ce_message_clear(&jobs[i].enc);
        curl_slist_free_all(jobs[i].headers);
    }
    eventc_status first = EVENTC_OK;
    for (size_t i = 0; i < n; i++) {
        if (items[i].copied) {
            eventc_ce_clear(&items[i].own);
        }
        free(items[i].url);
        if (res[i].code != EVENTC_OK && first == EVENTC_OK) {
            first = res[i].code;
            char path[32];
            snprintf(path, sizeof(path), "[%zu]", i);
            char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 8];
            eventc_error_format(&res[i], line, sizeof(line));
            eventc_error_set(err, first, path, "%s", line);
        }
    }
    pthread_cond_destroy(&call.done);
    free(items);
    if (res != outcomes) {
        free(res);
    }
    free(order);
    free(jobs);
    return first;
}

static eventc_status http_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    (void)pub;
    (void)timeout_ms;
    (void)err;
    return EVENTC_OK; /* publish returns once every request has its answer */
}

static void http_pub_close(eventc_publisher *pub)
{
    http_pub *p = (http_pub *)pub;
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    pthread_mutex_unlock(&p->lock);
    curl_multi_wakeup(p->multi);
    pthread_join(p->thread, NULL);
    for (size_t i = 0; i < p->n_idle; i++) {
        curl_easy_cleanup(p->idle[i]);
    }
    p->n_idle = 0;
    curl_multi_cleanup(p->multi);
    pthread_mutex_destroy(&p->lock);
    curl_global_cleanup();
    pub_free(p);
}

static const eventc_publisher_methods http_publisher_methods = {
    EVENTC_PUBLISHER_VERSION, "http", http_publish, http_flush, http_pub_close};

eventc_publisher *eventc_http_publisher_new(const eventc_http_publisher_config *cfg,
                                            eventc_error *err)
{
    eventc_http_publisher_config c = cfg != NULL ? *cfg : eventc_http_publisher_config_default();
    if (check_config(&c, err) != EVENTC_OK) {
        return NULL;
    }
    http_pub *p = calloc(1, sizeof(*p));
    if (p == NULL || !http_copy_config_string(&p->url, c.url) ||
        !http_copy_config_string(&p->token, c.token) ||
        !http_copy_config_string(&p->origin, c.origin) ||
        !http_copy_config_string(&p->ca_file, c.ca_file) ||
        !http_copy_config_string(&p->ca_path, c.ca_path) ||
        !http_copy_config_string(&p->client_cert, c.client_cert) ||
        !http_copy_config_string(&p->client_key, c.client_key) ||
        (c.token != NULL && (p->auth_header = concat("Authorization: Bearer ", c.token)) == NULL) ||
        (c.origin != NULL &&
         (p->origin_header = concat("WebHook-Request-Origin: ", c.origin)) == NULL) ||
        (p->idle = calloc(c.max_connections, sizeof(CURL *))) == NULL) {
        if (p != NULL) {
            pub_free(p);
        }
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    p->base.methods = &http_publisher_methods;
    p->cfg = c;
    p->url_has_topic = strstr(p->url, "{topic}") != NULL;
    p->rng = (uint64_t)(uintptr_t)p ^ (uint64_t)http_mono_ms() ^ 0x9E3779B97F4A7C15ULL;
    if (p->rng == 0) {
        p->rng = 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        pub_free(p);
        eventc_error_set(err, EVENTC_E_IO, NULL, "libcurl cannot be initialised");
        return NULL;
    }
    p->multi = curl_multi_init();
    if (p->multi == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        if (p->multi != NULL) {
            curl_multi_cleanup(p->multi);
        }
        curl_global_cleanup();
        pub_free(p);
        eventc_error_set(err, EVENTC_E_IO, NULL, "libcurl cannot be initialised");
        return NULL;
    }
    curl_multi_setopt(p->multi, CURLMOPT_MAXCONNECTS, (long)c.max_connections);
    if (pthread_create(&p->thread, NULL, io_thread, p) != 0) {
        pthread_mutex_destroy(&p->lock);
        curl_multi_cleanup(p->multi);
        curl_global_cleanup();
        pub_free(p);
        eventc_error_set(err, EVENTC_E_IO, NULL, "cannot start the publisher's thread");
        return NULL;
    }
    return &p->base;
}

eventc_http_publisher_stats eventc_http_publisher_stats_get(eventc_publisher *pub)
{
    eventc_http_publisher_stats s;
    memset(&s, 0, sizeof(s));
    if (pub == NULL || pub->methods != &http_publisher_methods) {
        return s;
    }
    http_pub *p = (http_pub *)pub;
    s.requests = atomic_load(&p->requests);
    s.answered_2xx = atomic_load(&p->answered_2xx);
    s.answered_4xx = atomic_load(&p->answered_4xx);
    s.answered_5xx = atomic_load(&p->answered_5xx);
    s.transport_errors = atomic_load(&p->transport_errors);
    s.retries = atomic_load(&p->retries);
    s.connections = atomic_load(&p->connections);
    return s;
}
