/* The hand-written append writer: what a C programmer writes to put one msg_event out as JSON
 * as fast as possible, with nothing checked. One function per event with the member names as
 * literals (comma, quotes and colon included), strings escaped with a table lookup per byte and
 * the plain runs copied with memcpy, integers and timestamps formatted by hand, one capacity
 * check per member. It trusts its input completely: no UTF-8 check, no rule, no range check
 * beyond what keeps memory safe. It is the floor for eventc's checked encoder. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

void hw_buf_free(hw_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static int grow(hw_buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap * 2 : 1024;
    while (cap - b->len < need)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

static inline int reserve(hw_buf *b, size_t n)
{
    return b->cap - b->len >= n ? 0 : grow(b, n);
}

/* What each byte becomes inside a JSON string: 0 itself, else the letter after the backslash,
 * or 'u' for \u00XX. */
static const char escapes[256] = {
    ['\b'] = 'b',  ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't', ['"'] = '"',
    ['\\'] = '\\', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u',
    [0x06] = 'u',  [0x07] = 'u', [0x0B] = 'u', [0x0E] = 'u', [0x0F] = 'u', [0x10] = 'u',
    [0x11] = 'u',  [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u', [0x16] = 'u',
    [0x17] = 'u',  [0x18] = 'u', [0x19] = 'u', [0x1A] = 'u', [0x1B] = 'u', [0x1C] = 'u',
    [0x1D] = 'u',  [0x1E] = 'u', [0x1F] = 'u'};

/* Appends the literal key (e.g. `,"name":`) and the string value, escaped. */
static int put_str(hw_buf *b, const char *key, size_t klen, const char *s)
{
    size_t n = strlen(s);
    if (reserve(b, klen + 6 * n + 2))
        return -1;
    char *o = b->data + b->len;
    memcpy(o, key, klen);
    o += klen;
    *o++ = '"';
    size_t i = 0;
    for (;;) {
        size_t run = i;
        while (i < n && !escapes[(unsigned char)s[i]])
            i++;
        memcpy(o, s + run, i - run);
        o += i - run;
        if (i == n)
            break;
        unsigned char c = (unsigned char)s[i++];
        char e = escapes[c];
        *o++ = '\\';
        *o++ = e;
        if (e == 'u') {
            static const char hex[] = "0123456789abcdef";
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    return 0;
}

static char *put_digits(char *o, uint64_t v, int width)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < width);
    while (n)
        *o++ = tmp[--n];
    return o;
}

/* Two digits of v (0 to 99). */
static inline char *put2(char *o, unsigned v)
{
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
    return o + 2;
}

static int put_int(hw_buf *b, const char *key, size_t klen, int64_t v)
{
    if (reserve(b, klen + 21))
        return -1;
    char *o = b->data + b->len;
    memcpy(o, key, klen);
    o += klen;
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        *o++ = '-';
        u = 0 - u;
    }
    o = put_digits(o, u, 1);
    b->len = (size_t)(o - b->data);
    return 0;
}

/* YYYY-MM-DDTHH:MM:SS[.fraction]Z from days since 1970 (the civil-from-days conversion of the
 * proleptic Gregorian calendar). */
static int put_time(hw_buf *b, const char *key, size_t klen, eventc_timestamp t)
{
    if (reserve(b, klen + 34))
        return -1;
    int64_t days = t.seconds / 86400, secs = t.seconds % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    char *o = b->data + b->len;
    memcpy(o, key, klen);
    o += klen;
    *o++ = '"';
    o = put2(o, (unsigned)(y / 100));
    o = put2(o, (unsigned)(y % 100));
    *o++ = '-';
    o = put2(o, (unsigned)m);
    *o++ = '-';
    o = put2(o, (unsigned)d);
    *o++ = 'T';
    o = put2(o, (unsigned)(secs / 3600));
    *o++ = ':';
    o = put2(o, (unsigned)(secs / 60 % 60));
    *o++ = ':';
    o = put2(o, (unsigned)(secs % 60));
    if (t.nanos) {
        uint32_t f = t.nanos;
        int width = 9;
        while (f % 10 == 0) {
            f /= 10;
            width--;
        }
        *o++ = '.';
        o = put_digits(o, f, width);
    }
    *o++ = 'Z';
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    return 0;
}

static int put_names(hw_buf *b, const char *key, size_t klen, size_t n, const char *const *items)
{
    if (reserve(b, klen + 2))
        return -1;
    memcpy(b->data + b->len, key, klen);
    b->len += klen;
    b->data[b->len++] = '[';
    for (size_t i = 0; i < n; i++)
        if (put_str(b, ",", i > 0, items[i]))
            return -1;
    if (reserve(b, 1))
        return -1;
    b->data[b->len++] = ']';
    return 0;
}

static int put_lit(hw_buf *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

#define K(name) ",\"" name "\":"
#define STR(name, v)                                 \
    if (put_str(b, K(name), sizeof(K(name)) - 1, v)) \
    return -1
#define OPT(name, v)                                      \
    if (v && put_str(b, K(name), sizeof(K(name)) - 1, v)) \
    return -1
#define NAMES(name, n, v)                                 \
    if (put_names(b, K(name), sizeof(K(name)) - 1, n, v)) \
    return -1
#define ENUM(name, names, v)                                 \
    if ((unsigned)(v) >= sizeof(names) / sizeof(names[0]) || \
        put_str(b, K(name), sizeof(K(name)) - 1, names[v]))  \
    return -1

static const char *const provider_kinds[] = {"sms", "mms", "email", "voice", "voicemail"};
static const char *const channel_kinds[] = {"sms", "mms", "email"};
static const char *const conversation_statuses[] = {"open", "closed", "archived"};

static int put_envelope(hw_buf *b, const msg_envelope *e)
{
    if (put_str(b, "{\"event_name\":", 14, e->event_name))
        return -1;
    STR("event_id", e->event_id);
    STR("aggregate_type", e->aggregate_type);
    STR("aggregate_id", e->aggregate_id);
    if (put_time(b, K("occurred_at"), sizeof(K("occurred_at")) - 1, e->occurred_at))
        return -1;
    STR("actor", e->actor);
    if (put_int(b, K("version"), sizeof(K("version")) - 1, e->version))
        return -1;
    OPT("idempotency_key", e->idempotency_key);
    return 0;
}

static int put_event(hw_buf *b, const msg_event *ev)
{
    switch (ev->kind) {
    case MSG_EVENT_CUSTOMER_CREATED: {
        const msg_customer_created *e = &ev->as.customer_created;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("customer_id", e->customer_id);
        STR("name", e->name);
        return 0;
    }
    case MSG_EVENT_CUSTOMER_UPDATED: {
        const msg_customer_updated *e = &ev->as.customer_updated;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("customer_id", e->customer_id);
        NAMES("changed_fields", e->n_changed_fields, e->changed_fields);
        return 0;
    }
    case MSG_EVENT_CUSTOMER_ENABLED: {
        const msg_customer_enabled *e = &ev->as.customer_enabled;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_CUSTOMER_DISABLED: {
        const msg_customer_disabled *e = &ev->as.customer_disabled;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_CONTACT_CREATED: {
        const msg_contact_created *e = &ev->as.contact_created;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("contact_id", e->contact_id);
        STR("customer_id", e->customer_id);
        OPT("display_name", e->display_name);
        return 0;
    }
    case MSG_EVENT_CONTACT_UPDATED: {
        const msg_contact_updated *e = &ev->as.contact_updated;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("contact_id", e->contact_id);
        STR("customer_id", e->customer_id);
        NAMES("changed_fields", e->n_changed_fields, e->changed_fields);
        return 0;
    }
    case MSG_EVENT_CONTACT_DELETED: {
        const msg_contact_deleted *e = &ev->as.contact_deleted;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("contact_id", e->contact_id);
        STR("customer_id", e->customer_id);
        return 0;
    }
    case MSG_EVENT_PROVIDER_CONFIGURED: {
        const msg_provider_configured *e = &ev->as.provider_configured;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("provider_id", e->provider_id);
        STR("customer_id", e->customer_id);
        ENUM("kind", provider_kinds, e->kind);
        return 0;
    }
    case MSG_EVENT_PROVIDER_UPDATED: {
        const msg_provider_updated *e = &ev->as.provider_updated;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("provider_id", e->provider_id);
        STR("customer_id", e->customer_id);
        NAMES("changed_fields", e->n_changed_fields, e->changed_fields);
        return 0;
    }
    case MSG_EVENT_PROVIDER_ENABLED: {
        const msg_provider_enabled *e = &ev->as.provider_enabled;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("provider_id", e->provider_id);
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_PROVIDER_DISABLED: {
        const msg_provider_disabled *e = &ev->as.provider_disabled;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("provider_id", e->provider_id);
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_CHANNEL_MAPPED: {
        const msg_channel_mapped *e = &ev->as.channel_mapped;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("channel_id", e->channel_id);
        STR("customer_id", e->customer_id);
        ENUM("kind", channel_kinds, e->kind);
        STR("address", e->address);
        STR("normalized", e->normalized);
        STR("provider_id", e->provider_id);
        return 0;
    }
    case MSG_EVENT_CHANNEL_UPDATED: {
        const msg_channel_updated *e = &ev->as.channel_updated;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("channel_id", e->channel_id);
        STR("customer_id", e->customer_id);
        NAMES("changed_fields", e->n_changed_fields, e->changed_fields);
        return 0;
    }
    case MSG_EVENT_CHANNEL_UNMAPPED: {
        const msg_channel_unmapped *e = &ev->as.channel_unmapped;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("channel_id", e->channel_id);
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_CREATED: {
        const msg_conversation_created *e = &ev->as.conversation_created;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        STR("channel_id", e->channel_id);
        STR("contact_id", e->contact_id);
        OPT("topic", e->topic);
        ENUM("status", conversation_statuses, e->status);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_UPDATED: {
        const msg_conversation_updated *e = &ev->as.conversation_updated;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        NAMES("changed_fields", e->n_changed_fields, e->changed_fields);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_CLOSED: {
        const msg_conversation_closed *e = &ev->as.conversation_closed;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_REOPENED: {
        const msg_conversation_reopened *e = &ev->as.conversation_reopened;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED: {
        const msg_conversation_participant_added *e = &ev->as.conversation_participant_added;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        STR("participant_id", e->participant_id);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_PARTICIPANT_REMOVED: {
        const msg_conversation_participant_removed *e = &ev->as.conversation_participant_removed;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        STR("participant_id", e->participant_id);
        return 0;
    }
    case MSG_EVENT_CONVERSATION_ARCHIVED: {
        const msg_conversation_archived *e = &ev->as.conversation_archived;
        if (put_envelope(b, &e->envelope))
            return -1;
        STR("conversation_id", e->conversation_id);
        STR("customer_id", e->customer_id);
        OPT("reason", e->reason);
        return 0;
    }
    default:
        return -1;
    }
}

int hw_encode(const msg_event *ev, hw_buf *b)
{
    size_t start = b->len;
    if (put_event(b, ev) || put_lit(b, "}", 1)) {
        b->len = start;
        return -1;
    }
    return 0;
}
