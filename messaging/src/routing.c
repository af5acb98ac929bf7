/* Routing of events to topics and keys, and the built-in CloudEvents codecs. */
#include "eventc/messaging.h"

#include <stdlib.h>
#include <string.h>

typedef struct rule {
    char *match;
    char *topic;
    char *key_attribute;
    size_t prefix_len; /* 0 for an exact match or "*" */
    int kind;          /* 0 exact, 1 prefix, 2 everything */
} rule;

struct eventc_routing {
    rule *rules;
    size_t n, cap;
};

eventc_routing *eventc_routing_new(void)
{
    return calloc(1, sizeof(eventc_routing));
}

static char *dup_or_null(const char *s, bool *failed)
{
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p == NULL) {
        *failed = true;
        return NULL;
    }
    memcpy(p, s, n);
    return p;
}

static void rule_free(rule *r)
{
    free(r->match);
    free(r->topic);
    free(r->key_attribute);
}

eventc_status eventc_routing_add(eventc_routing *r, const eventc_route *route, eventc_error *err)
{
    if (r == NULL || route == NULL || route->match == NULL || route->match[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "match", "empty route match");
    }
    if (route->topic != NULL && route->topic[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic", "empty route topic");
    }
    rule nr;
    bool failed = false;
    memset(&nr, 0, sizeof(nr));
    nr.match = dup_or_null(route->match, &failed);
    nr.topic = dup_or_null(route->topic, &failed);
    nr.key_attribute = dup_or_null(route->key_attribute, &failed);
    if (failed) {
        rule_free(&nr);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    size_t len = strlen(nr.match);
    if (strcmp(nr.match, "*") == 0) {
        nr.kind = 2;
    } else if (nr.match[len - 1] == '*') {
        nr.kind = 1;
        nr.prefix_len = len - 1;
    } else if (nr.match[len - 1] == '.') {
        nr.kind = 1;
        nr.prefix_len = len;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->rules[i].match, nr.match) == 0) {
            rule_free(&r->rules[i]);
            r->rules[i] = nr;
            return EVENTC_OK;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        rule *grown = realloc(r->rules, cap * sizeof(rule));
        if (grown == NULL) {
            rule_free(&nr);
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        r->rules = grown;
        r->cap = cap;
    }
    r->rules[r->n++] = nr;
    return EVENTC_OK;
}

void eventc_routing_free(eventc_routing *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        rule_free(&r->rules[i]);
    }
    free(r->rules);
    free(r);
}

/* The most specific rule for `type`: exact, then the longest prefix, then "*". */
static const rule *find_rule(const eventc_routing *r, const char *type)
{
    const rule *best = NULL;
    if (r == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        const rule *c = &r->rules[i];
        if (c->kind == 0) {
            if (strcmp(c->match, type) == 0) {
                return c;
            }
        } else if (c->kind == 1) {
            if (strncmp(c->match, type, c->prefix_len) == 0 &&
                (best == NULL || best->kind == 2 || c->prefix_len > best->prefix_len)) {
                best = c;
            }
        } else if (best == NULL) {
            best = c;
        }
    }
    return best;
}

static eventc_status default_topic(const char *type, eventc_buf *topic)
{
    const char *dot = strrchr(type, '.');
    size_t n = dot != NULL && dot != type ? (size_t)(dot - type) : strlen(type);
    for (size_t i = 0; i < n; i++) {
        char c = type[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (eventc_buf_putc(topic, c) != EVENTC_OK) {
            return EVENTC_E_NOMEM;
        }
    }
    return EVENTC_OK;
}

eventc_status eventc_routing_resolve(const eventc_routing *r, const eventc_ce_event *ev,
                                     eventc_buf *topic, eventc_buf *key, bool *has_key,
                                     eventc_error *err)
{
    *has_key = false;
    if (ev == NULL || ev->type == NULL || ev->type[0] == '\0') {
        return eventc_error_set(err, EVENTC_E_REQUIRED, "type",
                                "the event has no type to route by");
    }
    const rule *rl = find_rule(r, ev->type);
    eventc_status st;
    if (rl != NULL && rl->topic != NULL) {
        st = eventc_buf_append_str(topic, rl->topic);
    } else {
        st = default_topic(ev->type, topic);
    }
    if (st != EVENTC_OK) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    size_t before = key->len;
    if (rl != NULL && rl->key_attribute != NULL) {
        if (rl->key_attribute[0] == '\0') {
            return EVENTC_OK;
        }
        st = eventc_ce_get_attr(ev, rl->key_attribute, key);
    } else {
        st = eventc_ce_get_attr(ev, "partitionkey", key);
        if (st == EVENTC_E_REQUIRED) {
            st = eventc_ce_get_attr(ev, "subject", key);
        }
    }
    if (st == EVENTC_OK) {
        *has_key = true;
        return EVENTC_OK;
    }
    key->len = before;
    if (st == EVENTC_E_REQUIRED) {
        return EVENTC_OK;
    }
    return eventc_error_set(err, st, NULL, "cannot read the key attribute");
}

eventc_status eventc_routing_apply(const eventc_routing *r, eventc_message *m, eventc_error *err)
{
    if (m->topic != NULL && m->key != NULL) {
        return EVENTC_OK;
    }
    eventc_buf topic, key;
    bool has_key;
    eventc_buf_init(&topic, NULL);
    eventc_buf_init(&key, NULL);
    eventc_status st = eventc_routing_resolve(r, &m->event, &topic, &key, &has_key, err);
    if (st == EVENTC_OK && m->topic == NULL) {
        st = eventc_message_set_topic(m, eventc_buf_cstr(&topic), err);
    }
    if (st == EVENTC_OK && m->key == NULL && has_key) {
        st = eventc_message_set_key(m, eventc_buf_cstr(&key), err);
    }
    eventc_buf_free(&topic);
    eventc_buf_free(&key);
    return st;
}

/* ---- codecs ---- */

static eventc_status http_encode(const eventc_ce_codec *c, const eventc_ce_event *ev,
                                 eventc_ce_message *out, eventc_error *err)
{
    return eventc_ce_http_encode(ev, c->mode, out, err);
}

static eventc_status http_decode(const eventc_ce_codec *c, eventc_ce_event *ev,
                                 const eventc_ce_message *in, const eventc_ce_options *opts,
                                 eventc_error *err)
{
    (void)c;
    return eventc_ce_http_decode(ev, in->headers, in->n_headers, in->body, in->body_len, opts, err);
}

static eventc_status kafka_encode(const eventc_ce_codec *c, const eventc_ce_event *ev,
                                  eventc_ce_message *out, eventc_error *err)
{
    return eventc_ce_kafka_encode(ev, c->mode, out, err);
}

static eventc_status kafka_decode(const eventc_ce_codec *c, eventc_ce_event *ev,
                                  const eventc_ce_message *in, const eventc_ce_options *opts,
                                  eventc_error *err)
{
    (void)c;
    return eventc_ce_kafka_decode(ev, in->headers, in->n_headers, in->key, in->key_len, in->body,
                                  in->body_len, opts, err);
}

static eventc_status nats_encode(const eventc_ce_codec *c, const eventc_ce_event *ev,
                                 eventc_ce_message *out, eventc_error *err)
{
    return eventc_ce_nats_encode(ev, c->mode, out, err);
}

static eventc_status nats_decode(const eventc_ce_codec *c, eventc_ce_event *ev,
                                 const eventc_ce_message *in, const eventc_ce_options *opts,
                                 eventc_error *err)
{
    (void)c;
    return eventc_ce_nats_decode(ev, in->headers, in->n_headers, in->body, in->body_len, opts, err);
}

/* The JSON format alone: the body is the event; the message's arena holds the text. */
static eventc_status json_encode(const eventc_ce_codec *c, const eventc_ce_event *ev,
                                 eventc_ce_message *out, eventc_error *err)
{
    (void)c;
    eventc_ce_message_clear(out);
    eventc_buf buf;
    eventc_buf_init(&buf, NULL);
    eventc_status st = eventc_ce_to_json(ev, &buf, err);
    if (st == EVENTC_OK) {
        eventc_arena *arena = eventc_alloc(out->alloc_, sizeof(eventc_arena));
        char *body = NULL;
        if (arena != NULL) {
            eventc_arena_init(arena, out->alloc_);
            body = eventc_arena_strndup(arena, buf.data, buf.len);
        }
        if (body == NULL) {
            if (arena != NULL) {
                eventc_arena_free(arena);
                eventc_free(out->alloc_, arena, sizeof(eventc_arena));
            }
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        } else {
            out->arena_ = arena;
            out->body = body;
            out->body_len = buf.len;
        }
    }
    eventc_buf_free(&buf);
    return st;
}

static eventc_status json_decode(const eventc_ce_codec *c, eventc_ce_event *ev,
                                 const eventc_ce_message *in, const eventc_ce_options *opts,
                                 eventc_error *err)
{
    (void)c;
    if (in->body == NULL) {
        eventc_ce_clear(ev);
        return eventc_error_set(err, EVENTC_E_REQUIRED, "body", "no body");
    }
    return eventc_ce_from_json(ev, in->body, in->body_len, opts, err);
}

static const eventc_ce_codec codecs[] = {
    {EVENTC_CE_CODEC_VERSION, "http-binary", EVENTC_CE_MODE_BINARY, http_encode, http_decode, NULL},
    {EVENTC_CE_CODEC_VERSION, "http-structured", EVENTC_CE_MODE_STRUCTURED, http_encode,
     http_decode, NULL},
    {EVENTC_CE_CODEC_VERSION, "kafka-binary", EVENTC_CE_MODE_BINARY, kafka_encode, kafka_decode,
     NULL},
    {EVENTC_CE_CODEC_VERSION, "kafka-structured", EVENTC_CE_MODE_STRUCTURED, kafka_encode,
     kafka_decode, NULL},
    {EVENTC_CE_CODEC_VERSION, "json", EVENTC_CE_MODE_STRUCTURED, json_encode, json_decode, NULL},
    {EVENTC_CE_CODEC_VERSION, "nats-binary", EVENTC_CE_MODE_BINARY, nats_encode, nats_decode, NULL},
    {EVENTC_CE_CODEC_VERSION, "nats-structured", EVENTC_CE_MODE_STRUCTURED, nats_encode,
     nats_decode, NULL},
};

const eventc_ce_codec *eventc_ce_codec_http(eventc_ce_mode mode)
{
    return mode == EVENTC_CE_MODE_BINARY ? &codecs[0] : &codecs[1];
}

const eventc_ce_codec *eventc_ce_codec_kafka(eventc_ce_mode mode)
{
    return mode == EVENTC_CE_MODE_BINARY ? &codecs[2] : &codecs[3];
}

const eventc_ce_codec *eventc_ce_codec_json(void)
{
    return &codecs[4];
}

const eventc_ce_codec *eventc_ce_codec_nats(eventc_ce_mode mode)
{
    return mode == EVENTC_CE_MODE_BINARY ? &codecs[5] : &codecs[6];
}
