/* Streams and consumers: a topic's stream is created with the configuration's layout when it does
 * not exist, else its layout is read from its subjects; a group's durable pull consumers are
 * created, or their settings brought to the configuration's. */
#include "nats_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS INT64_C(1000000)

/* Fills err with a JetStream API failure. */
static eventc_status api_fail(eventc_error *err, natsStatus s, jsErrCode jerr, const char *fmt,
                              const char *name)
{
    char what[NATS_NAME_MAX + 80];
    snprintf(what, sizeof(what), fmt, name);
    eventc_status st = nats_fail(err, s, what);
    if (jerr == JSNotEnabledErr || jerr == JSNotEnabledForAccountErr) {
        err->code = st = EVENTC_E_UNAVAILABLE;
    } else if (jerr == JSInsufficientResourcesErr) {
        err->code = st = EVENTC_E_FULL;
    } else if (jerr == JSStreamSubjectOverlapErr) {
        err->code = st = EVENTC_E_CONFLICT;
    }
    return st;
}

/* Reads the layout of a stream from its subjects: exactly [topic], or topic.0 .. topic.<P-1>. */
static eventc_status read_layout(const jsStreamInfo *si, const char *topic, nats_stream *out,
                                 eventc_error *err)
{
    const jsStreamConfig *c = si->Config;
    size_t tn = strlen(topic);
    int n = c != NULL ? c->SubjectsLen : 0;
    if (n == 1 && strcmp(c->Subjects[0], topic) == 0) {
        out->partitions = 0;
        return EVENTC_OK;
    }
    if (n >= 1 && n <= NATS_MAX_PARTITIONS) {
        unsigned char seen[NATS_MAX_PARTITIONS];
        memset(seen, 0, (size_t)n);
        bool ok = true;
        for (int i = 0; i < n && ok; i++) {
            const char *s = c->Subjects[i];
            char *end = NULL;
            ok = strncmp(s, topic, tn) == 0 && s[tn] == '.' && s[tn + 1] >= '0' && s[tn + 1] <= '9';
            if (ok) {
                unsigned long p = strtoul(s + tn + 1, &end, 10);
                ok = *end == '\0' && p < (unsigned long)n && !seen[p] &&
                     (s[tn + 1] != '0' || s[tn + 2] == '\0');
                if (ok) {
                    seen[p] = 1;
                }
            }
        }
        if (ok) {
            out->partitions = (unsigned)n;
            return EVENTC_OK;
        }
    }
    return eventc_error_set(err, EVENTC_E_CONFLICT, "topic",
                            "stream %s holds subjects that are not those of topic %s (%s or "
                            "%s.0 ... %s.<partitions - 1>): %d subject(s), the first \"%s\"",
                            out->name, topic, topic, topic, topic, n, n > 0 ? c->Subjects[0] : "");
}

static eventc_status create_stream(jsCtx *js, const nats_conf *c, const char *topic,
                                   nats_stream *out, jsStreamInfo **si, jsErrCode *jerr,
                                   natsStatus *s)
{
    unsigned p = c->cfg.partitions;
    size_t tn = strlen(topic);
    size_t count = p == 0 ? 1 : p;
    const char **subjects = calloc(count, sizeof(*subjects));
    char *text = malloc(count * (tn + 8));
    if (subjects == NULL || text == NULL) {
        free(subjects);
        free(text);
        return EVENTC_E_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        char *subject = text + i * (tn + 8);
        if (p == 0) {
            memcpy(subject, topic, tn + 1);
        } else {
            snprintf(subject, tn + 8, "%s.%zu", topic, i);
        }
        subjects[i] = subject;
    }
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = out->name;
    sc.Subjects = subjects;
    sc.SubjectsLen = (int)count;
    sc.Storage = c->cfg.memory_storage ? js_MemoryStorage : js_FileStorage;
    sc.Replicas = c->cfg.replicas;
    sc.Duplicates = c->cfg.duplicate_window_ms * NS_PER_MS;
    sc.Retention = js_LimitsPolicy;
    *s = js_AddStream(si, js, &sc, NULL, jerr);
    free(subjects);
    free(text);
    return EVENTC_OK;
}

eventc_status nats_stream_ensure(jsCtx *js, const nats_conf *c, const char *topic, nats_stream *out,
                                 eventc_error *err)
{
    eventc_status st = eventc_nats_stream_name(topic, out->name, sizeof(out->name), err);
    if (st != EVENTC_OK) {
        return st;
    }
    for (int round = 0; round < 2; round++) {
        jsStreamInfo *si = NULL;
        jsErrCode jerr = 0;
        natsStatus s = js_GetStreamInfo(&si, js, out->name, NULL, &jerr);
        if (s == NATS_OK) {
            st = read_layout(si, topic, out, err);
            jsStreamInfo_Destroy(si);
            return st;
        }
        if (s != NATS_NOT_FOUND && jerr != JSStreamNotFoundErr) {
            return api_fail(err, s, jerr, "cannot read stream %s", out->name);
        }
        jerr = 0;
        if (create_stream(js, c, topic, out, &si, &jerr, &s) != EVENTC_OK) {
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        if (s == NATS_OK) {
            st = read_layout(si, topic, out, err);
            jsStreamInfo_Destroy(si);
            return st;
        }
        /* Another process may have created it at the same moment: read it again. */
        if (jerr != JSStreamNameExistErr || round > 0) {
            return api_fail(err, s, jerr, "cannot create stream %s", out->name);
        }
    }
    return eventc_error_set(err, EVENTC_E_CONFLICT, NULL, "stream %s keeps changing", out->name);
}

/* Whether an existing consumer must be updated to the wanted settings. */
static bool differs(const jsConsumerConfig *have, const jsConsumerConfig *want)
{
    return have == NULL || have->AckWait != want->AckWait || have->MaxDeliver != want->MaxDeliver ||
           have->MaxAckPending != want->MaxAckPending || have->AckPolicy != want->AckPolicy;
}

static eventc_status ensure_one(jsCtx *js, const char *stream, jsConsumerConfig *cc,
                                eventc_error *err)
{
    for (int round = 0; round < 2; round++) {
        jsConsumerInfo *ci = NULL;
        jsErrCode jerr = 0;
        natsStatus s = js_GetConsumerInfo(&ci, js, stream, cc->Durable, NULL, &jerr);
        if (s == NATS_OK) {
            bool update = differs(ci->Config, cc);
            bool filter_ok = ci->Config != NULL &&
                             strcmp(ci->Config->FilterSubject ? ci->Config->FilterSubject : "",
                                    cc->FilterSubject ? cc->FilterSubject : "") == 0;
            jsConsumerInfo_Destroy(ci);
            if (!filter_ok) {
                return eventc_error_set(err, EVENTC_E_CONFLICT, "group",
                                        "consumer %s of stream %s filters other subjects than "
                                        "this group reads",
                                        cc->Durable, stream);
            }
            if (!update) {
                return EVENTC_OK;
            }
            ci = NULL;
            s = js_UpdateConsumer(&ci, js, stream, cc, NULL, &jerr);
            jsConsumerInfo_Destroy(ci);
            return s == NATS_OK ? EVENTC_OK
                                : api_fail(err, s, jerr, "cannot update consumer %s", cc->Durable);
        }
        if (s != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
            return api_fail(err, s, jerr, "cannot read consumer %s", cc->Durable);
        }
        jerr = 0;
        s = js_AddConsumer(&ci, js, stream, cc, NULL, &jerr);
        jsConsumerInfo_Destroy(ci);
        if (s == NATS_OK) {
            return EVENTC_OK;
        }
        if (jerr != JSConsumerNameExistErr || round > 0) {
            return api_fail(err, s, jerr, "cannot create consumer %s", cc->Durable);
        }
    }
    return EVENTC_OK;
}

eventc_status nats_consumers_ensure(jsCtx *js, const nats_conf *c, const char *topic,
                                    const nats_stream *st, const char *group, eventc_error *err)
{
    unsigned count = st->partitions == 0 ? 1 : st->partitions;
    size_t tn = strlen(topic);
    char *filter = malloc(tn + 8);
    if (filter == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_status rc = EVENTC_OK;
    for (unsigned i = 0; i < count && rc == EVENTC_OK; i++) {
        char durable[NATS_NAME_MAX];
        rc = nats_durable_name(group, st, i, durable, sizeof(durable), err);
        if (rc != EVENTC_OK) {
            break;
        }
        jsConsumerConfig cc;
        jsConsumerConfig_Init(&cc);
        cc.Durable = durable;
        cc.AckPolicy = js_AckExplicit;
        cc.AckWait = (int64_t)c->cfg.ack_wait_ms * NS_PER_MS;
        cc.MaxDeliver = c->cfg.max_deliver > 0 ? c->cfg.max_deliver : -1;
        cc.DeliverPolicy = c->cfg.deliver_new ? js_DeliverNew : js_DeliverAll;
        if (st->partitions > 0) {
            /* One message in flight per partition: its keys are handled in order by every
             * consumer of the group, across nacks and redeliveries. */
            snprintf(filter, tn + 8, "%s.%u", topic, i);
            cc.FilterSubject = filter;
            cc.MaxAckPending = 1;
        } else {
            cc.MaxAckPending = (int64_t)c->cfg.max_ack_pending;
        }
        rc = ensure_one(js, st->name, &cc, err);
    }
    free(filter);
    return rc;
}
