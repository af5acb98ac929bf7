/* What the Kafka publisher and subscriber share: the configuration turned into librdkafka's,
 * librdkafka's errors turned into eventc statuses, and the log forwarding. */
#ifndef EVENTC_KAFKA_INTERNAL_H
#define EVENTC_KAFKA_INTERNAL_H

#include "eventc/kafka.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <time.h>

/* What librdkafka's callbacks find through rd_kafka_opaque(): the first member of the
 * publisher's and the subscriber's struct. */
typedef struct ek_common {
    void (*on_log)(void *ctx, int level, const char *message);
    void *log_ctx;
} ek_common;

/* A librdkafka configuration from @p cfg for a producer or a consumer, with the callbacks every
 * handle gets (log) and @p opaque (an ek_common) as the opaque; NULL with err set when a value is
 * refused. */
rd_kafka_conf_t *ek_conf_new(const eventc_kafka_config *cfg, bool producer, ek_common *opaque,
                             eventc_error *err);

/* The eventc status of a librdkafka error. */
eventc_status ek_status(rd_kafka_resp_err_t e);

/* Sets err from a librdkafka error (@p what: what failed), returns the status. */
eventc_status ek_fail(eventc_error *err, rd_kafka_resp_err_t e, const char *path, const char *what);

/* Milliseconds on the monotonic clock (for waits on condition variables set to it). */
int64_t ek_mono_ms(void);

/* Absolute CLOCK_MONOTONIC time @p ms from now, for pthread_cond_timedwait. */
struct timespec ek_deadline(int64_t ms);

/* A condition variable on CLOCK_MONOTONIC. Returns 0 or an errno value. */
int ek_cond_init(pthread_cond_t *cond);

#endif
