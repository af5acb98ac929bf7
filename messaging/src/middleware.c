/* The built-in middleware (middleware.h): retry, dead letter, deduplicator, timeout, throttle,
 * correlation and filter. Each keeps its configuration in a heap object (`self`) that the
 * middleware's destroy releases; state shared by worker threads is behind a mutex. */
#define _POSIX_C_SOURCE 200809L
#include "eventc/middleware.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef EVENTC_HAVE_CESQL
#include "eventc/cesql.h"
#endif

static char *dup_str(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

static eventc_status nomem(eventc_error *err)
{
    return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
}

/* ---- retry ---- */

typedef struct retry {
    eventc_retry_config cfg;
    pthread_mutex_t lock;
    uint64_t rng;
} retry;

eventc_retry_config eventc_retry_config_default(void)
{
    eventc_retry_config c;
    memset(&c, 0, sizeof(c));
    c.max_attempts = 5;
    c.initial_interval_ms = 100;
    c.multiplier = 2.0;
    c.max_interval_ms = 10000;
    c.jitter = 0.2;
    return c;
}

uint32_t eventc_retry_interval(const eventc_retry_config *cfg, uint32_t attempt)
{
    double wait = cfg->initial_interval_ms;
    for (uint32_t i = 1; i < attempt && wait < cfg->max_interval_ms; i++) {
        wait *= cfg->multiplier;
    }
    if (wait > cfg->max_interval_ms) {
        wait = cfg->max_interval_ms;
    }
    return (uint32_t)wait;
}

/* xorshift64*: a uniform double in [0, 1). */
static double next_unit(retry *r)
{
    pthread_mutex_lock(&r->lock);
    uint64_t x = r->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->rng = x;
    pthread_mutex_unlock(&r->lock);
    return (double)((x * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

static eventc_status retry_handle(void *self, eventc_call *call, eventc_error *err)
{
    retry *r = self;
    for (uint32_t tries = 1;; tries++) {
        size_t mark = eventc_emitter_count(call->out);
        eventc_status st = eventc_call_next(call, err);
        if (st == EVENTC_OK) {
            return st;
        }
        eventc_emitter_truncate(call->out, mark);
        bool retryable = !call->poison &&
                         (r->cfg.retryable != NULL ? r->cfg.retryable(r->cfg.retryable_ctx, st, err)
                                                   : eventc_status_retryable(st));
        if (!retryable) {
            return st;
        }
        if (tries >= r->cfg.max_attempts) {
            call->exhausted = true;
            return st;
        }
        double wait = eventc_retry_interval(&r->cfg, tries);
        if (r->cfg.jitter > 0) {
            wait *= 1.0 - r->cfg.jitter + 2.0 * r->cfg.jitter * next_unit(r);
        }
        if (wait > r->cfg.max_interval_ms) {
            wait = r->cfg.max_interval_ms;
        }
        eventc_clock_sleep(call->clock, (int64_t)wait);
        eventc_error_clear(err);
    }
}

static void retry_destroy(void *self)
{
    retry *r = self;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

eventc_status eventc_retry_middleware(const eventc_retry_config *cfg, eventc_middleware *out,
                                      eventc_error *err)
{
    eventc_retry_config c = cfg != NULL ? *cfg : eventc_retry_config_default();
    if (c.max_attempts == 0 || !(c.multiplier >= 1.0) || !(c.jitter >= 0.0 && c.jitter <= 1.0)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "retry: want max_attempts >= 1, multiplier >= 1, jitter in [0, 1]");
    }
    retry *r = calloc(1, sizeof(*r));
    if (r == NULL || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return nomem(err);
    }
    r->cfg = c;
    r->rng = c.seed != 0 ? c.seed : (uint64_t)eventc_clock_now(NULL) * 2654435761u + 1;
    out->name = "retry";
    out->handle = retry_handle;
    out->self = r;
    out->destroy = retry_destroy;
    return EVENTC_OK;
}

/* ---- dead letter ---- */

typedef struct deadletter {
    eventc_publisher *pub;
    char *topic;
    uint32_t max_deliveries;
} deadletter;

/* Builds the dead letter of `call` failing with `cause` and publishes it. */
static eventc_status dead_letter(deadletter *d, eventc_call *call, const eventc_error *cause,
                                 eventc_error *err)
{
    eventc_message m;
    eventc_message_init(&m, NULL);
    eventc_status st = eventc_ce_copy(&m.event, &call->in->event, NULL, err);
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
    eventc_error_format(cause, line, sizeof(line));
    if (st == EVENTC_OK &&
        eventc_ce_set_ext_string(&m.event, EVENTC_DLQ_REASON, line, NULL) != EVENTC_OK) {
        /* A reason that is not a valid String (a control character): its rule code will do. */
        st = eventc_ce_set_ext_string(&m.event, EVENTC_DLQ_REASON, eventc_status_code(cause->code),
                                      err);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_string(&m.event, EVENTC_DLQ_CODE, eventc_status_code(cause->code),
                                      err);
    }
    if (st == EVENTC_OK && call->topic != NULL) {
        st = eventc_ce_set_ext_string(&m.event, EVENTC_DLQ_TOPIC, call->topic, err);
    }
    if (st == EVENTC_OK && call->handler != NULL) {
        st = eventc_ce_set_ext_string(&m.event, EVENTC_DLQ_HANDLER, call->handler, err);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_integer(
            &m.event, EVENTC_DLQ_ATTEMPTS,
            (int32_t)(call->attempts > INT32_MAX ? INT32_MAX : call->attempts), err);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_integer(
            &m.event, EVENTC_DLQ_DELIVERY,
            (int32_t)(call->in->attempt > INT32_MAX ? INT32_MAX : call->in->attempt), err);
    }
    if (st == EVENTC_OK) {
        st = eventc_message_set_key(&m, call->in->key, err);
    }
    if (st == EVENTC_OK) {
        if (d->topic != NULL) {
            st = eventc_message_set_topic(&m, d->topic, err);
        } else {
            size_t n = strlen(call->topic != NULL ? call->topic : "unknown");
            char *t = malloc(n + sizeof(".deadletter"));
            if (t == NULL) {
                st = nomem(err);
            } else {
                memcpy(t, call->topic != NULL ? call->topic : "unknown", n);
                memcpy(t + n, ".deadletter", sizeof(".deadletter"));
                st = eventc_message_set_topic(&m, t, err);
                free(t);
            }
        }
    }
    if (st == EVENTC_OK) {
        st = eventc_publisher_publish1(d->pub, NULL, &m, err);
    }
    eventc_message_clear(&m);
    return st;
}

static eventc_status deadletter_handle(void *self, eventc_call *call, eventc_error *err)
{
    deadletter *d = self;
    size_t mark = eventc_emitter_count(call->out);
    eventc_status st = eventc_call_next(call, err);
    if (st == EVENTC_OK) {
        return st;
    }
    bool final = call->poison || call->exhausted || call->in->malformed != NULL ||
                 !eventc_status_retryable(st) ||
                 (d->max_deliveries > 0 && call->in->attempt >= d->max_deliveries);
    if (!final) {
        return st;
    }
    eventc_error cause;
    if (err != NULL) {
        cause = *err;
    } else {
        eventc_error_set(&cause, st, NULL, NULL);
    }
    cause.code = st;
    eventc_error perr;
    eventc_error_clear(&perr);
    if (dead_letter(d, call, &cause, &perr) != EVENTC_OK) {
        /* Not dead-lettered: keep the message (nacked) and say why it stayed. */
        eventc_error_set(err, st, cause.path, "%s (and the dead-letter publish failed: %s)",
                         cause.message, perr.message);
        return st;
    }
    /* What the failed handler emitted must not go out with the ack. */
    eventc_emitter_truncate(call->out, mark);
    eventc_error_clear(err);
    return EVENTC_OK;
}

static void deadletter_destroy(void *self)
{
    deadletter *d = self;
    free(d->topic);
    free(d);
}

eventc_status eventc_deadletter_middleware(const eventc_deadletter_config *cfg,
                                           eventc_middleware *out, eventc_error *err)
{
    if (cfg == NULL || cfg->publisher == NULL || (cfg->topic != NULL && cfg->topic[0] == '\0')) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "dead letter: a publisher is required, and a non-empty topic");
    }
    deadletter *d = calloc(1, sizeof(*d));
    if (d == NULL || (cfg->topic != NULL && (d->topic = dup_str(cfg->topic)) == NULL)) {
        free(d);
        return nomem(err);
    }
    d->pub = cfg->publisher;
    d->max_deliveries = cfg->max_deliveries;
    out->name = "deadletter";
    out->handle = deadletter_handle;
    out->self = d;
    out->destroy = deadletter_destroy;
    return EVENTC_OK;
}

/* ---- deduplicator ---- */

typedef struct dedupe {
    eventc_dedupe_store *store;
    char *scope; /* NULL: the handler's name */
    int64_t lease_ms;
    uint32_t busy_delay_ms;
} dedupe;

typedef struct claim {
    eventc_dedupe_store *store;
    uint64_t token;
    size_t len;
    char key[];
} claim;

static void claim_settled(void *ctx, const eventc_call *call, bool handled)
{
    claim *c = ctx;
    (void)call;
    /* A failure here (the lease expired meanwhile) only means a duplicate may be handled
     * again: at-least-once still holds. */
    eventc_status st = handled ? eventc_dedupe_commit(c->store, c->key, c->len, c->token, NULL)
                               : eventc_dedupe_release(c->store, c->key, c->len, c->token, NULL);
    (void)st;
    free(c);
}

static eventc_status dedupe_handle(void *self, eventc_call *call, eventc_error *err)
{
    dedupe *d = self;
    if (call->in->malformed != NULL) {
        return eventc_call_next(call, err);
    }
    eventc_buf key;
    eventc_buf_init(&key, NULL);
    const char *scope = d->scope != NULL ? d->scope : (call->handler ? call->handler : "");
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "%zu:", strlen(scope));
    eventc_status st = eventc_buf_append(&key, prefix, (size_t)n);
    if (st == EVENTC_OK) {
        st = eventc_buf_append_str(&key, scope);
    }
    if (st != EVENTC_OK) {
        eventc_buf_free(&key);
        return nomem(err);
    }
    st = eventc_dedupe_key(&call->in->event, &key, err);
    if (st != EVENTC_OK) {
        eventc_buf_free(&key);
        return st;
    }
    eventc_dedupe_result res;
    uint64_t token = 0;
    st = eventc_dedupe_claim(d->store, key.data, key.len, d->lease_ms, &res, &token, err);
    if (st != EVENTC_OK || res != EVENTC_DEDUPE_CLAIMED) {
        eventc_buf_free(&key);
        if (st != EVENTC_OK) {
            return st;
        }
        if (res == EVENTC_DEDUPE_DONE) {
            return EVENTC_OK; /* handled before: ack it */
        }
        call->nack_delay_ms = d->busy_delay_ms;
        return eventc_error_set(err, EVENTC_E_CONFLICT, NULL,
                                "a duplicate of this message is being handled elsewhere");
    }
    claim *c = malloc(sizeof(*c) + key.len);
    if (c == NULL) {
        eventc_status rs = eventc_dedupe_release(d->store, key.data, key.len, token, NULL);
        (void)rs; /* the lease runs out anyway */
        eventc_buf_free(&key);
        return nomem(err);
    }
    c->store = d->store;
    c->token = token;
    c->len = key.len;
    memcpy(c->key, key.data, key.len);
    eventc_buf_free(&key);
    st = eventc_call_next(call, err);
    if (st != EVENTC_OK) {
        claim_settled(c, call, false);
        return st;
    }
    if (eventc_call_on_settled(call, claim_settled, c) != EVENTC_OK) {
        /* No room to wait for the publish: give the claim back, fail, and be redelivered. */
        claim_settled(c, call, false);
        return eventc_error_set(err, EVENTC_E_LIMIT, NULL, "too many settle callbacks");
    }
    return EVENTC_OK;
}

static void dedupe_destroy(void *self)
{
    dedupe *d = self;
    free(d->scope);
    free(d);
}

eventc_status eventc_dedupe_middleware(const eventc_dedupe_config *cfg, eventc_middleware *out,
                                       eventc_error *err)
{
    if (cfg == NULL || cfg->store == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "dedupe: a store is required");
    }
    dedupe *d = calloc(1, sizeof(*d));
    if (d == NULL || (cfg->scope != NULL && (d->scope = dup_str(cfg->scope)) == NULL)) {
        free(d);
        return nomem(err);
    }
    d->store = cfg->store;
    d->lease_ms = cfg->lease_ms > 0 ? cfg->lease_ms : 60000;
    d->busy_delay_ms = cfg->busy_delay_ms > 0 ? cfg->busy_delay_ms : 1000;
    out->name = "dedupe";
    out->handle = dedupe_handle;
    out->self = d;
    out->destroy = dedupe_destroy;
    return EVENTC_OK;
}

/* ---- timeout ---- */

typedef struct timeout {
    int64_t ms;
} timeout;

static eventc_status timeout_handle(void *self, eventc_call *call, eventc_error *err)
{
    timeout *t = self;
    int64_t saved = call->deadline_ms;
    int64_t start = eventc_clock_now(call->clock);
    call->deadline_ms = start + t->ms;
    size_t mark = eventc_emitter_count(call->out);
    eventc_status st = eventc_call_next(call, err);
    int64_t took = eventc_clock_now(call->clock) - start;
    call->deadline_ms = saved;
    if (st == EVENTC_OK && took > t->ms) {
        eventc_emitter_truncate(call->out, mark);
        st = eventc_error_set(err, EVENTC_E_TIMEOUT, NULL,
                              "the handler took %lld ms, more than its %lld ms", (long long)took,
                              (long long)t->ms);
    }
    return st;
}

eventc_status eventc_timeout_middleware(int64_t timeout_ms, eventc_middleware *out,
                                        eventc_error *err)
{
    if (timeout_ms <= 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "timeout must be > 0");
    }
    timeout *t = malloc(sizeof(*t));
    if (t == NULL) {
        return nomem(err);
    }
    t->ms = timeout_ms;
    out->name = "timeout";
    out->handle = timeout_handle;
    out->self = t;
    out->destroy = free;
    return EVENTC_OK;
}

/* ---- throttle: a token bucket ---- */

typedef struct throttle {
    pthread_mutex_t lock;
    double per_ms, tokens, burst;
    int64_t last;
    bool started;
    const eventc_clock *clock;
} throttle;

static eventc_status throttle_handle(void *self, eventc_call *call, eventc_error *err)
{
    throttle *t = self;
    const eventc_clock *clock = t->clock != NULL ? t->clock : call->clock;
    pthread_mutex_lock(&t->lock);
    int64_t now = eventc_clock_now(clock);
    if (!t->started) {
        t->started = true;
        t->last = now;
    }
    if (now > t->last) {
        t->tokens += (double)(now - t->last) * t->per_ms;
        if (t->tokens > t->burst) {
            t->tokens = t->burst;
        }
        t->last = now;
    }
    /* Take a token, going into debt if there is none: the debt is this message's wait, so
     * concurrent waiters queue up one interval apart. */
    t->tokens -= 1.0;
    int64_t wait = t->tokens < 0 ? (int64_t)ceil(-t->tokens / t->per_ms) : 0;
    pthread_mutex_unlock(&t->lock);
    eventc_clock_sleep(clock, wait);
    return eventc_call_next(call, err);
}

static void throttle_destroy(void *self)
{
    throttle *t = self;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

eventc_status eventc_throttle_middleware(double per_second, uint32_t burst,
                                         const eventc_clock *clock, eventc_middleware *out,
                                         eventc_error *err)
{
    if (!(per_second > 0)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "throttle: rate must be > 0");
    }
    throttle *t = calloc(1, sizeof(*t));
    if (t == NULL || pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t);
        return nomem(err);
    }
    t->per_ms = per_second / 1000.0;
    t->burst = burst > 0 ? burst : 1;
    t->tokens = t->burst;
    t->clock = clock;
    out->name = "throttle";
    out->handle = throttle_handle;
    out->self = t;
    out->destroy = throttle_destroy;
    return EVENTC_OK;
}

/* ---- correlation ---- */

static eventc_status copy_ext(eventc_ce_event *to, const eventc_ce_event *from, const char *name,
                              eventc_error *err)
{
    const eventc_ce_value *v = eventc_ce_get_ext(from, name);
    if (v == NULL || eventc_ce_get_ext(to, name) != NULL) {
        return EVENTC_OK;
    }
    return eventc_ce_set_ext(to, name, v, err);
}

static eventc_status correlation_handle(void *self, eventc_call *call, eventc_error *err)
{
    (void)self;
    size_t mark = eventc_emitter_count(call->out);
    eventc_status st = eventc_call_next(call, err);
    if (st != EVENTC_OK || call->in->malformed != NULL) {
        return st;
    }
    const eventc_ce_event *in = &call->in->event;
    size_t n = eventc_emitter_count(call->out);
    for (size_t i = mark; i < n && st == EVENTC_OK; i++) {
        eventc_ce_event *ev = &eventc_emitter_get(call->out, i)->event;
        if (eventc_ce_get_ext(ev, EVENTC_CORRELATION_ID) == NULL) {
            if (eventc_ce_get_ext(in, EVENTC_CORRELATION_ID) != NULL) {
                st = copy_ext(ev, in, EVENTC_CORRELATION_ID, err);
            } else if (in->id != NULL) {
                st = eventc_ce_set_ext_string(ev, EVENTC_CORRELATION_ID, in->id, err);
            }
        }
        if (st == EVENTC_OK && in->id != NULL &&
            eventc_ce_get_ext(ev, EVENTC_CAUSATION_ID) == NULL) {
            st = eventc_ce_set_ext_string(ev, EVENTC_CAUSATION_ID, in->id, err);
        }
        if (st == EVENTC_OK) {
            st = copy_ext(ev, in, "traceparent", err);
        }
        if (st == EVENTC_OK) {
            st = copy_ext(ev, in, "tracestate", err);
        }
    }
    return st;
}

eventc_status eventc_correlation_middleware(eventc_middleware *out, eventc_error *err)
{
    (void)err;
    out->name = "correlation";
    out->handle = correlation_handle;
    out->self = NULL;
    out->destroy = NULL;
    return EVENTC_OK;
}

/* ---- filter ---- */

#ifdef EVENTC_HAVE_CESQL
static eventc_status filter_handle(void *self, eventc_call *call, eventc_error *err)
{
    if (call->in->malformed == NULL && !eventc_cesql_matches(self, &call->in->event)) {
        return EVENTC_OK; /* not for this subscription: ack without handling */
    }
    return eventc_call_next(call, err);
}

static void filter_destroy(void *self)
{
    eventc_cesql_free(self);
}
#endif

eventc_status eventc_filter_middleware(const char *expression, eventc_middleware *out,
                                       eventc_error *err)
{
    if (expression == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "filter: no expression");
    }
#ifdef EVENTC_HAVE_CESQL
    eventc_cesql *q = NULL;
    eventc_status st = eventc_cesql_compile(expression, strlen(expression), &q, err);
    if (st != EVENTC_OK) {
        return st;
    }
    out->name = "filter";
    out->handle = filter_handle;
    out->self = q;
    out->destroy = filter_destroy;
    return EVENTC_OK;
#else
    (void)out;
    return eventc_error_set(err, EVENTC_E_UNSUPPORTED, NULL,
                            "filter: built without the CloudEvents SQL engine");
#endif
}
