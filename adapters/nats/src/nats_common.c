/* The configuration, connections and errors shared by the NATS publisher and subscriber, and the
 * names of streams and partitions. */
#define _POSIX_C_SOURCE 200809L
#include "nats_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

eventc_nats_config eventc_nats_config_default(void)
{
    eventc_nats_config c;
    memset(&c, 0, sizeof(c));
    c.connect_timeout_ms = 2000;
    c.reconnect_wait_ms = 100;
    c.partitions = 8;
    c.replicas = 1;
    c.duplicate_window_ms = 120000;
    c.publish_timeout_ms = 30000;
    c.ack_timeout_ms = 5000;
    c.max_pending = 4096;
    c.ack_wait_ms = 30000;
    c.max_ack_pending = 1024;
    return c;
}

char *nats_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL) {
        memcpy(copy, s, n);
    }
    return copy;
}

void nats_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &ca);
    pthread_condattr_destroy(&ca);
}

eventc_status nats_conf_copy(nats_conf *out, const eventc_nats_config *in, eventc_error *err)
{
    memset(out, 0, sizeof(*out));
    if (in == NULL || in->url == NULL || in->url[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "url", "a server URL is required");
    }
    if (in->partitions > NATS_MAX_PARTITIONS) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "partitions",
                                "%u partitions: at most %d", in->partitions, NATS_MAX_PARTITIONS);
    }
    if (in->codec != NULL && in->codec->version < 1) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "codec", "codec of version %d",
                                in->codec->version);
    }
    if (in->max_deliver < 0 || in->max_deliver == 1) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "max_deliver",
                                "max_deliver %d: 0 (no limit) or at least 2, so that a message "
                                "is delivered again at least once",
                                in->max_deliver);
    }
    if (in->n_topics > 0 && in->topics == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topics", "NULL topics");
    }
    out->cfg = *in;
    eventc_nats_config d = eventc_nats_config_default();
    eventc_nats_config *c = &out->cfg;
    if (c->codec == NULL) {
        c->codec = eventc_ce_codec_nats(EVENTC_CE_MODE_BINARY);
    }
    if (c->connect_timeout_ms <= 0) {
        c->connect_timeout_ms = d.connect_timeout_ms;
    }
    if (c->reconnect_wait_ms <= 0) {
        c->reconnect_wait_ms = d.reconnect_wait_ms;
    }
    if (c->replicas <= 0) {
        c->replicas = d.replicas;
    }
    if (c->duplicate_window_ms <= 0) {
        c->duplicate_window_ms = d.duplicate_window_ms;
    }
    if (c->publish_timeout_ms <= 0) {
        c->publish_timeout_ms = d.publish_timeout_ms;
    }
    if (c->ack_timeout_ms <= 0) {
        c->ack_timeout_ms = d.ack_timeout_ms;
    }
    if (c->max_pending == 0) {
        c->max_pending = d.max_pending;
    }
    if (c->ack_wait_ms <= 0) {
        c->ack_wait_ms = d.ack_wait_ms;
    }
    if (c->max_ack_pending == 0) {
        c->max_ack_pending = d.max_ack_pending;
    }
    out->decode = in->decode != NULL ? *in->decode : eventc_ce_options_default();
    c->decode = &out->decode;
    c->topics = NULL; /* borrowed for the constructor only */
    c->n_topics = 0;
    out->url = nats_strdup(in->url);
    out->name = in->name != NULL ? nats_strdup(in->name) : NULL;
    if (out->url == NULL || (in->name != NULL && out->name == NULL)) {
        nats_conf_free(out);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    c->url = out->url;
    c->name = out->name;
    return EVENTC_OK;
}

void nats_conf_free(nats_conf *c)
{
    free(c->url);
    free(c->name);
    c->url = c->name = NULL;
}

bool nats_transient(natsStatus s)
{
    switch (s) {
    case NATS_TIMEOUT:
    case NATS_NO_RESPONDERS:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_IO_ERROR:
    case NATS_NO_SERVER:
    case NATS_STALE_CONNECTION:
    case NATS_INSUFFICIENT_BUFFER:
    case NATS_SLOW_CONSUMER:
        return true;
    default:
        return false;
    }
}

eventc_status nats_fail(eventc_error *err, natsStatus s, const char *what)
{
    eventc_status st;
    if (s == NATS_NO_MEMORY) {
        st = EVENTC_E_NOMEM;
    } else if (s == NATS_MAX_PAYLOAD) {
        st = EVENTC_E_LIMIT;
    } else if (nats_transient(s)) {
        st = EVENTC_E_UNAVAILABLE;
    } else {
        st = EVENTC_E_IO;
    }
    const char *text = nats_GetLastError(NULL);
    if (text == NULL || text[0] == '\0') {
        text = natsStatus_GetText(s);
    }
    /* The client prefixes its messages with "(file.c:line): ". */
    if (text[0] == '(') {
        const char *close = strstr(text, "): ");
        if (close != NULL && close - text < 40) {
            text = close + 3;
        }
    }
    return eventc_error_set(err, st, NULL, "%s: %s", what, text);
}

eventc_status nats_connect(const nats_conf *c, bool reconnect, natsConnection **out,
                           eventc_error *err)
{
    natsOptions *opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    *out = NULL;
    if (s == NATS_OK) {
        s = natsOptions_SetURL(opts, c->cfg.url);
    }
    if (s == NATS_OK && c->cfg.name != NULL) {
        s = natsOptions_SetName(opts, c->cfg.name);
    }
    if (s == NATS_OK) {
        s = natsOptions_SetTimeout(opts, c->cfg.connect_timeout_ms);
    }
    if (s == NATS_OK) {
        s = natsOptions_SetAllowReconnect(opts, reconnect);
    }
    if (s == NATS_OK && reconnect) {
        s = natsOptions_SetMaxReconnect(opts, -1);
    }
    if (s == NATS_OK) {
        s = natsOptions_SetReconnectWait(opts, c->cfg.reconnect_wait_ms);
    }
    if (s == NATS_OK) {
        s = natsConnection_Connect(out, opts);
    }
    natsOptions_Destroy(opts);
    if (s != NATS_OK) {
        *out = NULL;
        char what[300];
        snprintf(what, sizeof(what), "cannot connect to %s", c->cfg.url);
        eventc_status st = nats_fail(err, s, what);
        if (st == EVENTC_E_IO && (s == NATS_INVALID_ARG || s == NATS_ERR)) {
            err->code = EVENTC_E_INVALID_ARGUMENT;
            return EVENTC_E_INVALID_ARGUMENT;
        }
        return st;
    }
    return EVENTC_OK;
}

/* A topic is a subject without wildcards: tokens of printable ASCII but `*` and `>`, separated
 * by single dots. */
static bool valid_topic(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || t[0] == '.' || t[n - 1] == '.') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (ch <= 0x20 || ch >= 0x7f || ch == '*' || ch == '>') {
            return false;
        }
        if (ch == '.' && t[i + 1] == '.') {
            return false;
        }
    }
    return true;
}

eventc_status eventc_nats_stream_name(const char *topic, char *out, size_t cap, eventc_error *err)
{
    if (topic == NULL || !valid_topic(topic)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic",
                                "\"%s\" is no NATS subject: printable ASCII without white space, "
                                "'*' or '>', tokens separated by single dots",
                                topic != NULL ? topic : "(null)");
    }
    size_t n = strlen(topic);
    if (out == NULL || n + 1 > cap) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic",
                                "topic of %zu characters is too long for a stream name", n);
    }
    for (size_t i = 0; i < n; i++) {
        char ch = topic[i];
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        out[i] = keep ? ch : '_';
    }
    out[n] = '\0';
    return EVENTC_OK;
}

unsigned eventc_nats_partition(const char *key, size_t len, unsigned partitions)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return partitions == 0 ? 0 : (unsigned)(h % partitions);
}

eventc_status nats_durable_name(const char *group, const nats_stream *st, unsigned i, char *out,
                                size_t cap, eventc_error *err)
{
    size_t n = strlen(group);
    if (n == 0 || n + 8 > cap) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "group",
                                "a group name of 1 to %zu characters is required", cap - 8);
    }
    for (size_t k = 0; k < n; k++) {
        char ch = group[k];
        unsigned char u = (unsigned char)ch;
        /* Consumer names are subject tokens and file names on the server. */
        out[k] = (u <= 0x20 || u >= 0x7f || ch == '.' || ch == '*' || ch == '>' || ch == '/' ||
                  ch == '\\')
                     ? '_'
                     : ch;
    }
    if (st->partitions > 0) {
        snprintf(out + n, cap - n, "_%u", i);
    } else {
        out[n] = '\0';
    }
    return EVENTC_OK;
}

/* Reads a decimal token ending at end (exclusive). */
static bool read_uint(const char *s, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    if (s == end) {
        return false;
    }
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

bool nats_ack_meta(const char *reply, uint64_t *delivered, uint64_t *stream_seq,
                   const char **consumer, size_t *consumer_len)
{
    static const char prefix[] = "$JS.ACK.";
    const char *tok[16];
    size_t n = 0;
    if (reply == NULL || strncmp(reply, prefix, sizeof(prefix) - 1) != 0) {
        return false;
    }
    const char *p = reply + sizeof(prefix) - 1;
    tok[n++] = p;
    for (; *p; p++) {
        if (*p == '.') {
            if (n == 16) {
                return false;
            }
            tok[n++] = p + 1;
        }
    }
    /* v1: <stream>.<consumer>.<delivered>.<sseq>.<cseq>.<time>.<pending> (7 tokens after the
     * prefix); v2 adds <domain>.<account hash> in front and may add a random token at the end
     * (9 or more). */
    size_t first;
    if (n == 7) {
        first = 0;
    } else if (n >= 9) {
        first = 2;
    } else {
        return false;
    }
    uint64_t dv, sv;
    if (!read_uint(tok[first + 2], tok[first + 3] - 1, &dv) ||
        !read_uint(tok[first + 3], tok[first + 4] - 1, &sv)) {
        return false;
    }
    if (delivered != NULL) {
        *delivered = dv;
    }
    if (stream_seq != NULL) {
        *stream_seq = sv;
    }
    if (consumer != NULL) {
        *consumer = tok[first + 1];
        *consumer_len = (size_t)(tok[first + 2] - 1 - tok[first + 1]);
    }
    return true;
}
