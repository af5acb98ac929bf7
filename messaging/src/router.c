/* The router (router.h): the emitter, the middleware chain, and the workers that fetch, run the
 * chain, publish follow-ups and settle. */
#define _POSIX_C_SOURCE 200809L
#include "eventc/router.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- emitter ---- */

struct eventc_emitter {
    eventc_message *msgs;
    size_t n, cap;
    const eventc_routing *routing;
};

eventc_emitter *eventc_emitter_new(const eventc_routing *routing)
{
    eventc_emitter *out = calloc(1, sizeof(*out));
    if (out != NULL) {
        out->routing = routing;
    }
    return out;
}

void eventc_emitter_truncate(eventc_emitter *out, size_t count)
{
    while (out->n > count) {
        eventc_message_clear(&out->msgs[--out->n]);
    }
}

void eventc_emitter_free(eventc_emitter *out)
{
    if (out == NULL) {
        return;
    }
    eventc_emitter_truncate(out, 0);
    free(out->msgs);
    free(out);
}

size_t eventc_emitter_count(const eventc_emitter *out)
{
    return out->n;
}

eventc_message *eventc_emitter_get(eventc_emitter *out, size_t i)
{
    return i < out->n ? &out->msgs[i] : NULL;
}

/* Appends an empty message; NULL when out of memory. */
static eventc_message *emitter_push(eventc_emitter *out)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 4;
        eventc_message *grown = realloc(out->msgs, cap * sizeof(*grown));
        if (grown == NULL) {
            return NULL;
        }
        out->msgs = grown;
        out->cap = cap;
    }
    eventc_message *m = &out->msgs[out->n++];
    eventc_message_init(m, NULL);
    return m;
}

static eventc_status emit_finish(eventc_emitter *out, eventc_message *m, const char *topic,
                                 const char *key, eventc_error *err)
{
    eventc_status st = eventc_message_set_topic(m, topic, err);
    if (st == EVENTC_OK) {
        st = eventc_message_set_key(m, key, err);
    }
    if (st == EVENTC_OK) {
        st = eventc_routing_apply(out->routing, m, err);
    }
    if (st != EVENTC_OK) {
        eventc_message_clear(m);
        out->n--;
    }
    return st;
}

eventc_status eventc_emit(eventc_emitter *out, const char *topic, const char *key,
                          const eventc_ce_event *ev, eventc_error *err)
{
    if (out == NULL || ev == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "nothing to emit");
    }
    eventc_message *m = emitter_push(out);
    if (m == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_status st = eventc_ce_copy(&m->event, ev, NULL, err);
    if (st != EVENTC_OK) {
        eventc_message_clear(m);
        out->n--;
        return st;
    }
    return emit_finish(out, m, topic, key, err);
}

eventc_status eventc_emit_move(eventc_emitter *out, const char *topic, const char *key,
                               eventc_ce_event *ev, eventc_error *err)
{
    if (out == NULL || ev == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "nothing to emit");
    }
    eventc_message *m = emitter_push(out);
    if (m == NULL) {
        eventc_ce_clear(ev);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    m->event = *ev;
    m->alloc_ = ev->alloc_;
    eventc_ce_init(ev, ev->alloc_);
    return emit_finish(out, m, topic, key, err);
}

/* ---- the chain ---- */

typedef struct chain {
    const eventc_middleware *const *mw;
    size_t n;
    eventc_handler_fn fn;
    void *ctx;
} chain;

void eventc_call_init(eventc_call *call, const eventc_message *in, eventc_emitter *out,
                      const char *handler, const char *topic, const char *group,
                      const eventc_clock *clock)
{
    memset(call, 0, sizeof(*call));
    call->in = in;
    call->out = out;
    call->handler = handler;
    call->topic = topic;
    call->group = group;
    call->clock = clock;
}

eventc_status eventc_call_next(eventc_call *call, eventc_error *err)
{
    const chain *c = call->chain_;
    size_t pos = call->pos_;
    eventc_status st;
    if (pos < c->n) {
        const eventc_middleware *mw = c->mw[pos];
        call->pos_ = pos + 1;
        st = mw->handle(mw->self, call, err);
        call->pos_ = pos;
        return st;
    }
    if (call->in->malformed != NULL) {
        /* Never hand a stand-in event to the handler. */
        call->poison = true;
        if (err != NULL) {
            *err = *call->in->malformed;
        }
        return call->in->malformed->code != EVENTC_OK ? call->in->malformed->code
                                                      : EVENTC_E_CLOUDEVENTS;
    }
    call->attempts++;
    st = c->fn(call->in, call->out, c->ctx, err);
    if (st != EVENTC_OK && err != NULL && err->code == EVENTC_OK) {
        err->code = st;
    }
    return st;
}

eventc_status eventc_call_on_settled(eventc_call *call, eventc_settled_fn fn, void *ctx)
{
    if (call->n_settled_ == EVENTC_CALL_MAX_SETTLED) {
        return EVENTC_E_LIMIT;
    }
    call->settled_fn_[call->n_settled_] = fn;
    call->settled_ctx_[call->n_settled_] = ctx;
    call->n_settled_++;
    return EVENTC_OK;
}

void eventc_call_settle(eventc_call *call, bool handled)
{
    while (call->n_settled_ > 0) {
        call->n_settled_--;
        call->settled_fn_[call->n_settled_](call->settled_ctx_[call->n_settled_], call, handled);
    }
}

eventc_status eventc_chain_run(const eventc_middleware *const *mw, size_t n_mw,
                               eventc_handler_fn fn, void *ctx, eventc_call *call,
                               eventc_error *err)
{
    chain c = {mw, n_mw, fn, ctx};
    call->chain_ = &c;
    call->pos_ = 0;
    eventc_status st = eventc_call_next(call, err);
    call->chain_ = NULL;
    return st;
}

void eventc_middleware_destroy(eventc_middleware *mw)
{
    if (mw != NULL && mw->destroy != NULL) {
        mw->destroy(mw->self);
        mw->destroy = NULL;
        mw->self = NULL;
    }
}

/* ---- the router ---- */

typedef struct handler {
    char *name, *topic, *group;
    eventc_subscriber *sub;
    eventc_publisher *pub;
    eventc_handler_fn fn;
    void *ctx;
    eventc_middleware *own; /* the handler's middleware */
    size_t n_own;
    const eventc_middleware **chain; /* global then own */
    size_t n_chain;
    unsigned workers;
    size_t batch;
    uint32_t nack_delay_ms;
    atomic_bool closed; /* its subscriber reported CLOSED */
} handler;

typedef struct worker {
    eventc_router *r;
    handler *h;
    pthread_t thread;
    bool started;
} worker;

struct eventc_router {
    eventc_router_config cfg;
    eventc_middleware *global;
    size_t n_global;
    handler **handlers;
    size_t n_handlers;
    worker *workers;
    size_t n_workers;
    bool started, frozen;
    atomic_bool stop;
    pthread_mutex_t lock;
    pthread_cond_t exited;
    size_t running;
    atomic_uint_fast64_t handled, failed, emitted;
};

eventc_router_config eventc_router_config_default(void)
{
    eventc_router_config c;
    memset(&c, 0, sizeof(c));
    c.poll_ms = 100;
    return c;
}

eventc_handler_config eventc_handler_config_default(void)
{
    eventc_handler_config h;
    memset(&h, 0, sizeof(h));
    h.workers = 1;
    h.batch = 1;
    return h;
}

eventc_router *eventc_router_new(const eventc_router_config *cfg, eventc_error *err)
{
    eventc_router *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    r->cfg = cfg != NULL ? *cfg : eventc_router_config_default();
    if (r->cfg.poll_ms <= 0) {
        r->cfg.poll_ms = 100;
    }
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        pthread_condattr_destroy(&attr);
        free(r);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    if (pthread_cond_init(&r->exited, &attr) != 0) {
        pthread_condattr_destroy(&attr);
        pthread_mutex_destroy(&r->lock);
        free(r);
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    pthread_condattr_destroy(&attr);
    atomic_init(&r->stop, false);
    atomic_init(&r->handled, 0);
    atomic_init(&r->failed, 0);
    atomic_init(&r->emitted, 0);
    return r;
}

static void report(eventc_router *r, const char *name, const eventc_error *err)
{
    if (r->cfg.on_error != NULL) {
        r->cfg.on_error(r->cfg.on_error_ctx, name, err);
        return;
    }
    char line[512];
    eventc_error_format(err, line, sizeof(line));
    fprintf(stderr, "eventc router: handler %s: %s\n", name, line);
}

eventc_status eventc_router_use(eventc_router *r, const eventc_middleware *mw, eventc_error *err)
{
    eventc_middleware copy = *mw;
    if (r->frozen) {
        eventc_middleware_destroy(&copy);
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "middleware must be added before the handlers run");
    }
    eventc_middleware *grown = realloc(r->global, (r->n_global + 1) * sizeof(*grown));
    if (grown == NULL) {
        eventc_middleware_destroy(&copy);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    r->global = grown;
    r->global[r->n_global++] = copy;
    return EVENTC_OK;
}

static void handler_free(handler *h)
{
    if (h == NULL) {
        return;
    }
    for (size_t i = 0; i < h->n_own; i++) {
        eventc_middleware_destroy(&h->own[i]);
    }
    free(h->own);
    free(h->chain);
    free(h->name);
    free(h->topic);
    free(h->group);
    free(h);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

eventc_status eventc_router_add_handler(eventc_router *r, const eventc_handler_config *cfg,
                                        eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    handler *h = NULL;
    if (r->frozen) {
        st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                              "handlers must be added before the router runs");
    } else if (cfg->name == NULL || cfg->name[0] == '\0' || cfg->subscriber == NULL ||
               cfg->topic == NULL || cfg->group == NULL || cfg->fn == NULL) {
        st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                              "a handler needs a name, a subscriber, a topic, a group and a "
                              "function");
    } else {
        for (size_t i = 0; i < r->n_handlers; i++) {
            if (strcmp(r->handlers[i]->name, cfg->name) == 0) {
                st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "name",
                                      "a handler named %s exists already", cfg->name);
            }
        }
    }
    if (st == EVENTC_OK) {
        h = calloc(1, sizeof(*h));
        if (h == NULL || (h->name = dup_str(cfg->name)) == NULL ||
            (h->topic = dup_str(cfg->topic)) == NULL || (h->group = dup_str(cfg->group)) == NULL ||
            (cfg->n_middleware > 0 &&
             (h->own = calloc(cfg->n_middleware, sizeof(*h->own))) == NULL)) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
    }
    if (h != NULL && h->own != NULL) {
        for (size_t i = 0; i < cfg->n_middleware; i++) {
            h->own[i] = cfg->middleware[i];
        }
        h->n_own = cfg->n_middleware;
    } else {
        /* Not taken over: destroy them now, as documented. */
        for (size_t i = 0; i < cfg->n_middleware; i++) {
            eventc_middleware copy = cfg->middleware[i];
            eventc_middleware_destroy(&copy);
        }
    }
    if (st != EVENTC_OK) {
        handler_free(h);
        return st;
    }
    h->sub = cfg->subscriber;
    h->pub = cfg->publisher;
    h->fn = cfg->fn;
    h->ctx = cfg->ctx;
    h->workers = cfg->workers > 0 ? cfg->workers : 1;
    h->batch = cfg->batch > 0 ? cfg->batch : 1;
    h->nack_delay_ms = cfg->nack_delay_ms;
    atomic_init(&h->closed, false);
    handler **grown = realloc(r->handlers, (r->n_handlers + 1) * sizeof(*grown));
    if (grown == NULL) {
        handler_free(h);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    r->handlers = grown;
    st = eventc_subscriber_subscribe(h->sub, h->topic, h->group, err);
    if (st != EVENTC_OK) {
        handler_free(h);
        return st;
    }
    r->handlers[r->n_handlers++] = h;
    return EVENTC_OK;
}

/* Builds each handler's chain: the global middleware, then its own. */
static eventc_status freeze(eventc_router *r, eventc_error *err)
{
    if (r->frozen) {
        return EVENTC_OK;
    }
    for (size_t i = 0; i < r->n_handlers; i++) {
        handler *h = r->handlers[i];
        size_t n = r->n_global + h->n_own;
        h->chain = calloc(n > 0 ? n : 1, sizeof(*h->chain));
        if (h->chain == NULL) {
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        for (size_t j = 0; j < r->n_global; j++) {
            h->chain[j] = &r->global[j];
        }
        for (size_t j = 0; j < h->n_own; j++) {
            h->chain[r->n_global + j] = &h->own[j];
        }
        h->n_chain = n;
    }
    r->frozen = true;
    return EVENTC_OK;
}

/* Handles and settles one message. */
static void process(eventc_router *r, handler *h, eventc_message *m, eventc_emitter *out)
{
    eventc_call call;
    eventc_error err;
    eventc_error_clear(&err);
    eventc_emitter_truncate(out, 0);
    eventc_call_init(&call, m, out, h->name, h->topic, h->group, r->cfg.clock);
    call.nack_delay_ms = h->nack_delay_ms;
    eventc_status st = eventc_chain_run(h->chain, h->n_chain, h->fn, h->ctx, &call, &err);
    size_t n = eventc_emitter_count(out);
    if (st == EVENTC_OK && n > 0) {
        if (h->pub == NULL) {
            st = eventc_error_set(&err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                  "the handler emitted %zu events but has no publisher", n);
        } else {
            const eventc_message *stack[16];
            const eventc_message **ptrs = n <= 16 ? stack : malloc(n * sizeof(*ptrs));
            if (ptrs == NULL) {
                st = eventc_error_set(&err, EVENTC_E_NOMEM, NULL, "out of memory");
            } else {
                for (size_t i = 0; i < n; i++) {
                    ptrs[i] = eventc_emitter_get(out, i);
                }
                st = eventc_publisher_publish(h->pub, NULL, ptrs, n, NULL, &err);
                if (ptrs != stack) {
                    free(ptrs);
                }
            }
            if (st == EVENTC_OK) {
                atomic_fetch_add(&r->emitted, n);
            }
        }
    }
    eventc_call_settle(&call, st == EVENTC_OK);
    eventc_error serr;
    eventc_error_clear(&serr);
    if (st == EVENTC_OK) {
        atomic_fetch_add(&r->handled, 1);
        if (eventc_subscriber_ack(h->sub, m, &serr) != EVENTC_OK) {
            report(r, h->name, &serr);
        }
    } else {
        atomic_fetch_add(&r->failed, 1);
        report(r, h->name, &err);
        if (eventc_subscriber_nack(h->sub, m, call.nack_delay_ms, &serr) != EVENTC_OK) {
            report(r, h->name, &serr);
        }
    }
    eventc_emitter_truncate(out, 0);
}

/* Fetches once for `h` and processes what came. */
static eventc_status step(eventc_router *r, handler *h, int timeout_ms, eventc_message **buf,
                          eventc_emitter *out, size_t *count, eventc_error *err)
{
    size_t n = 0;
    eventc_status st = eventc_subscriber_fetch(h->sub, h->batch, timeout_ms, buf, &n, err);
    if (st == EVENTC_E_CLOSED) {
        atomic_store(&h->closed, true);
    }
    for (size_t i = 0; i < n; i++) {
        process(r, h, buf[i], out);
    }
    *count += n;
    return st;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    eventc_router *r = w->r;
    handler *h = w->h;
    eventc_emitter *out = eventc_emitter_new(r->cfg.routing);
    eventc_message **buf = calloc(h->batch, sizeof(*buf));
    if (out == NULL || buf == NULL) {
        eventc_error e;
        eventc_error_set(&e, EVENTC_E_NOMEM, NULL, "worker out of memory");
        report(r, h->name, &e);
    }
    while (out != NULL && buf != NULL && !atomic_load(&r->stop)) {
        eventc_error err;
        size_t count = 0;
        eventc_error_clear(&err);
        eventc_status st = step(r, h, r->cfg.poll_ms, buf, out, &count, &err);
        if (st == EVENTC_E_CLOSED) {
            break;
        }
        if (st != EVENTC_OK && st != EVENTC_E_TIMEOUT) {
            report(r, h->name, &err);
            eventc_clock_sleep(NULL, r->cfg.poll_ms); /* a failing transport: do not spin */
        }
    }
    free(buf);
    eventc_emitter_free(out);
    pthread_mutex_lock(&r->lock);
    r->running--;
    pthread_cond_broadcast(&r->exited);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static void join_all(eventc_router *r)
{
    for (size_t i = 0; i < r->n_workers; i++) {
        if (r->workers[i].started) {
            pthread_join(r->workers[i].thread, NULL);
            r->workers[i].started = false;
        }
    }
}

eventc_status eventc_router_start(eventc_router *r, eventc_error *err)
{
    if (r->started) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "already started");
    }
    eventc_status st = freeze(r, err);
    if (st != EVENTC_OK) {
        return st;
    }
    size_t total = 0;
    for (size_t i = 0; i < r->n_handlers; i++) {
        total += r->handlers[i]->workers;
    }
    r->workers = calloc(total > 0 ? total : 1, sizeof(*r->workers));
    if (r->workers == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    r->started = true;
    size_t k = 0;
    for (size_t i = 0; i < r->n_handlers; i++) {
        for (unsigned j = 0; j < r->handlers[i]->workers; j++, k++) {
            worker *w = &r->workers[k];
            w->r = r;
            w->h = r->handlers[i];
            pthread_mutex_lock(&r->lock);
            r->running++;
            pthread_mutex_unlock(&r->lock);
            if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
                pthread_mutex_lock(&r->lock);
                r->running--;
                pthread_mutex_unlock(&r->lock);
                r->n_workers = k;
                atomic_store(&r->stop, true);
                join_all(r);
                return eventc_error_set(err, EVENTC_E_IO, NULL, "cannot start a worker thread");
            }
            w->started = true;
        }
    }
    r->n_workers = k;
    return EVENTC_OK;
}

eventc_status eventc_router_run_once(eventc_router *r, int timeout_ms, size_t *handled,
                                     eventc_error *err)
{
    size_t count = 0;
    if (handled != NULL) {
        *handled = 0;
    }
    if (r->started) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "run_once cannot drive a started router");
    }
    eventc_status st = freeze(r, err);
    if (st != EVENTC_OK) {
        return st;
    }
    size_t max_batch = 1;
    for (size_t i = 0; i < r->n_handlers; i++) {
        if (r->handlers[i]->batch > max_batch) {
            max_batch = r->handlers[i]->batch;
        }
    }
    eventc_message **buf = calloc(max_batch, sizeof(*buf));
    eventc_emitter *out = eventc_emitter_new(r->cfg.routing);
    if (buf == NULL || out == NULL) {
        free(buf);
        eventc_emitter_free(out);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    /* Everything ready now, from every handler; when nothing was, wait on the first open one. */
    for (size_t i = 0; i < r->n_handlers && st == EVENTC_OK; i++) {
        if (!atomic_load(&r->handlers[i]->closed)) {
            st = step(r, r->handlers[i], 0, buf, out, &count, err);
        }
        st = st == EVENTC_E_TIMEOUT || st == EVENTC_E_CLOSED ? EVENTC_OK : st;
    }
    for (size_t i = 0; i < r->n_handlers && st == EVENTC_OK && count == 0 && timeout_ms != 0; i++) {
        if (!atomic_load(&r->handlers[i]->closed)) {
            st = step(r, r->handlers[i], timeout_ms, buf, out, &count, err);
            st = st == EVENTC_E_TIMEOUT || st == EVENTC_E_CLOSED ? EVENTC_OK : st;
            break;
        }
    }
    free(buf);
    eventc_emitter_free(out);
    if (handled != NULL) {
        *handled = count;
    }
    if (st == EVENTC_OK && count == 0 && r->n_handlers > 0) {
        bool all_closed = true;
        for (size_t i = 0; i < r->n_handlers; i++) {
            all_closed = all_closed && atomic_load(&r->handlers[i]->closed);
        }
        if (all_closed) {
            st = eventc_error_set(err, EVENTC_E_CLOSED, NULL, "every subscriber is closed");
        }
    }
    return st;
}

eventc_status eventc_router_close(eventc_router *r, int timeout_ms, eventc_error *err)
{
    atomic_store(&r->stop, true);
    if (!r->started) {
        return EVENTC_OK;
    }
    int64_t deadline = timeout_ms < 0 ? -1 : eventc_clock_now(NULL) + timeout_ms;
    pthread_mutex_lock(&r->lock);
    while (r->running > 0) {
        if (deadline < 0) {
            pthread_cond_wait(&r->exited, &r->lock);
            continue;
        }
        int64_t now = eventc_clock_now(NULL);
        if (now >= deadline) {
            break;
        }
        struct timespec ts;
        ts.tv_sec = (time_t)(deadline / 1000);
        ts.tv_nsec = (long)(deadline % 1000) * 1000000L;
        pthread_cond_timedwait(&r->exited, &r->lock, &ts);
    }
    size_t running = r->running;
    pthread_mutex_unlock(&r->lock);
    if (running > 0) {
        return eventc_error_set(err, EVENTC_E_TIMEOUT, NULL,
                                "%zu workers are still handling messages", running);
    }
    join_all(r);
    return EVENTC_OK;
}

eventc_router_stats eventc_router_stats_get(eventc_router *r)
{
    eventc_router_stats s;
    s.handled = atomic_load(&r->handled);
    s.failed = atomic_load(&r->failed);
    s.emitted = atomic_load(&r->emitted);
    return s;
}

void eventc_router_free(eventc_router *r)
{
    if (r == NULL) {
        return;
    }
    atomic_store(&r->stop, true);
    join_all(r);
    free(r->workers);
    for (size_t i = 0; i < r->n_handlers; i++) {
        handler_free(r->handlers[i]);
    }
    free(r->handlers);
    for (size_t i = 0; i < r->n_global; i++) {
        eventc_middleware_destroy(&r->global[i]);
    }
    free(r->global);
    pthread_cond_destroy(&r->exited);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
