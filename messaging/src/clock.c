/* Clocks: the monotonic default, the real-time clock of durable stores, and the manual clock of
 * tests. */
#define _POSIX_C_SOURCE 200809L
#include "eventc/messaging.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static int64_t read_clock(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void real_sleep(int64_t ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int64_t eventc_clock_now(const eventc_clock *clock)
{
    if (clock == NULL || clock->now_ms == NULL) {
        return read_clock(CLOCK_MONOTONIC);
    }
    return clock->now_ms(clock->ctx);
}

void eventc_clock_sleep(const eventc_clock *clock, int64_t ms)
{
    if (ms <= 0) {
        return;
    }
    if (clock == NULL || clock->sleep_ms == NULL) {
        real_sleep(ms);
        return;
    }
    clock->sleep_ms(clock->ctx, ms);
}

static int64_t realtime_now(void *ctx)
{
    (void)ctx;
    return read_clock(CLOCK_REALTIME);
}

static const eventc_clock realtime_clock = {realtime_now, NULL, NULL};

const eventc_clock *eventc_clock_realtime(void)
{
    return &realtime_clock;
}

struct eventc_manual_clock {
    eventc_clock clock;
    pthread_mutex_t lock;
    int64_t now;
    int64_t slept;
};

static int64_t manual_now(void *ctx)
{
    eventc_manual_clock *c = ctx;
    pthread_mutex_lock(&c->lock);
    int64_t now = c->now;
    pthread_mutex_unlock(&c->lock);
    return now;
}

static void manual_sleep(void *ctx, int64_t ms)
{
    eventc_manual_clock *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->now += ms;
    c->slept += ms;
    pthread_mutex_unlock(&c->lock);
}

eventc_manual_clock *eventc_manual_clock_new(int64_t start_ms)
{
    eventc_manual_clock *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return NULL;
    }
    c->now = start_ms;
    c->clock.now_ms = manual_now;
    c->clock.sleep_ms = manual_sleep;
    c->clock.ctx = c;
    return c;
}

const eventc_clock *eventc_manual_clock_get(eventc_manual_clock *c)
{
    return c == NULL ? NULL : &c->clock;
}

void eventc_manual_clock_advance(eventc_manual_clock *c, int64_t ms)
{
    if (c == NULL || ms <= 0) {
        return;
    }
    pthread_mutex_lock(&c->lock);
    c->now += ms;
    pthread_mutex_unlock(&c->lock);
}

int64_t eventc_manual_clock_slept(eventc_manual_clock *c)
{
    pthread_mutex_lock(&c->lock);
    int64_t slept = c->slept;
    pthread_mutex_unlock(&c->lock);
    return slept;
}

void eventc_manual_clock_free(eventc_manual_clock *c)
{
    if (c == NULL) {
        return;
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}
