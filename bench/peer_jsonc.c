/* The json-c peer: what a careful user writes by hand to get the messaging events in and out
 * of the generated structs without eventc's codec. Decoding parses with one reused tokener
 * (strict mode, UTF-8 validation), then extracts every member with json_object_object_get_ex,
 * checking its type and the catalog's rules, and copies every string with malloc so the struct
 * outlives the json-c tree. Encoding builds a json-c tree member by member and serialises it.
 *
 * Rules checked, as the catalog states them: required members present; JSON types; no U+0000
 * in strings; min_length in code points; event_name and aggregate_type constants; version
 * >= 1; the timestamp format; enum spellings; changed_fields non-empty, snake_case and unique.
 * Unknown members are accepted (the catalog allows them). Two differences remain that json-c
 * does not let a user see cheaply: a duplicated key silently keeps its last value, and an
 * integer beyond int64 is clamped rather than refused. */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct jc_peer {
    json_tokener *tok;
    char why[160];
};

jc_peer *jc_peer_new(void)
{
    jc_peer *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->tok = json_tokener_new();
    if (!p->tok) {
        free(p);
        return NULL;
    }
    json_tokener_set_flags(p->tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    return p;
}

void jc_peer_free(jc_peer *p)
{
    if (!p)
        return;
    json_tokener_free(p->tok);
    free(p);
}

/* ---- extraction helpers: each returns 0, or -1 with p->why set ------------------------------ */

static int fail(jc_peer *p, const char *key, const char *what)
{
    snprintf(p->why, sizeof(p->why), "%s: %s", key, what);
    return -1;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Finds a string member; *s is NULL when it is absent and optional. */
static int find_string(jc_peer *p, json_object *o, const char *key, int required, const char **s,
                       size_t *n)
{
    json_object *v;
    *s = NULL;
    *n = 0;
    if (!json_object_object_get_ex(o, key, &v))
        return required ? fail(p, key, "missing") : 0;
    if (!json_object_is_type(v, json_type_string))
        return fail(p, key, "not a string");
    *s = json_object_get_string(v);
    *n = (size_t)json_object_get_string_len(v);
    if (memchr(*s, '\0', *n))
        return fail(p, key, "contains U+0000");
    return 0;
}

static int get_string(jc_peer *p, json_object *o, const char *key, int required, size_t min_chars,
                      const char **out)
{
    const char *s;
    size_t n;
    if (find_string(p, o, key, required, &s, &n) != 0)
        return -1;
    if (!s)
        return 0;
    if (n < min_chars * 4 && count_chars(s, n) < min_chars)
        return fail(p, key, "too short");
    char *copy = malloc(n + 1);
    if (!copy)
        return fail(p, key, "out of memory");
    memcpy(copy, s, n + 1);
    *out = copy;
    return 0;
}

/* A string member that must equal @p expected, and is kept (the struct carries it). */
static int get_const(jc_peer *p, json_object *o, const char *key, const char *expected,
                     const char **out)
{
    const char *s;
    size_t n;
    if (find_string(p, o, key, 1, &s, &n) != 0)
        return -1;
    if (strcmp(s, expected) != 0)
        return fail(p, key, "wrong constant");
    char *copy = malloc(n + 1);
    if (!copy)
        return fail(p, key, "out of memory");
    memcpy(copy, s, n + 1);
    *out = copy;
    return 0;
}

static int get_enum(jc_peer *p, json_object *o, const char *key, const char *const *names,
                    int count, int *out)
{
    const char *s;
    size_t n;
    if (find_string(p, o, key, 1, &s, &n) != 0)
        return -1;
    for (int i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    return fail(p, key, "not an allowed value");
}

static int get_timestamp(jc_peer *p, json_object *o, const char *key, eventc_timestamp *out)
{
    const char *s;
    size_t n;
    if (find_string(p, o, key, 1, &s, &n) != 0)
        return -1;
    if (eventc_timestamp_parse(s, n, out) != EVENTC_OK)
        return fail(p, key, "not a timestamp");
    return 0;
}

static int get_int64_min(jc_peer *p, json_object *o, const char *key, int64_t min, int64_t *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return fail(p, key, "missing");
    if (!json_object_is_type(v, json_type_int))
        return fail(p, key, "not an integer");
    *out = json_object_get_int64(v);
    if (*out < min)
        return fail(p, key, "below the minimum");
    return 0;
}

/* ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ written out. */
static int is_snake_case(const char *s, size_t n)
{
    if (n == 0 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '_')
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            if (s[i - 1] == '_')
                return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return 1;
}

static void free_strings(size_t n, const char **items)
{
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        free((void *)items[i]);
    free((void *)items);
}

/* changed_fields: a required, non-empty array of unique snake_case names. */
static int get_changed_fields(jc_peer *p, json_object *o, size_t *n_out, const char ***out)
{
    static const char key[] = "changed_fields";
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return fail(p, key, "missing");
    if (!json_object_is_type(v, json_type_array))
        return fail(p, key, "not an array");
    size_t n = json_object_array_length(v);
    if (n < 1)
        return fail(p, key, "empty");
    const char **items = calloc(n, sizeof(*items));
    if (!items)
        return fail(p, key, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *it = json_object_array_get_idx(v, i);
        if (!json_object_is_type(it, json_type_string)) {
            free_strings(i, items);
            return fail(p, key, "item not a string");
        }
        const char *s = json_object_get_string(it);
        size_t len = (size_t)json_object_get_string_len(it);
        if (!is_snake_case(s, len)) {
            free_strings(i, items);
            return fail(p, key, "item not snake_case");
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(items[j], s) == 0) {
                free_strings(i, items);
                return fail(p, key, "items not unique");
            }
        char *copy = malloc(len + 1);
        if (!copy) {
            free_strings(i, items);
            return fail(p, key, "out of memory");
        }
        memcpy(copy, s, len + 1);
        items[i] = copy;
    }
    *n_out = n;
    *out = items;
    return 0;
}

static int get_envelope(jc_peer *p, json_object *o, const char *name, const char *aggregate,
                        msg_envelope *env)
{
    return get_const(p, o, "event_name", name, &env->event_name) ||
           get_string(p, o, "event_id", 1, 8, &env->event_id) ||
           get_const(p, o, "aggregate_type", aggregate, &env->aggregate_type) ||
           get_string(p, o, "aggregate_id", 1, 1, &env->aggregate_id) ||
           get_timestamp(p, o, "occurred_at", &env->occurred_at) ||
           get_string(p, o, "actor", 1, 1, &env->actor) ||
           get_int64_min(p, o, "version", 1, &env->version) ||
           get_string(p, o, "idempotency_key", 0, 4, &env->idempotency_key);
}

static void free_envelope(msg_envelope *env)
{
    free((void *)env->event_name);
    free((void *)env->event_id);
    free((void *)env->aggregate_type);
    free((void *)env->aggregate_id);
    free((void *)env->actor);
    free((void *)env->idempotency_key);
}

static const char *const provider_kinds[] = {"sms", "mms", "email", "voice", "voicemail"};
static const char *const channel_kinds[] = {"sms", "mms", "email"};
static const char *const conversation_statuses[] = {"open", "closed", "archived"};

/* ---- one decoder and one release per event ------------------------------------------------- */

static int dec_customer_created(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_customer_created *e = &ev->as.customer_created;
    return get_envelope(p, o, "CustomerCreated", "Customer", &e->envelope) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "name", 1, 1, &e->name);
}

static void free_customer_created(msg_event *ev)
{
    msg_customer_created *e = &ev->as.customer_created;
    free_envelope(&e->envelope);
    free((void *)e->customer_id);
    free((void *)e->name);
}

static int dec_customer_updated(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_customer_updated *e = &ev->as.customer_updated;
    return get_envelope(p, o, "CustomerUpdated", "Customer", &e->envelope) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_changed_fields(p, o, &e->n_changed_fields, &e->changed_fields);
}

static void free_customer_updated(msg_event *ev)
{
    msg_customer_updated *e = &ev->as.customer_updated;
    free_envelope(&e->envelope);
    free((void *)e->customer_id);
    free_strings(e->n_changed_fields, e->changed_fields);
}

static int dec_customer_enabled(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_customer_enabled *e = &ev->as.customer_enabled;
    return get_envelope(p, o, "CustomerEnabled", "Customer", &e->envelope) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_customer_enabled(msg_event *ev)
{
    msg_customer_enabled *e = &ev->as.customer_enabled;
    free_envelope(&e->envelope);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_customer_disabled(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_customer_disabled *e = &ev->as.customer_disabled;
    return get_envelope(p, o, "CustomerDisabled", "Customer", &e->envelope) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_customer_disabled(msg_event *ev)
{
    msg_customer_disabled *e = &ev->as.customer_disabled;
    free_envelope(&e->envelope);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_contact_created(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_contact_created *e = &ev->as.contact_created;
    return get_envelope(p, o, "ContactCreated", "Contact", &e->envelope) ||
           get_string(p, o, "contact_id", 1, 1, &e->contact_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "display_name", 0, 0, &e->display_name);
}

static void free_contact_created(msg_event *ev)
{
    msg_contact_created *e = &ev->as.contact_created;
    free_envelope(&e->envelope);
    free((void *)e->contact_id);
    free((void *)e->customer_id);
    free((void *)e->display_name);
}

static int dec_contact_updated(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_contact_updated *e = &ev->as.contact_updated;
    return get_envelope(p, o, "ContactUpdated", "Contact", &e->envelope) ||
           get_string(p, o, "contact_id", 1, 1, &e->contact_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_changed_fields(p, o, &e->n_changed_fields, &e->changed_fields);
}

static void free_contact_updated(msg_event *ev)
{
    msg_contact_updated *e = &ev->as.contact_updated;
    free_envelope(&e->envelope);
    free((void *)e->contact_id);
    free((void *)e->customer_id);
    free_strings(e->n_changed_fields, e->changed_fields);
}

static int dec_contact_deleted(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_contact_deleted *e = &ev->as.contact_deleted;
    return get_envelope(p, o, "ContactDeleted", "Contact", &e->envelope) ||
           get_string(p, o, "contact_id", 1, 1, &e->contact_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id);
}

static void free_contact_deleted(msg_event *ev)
{
    msg_contact_deleted *e = &ev->as.contact_deleted;
    free_envelope(&e->envelope);
    free((void *)e->contact_id);
    free((void *)e->customer_id);
}

static int dec_provider_configured(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_provider_configured *e = &ev->as.provider_configured;
    int kind = 0;
    if (get_envelope(p, o, "ProviderConfigured", "Provider", &e->envelope) ||
        get_string(p, o, "provider_id", 1, 1, &e->provider_id) ||
        get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
        get_enum(p, o, "kind", provider_kinds, 5, &kind))
        return -1;
    e->kind = (msg_provider_kind)kind;
    return 0;
}

static void free_provider_configured(msg_event *ev)
{
    msg_provider_configured *e = &ev->as.provider_configured;
    free_envelope(&e->envelope);
    free((void *)e->provider_id);
    free((void *)e->customer_id);
}

static int dec_provider_updated(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_provider_updated *e = &ev->as.provider_updated;
    return get_envelope(p, o, "ProviderUpdated", "Provider", &e->envelope) ||
           get_string(p, o, "provider_id", 1, 1, &e->provider_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_changed_fields(p, o, &e->n_changed_fields, &e->changed_fields);
}

static void free_provider_updated(msg_event *ev)
{
    msg_provider_updated *e = &ev->as.provider_updated;
    free_envelope(&e->envelope);
    free((void *)e->provider_id);
    free((void *)e->customer_id);
    free_strings(e->n_changed_fields, e->changed_fields);
}

static int dec_provider_enabled(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_provider_enabled *e = &ev->as.provider_enabled;
    return get_envelope(p, o, "ProviderEnabled", "Provider", &e->envelope) ||
           get_string(p, o, "provider_id", 1, 1, &e->provider_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_provider_enabled(msg_event *ev)
{
    msg_provider_enabled *e = &ev->as.provider_enabled;
    free_envelope(&e->envelope);
    free((void *)e->provider_id);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_provider_disabled(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_provider_disabled *e = &ev->as.provider_disabled;
    return get_envelope(p, o, "ProviderDisabled", "Provider", &e->envelope) ||
           get_string(p, o, "provider_id", 1, 1, &e->provider_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_provider_disabled(msg_event *ev)
{
    msg_provider_disabled *e = &ev->as.provider_disabled;
    free_envelope(&e->envelope);
    free((void *)e->provider_id);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_channel_mapped(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_channel_mapped *e = &ev->as.channel_mapped;
    int kind = 0;
    if (get_envelope(p, o, "ChannelMapped", "Channel", &e->envelope) ||
        get_string(p, o, "channel_id", 1, 1, &e->channel_id) ||
        get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
        get_enum(p, o, "kind", channel_kinds, 3, &kind) ||
        get_string(p, o, "address", 1, 1, &e->address) ||
        get_string(p, o, "normalized", 1, 1, &e->normalized) ||
        get_string(p, o, "provider_id", 1, 1, &e->provider_id))
        return -1;
    e->kind = (msg_channel_kind)kind;
    return 0;
}

static void free_channel_mapped(msg_event *ev)
{
    msg_channel_mapped *e = &ev->as.channel_mapped;
    free_envelope(&e->envelope);
    free((void *)e->channel_id);
    free((void *)e->customer_id);
    free((void *)e->address);
    free((void *)e->normalized);
    free((void *)e->provider_id);
}

static int dec_channel_updated(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_channel_updated *e = &ev->as.channel_updated;
    return get_envelope(p, o, "ChannelUpdated", "Channel", &e->envelope) ||
           get_string(p, o, "channel_id", 1, 1, &e->channel_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_changed_fields(p, o, &e->n_changed_fields, &e->changed_fields);
}

static void free_channel_updated(msg_event *ev)
{
    msg_channel_updated *e = &ev->as.channel_updated;
    free_envelope(&e->envelope);
    free((void *)e->channel_id);
    free((void *)e->customer_id);
    free_strings(e->n_changed_fields, e->changed_fields);
}

static int dec_channel_unmapped(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_channel_unmapped *e = &ev->as.channel_unmapped;
    return get_envelope(p, o, "ChannelUnmapped", "Channel", &e->envelope) ||
           get_string(p, o, "channel_id", 1, 1, &e->channel_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_channel_unmapped(msg_event *ev)
{
    msg_channel_unmapped *e = &ev->as.channel_unmapped;
    free_envelope(&e->envelope);
    free((void *)e->channel_id);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_conversation_created(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_created *e = &ev->as.conversation_created;
    int status = 0;
    if (get_envelope(p, o, "ConversationCreated", "Conversation", &e->envelope) ||
        get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
        get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
        get_string(p, o, "channel_id", 1, 1, &e->channel_id) ||
        get_string(p, o, "contact_id", 1, 1, &e->contact_id) ||
        get_string(p, o, "topic", 0, 0, &e->topic) ||
        get_enum(p, o, "status", conversation_statuses, 3, &status))
        return -1;
    e->status = (msg_conversation_status)status;
    return 0;
}

static void free_conversation_created(msg_event *ev)
{
    msg_conversation_created *e = &ev->as.conversation_created;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free((void *)e->channel_id);
    free((void *)e->contact_id);
    free((void *)e->topic);
}

static int dec_conversation_updated(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_updated *e = &ev->as.conversation_updated;
    return get_envelope(p, o, "ConversationUpdated", "Conversation", &e->envelope) ||
           get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_changed_fields(p, o, &e->n_changed_fields, &e->changed_fields);
}

static void free_conversation_updated(msg_event *ev)
{
    msg_conversation_updated *e = &ev->as.conversation_updated;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free_strings(e->n_changed_fields, e->changed_fields);
}

static int dec_conversation_closed(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_closed *e = &ev->as.conversation_closed;
    return get_envelope(p, o, "ConversationClosed", "Conversation", &e->envelope) ||
           get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_conversation_closed(msg_event *ev)
{
    msg_conversation_closed *e = &ev->as.conversation_closed;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_conversation_reopened(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_reopened *e = &ev->as.conversation_reopened;
    return get_envelope(p, o, "ConversationReopened", "Conversation", &e->envelope) ||
           get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_conversation_reopened(msg_event *ev)
{
    msg_conversation_reopened *e = &ev->as.conversation_reopened;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

static int dec_conversation_participant_added(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_participant_added *e = &ev->as.conversation_participant_added;
    return get_envelope(p, o, "ConversationParticipantAdded", "Conversation", &e->envelope) ||
           get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "participant_id", 1, 1, &e->participant_id);
}

static void free_conversation_participant_added(msg_event *ev)
{
    msg_conversation_participant_added *e = &ev->as.conversation_participant_added;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free((void *)e->participant_id);
}

static int dec_conversation_participant_removed(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_participant_removed *e = &ev->as.conversation_participant_removed;
    return get_envelope(p, o, "ConversationParticipantRemoved", "Conversation", &e->envelope) ||
           get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "participant_id", 1, 1, &e->participant_id);
}

static void free_conversation_participant_removed(msg_event *ev)
{
    msg_conversation_participant_removed *e = &ev->as.conversation_participant_removed;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free((void *)e->participant_id);
}

static int dec_conversation_archived(jc_peer *p, json_object *o, msg_event *ev)
{
    msg_conversation_archived *e = &ev->as.conversation_archived;
    return get_envelope(p, o, "ConversationArchived", "Conversation", &e->envelope) ||
           get_string(p, o, "conversation_id", 1, 1, &e->conversation_id) ||
           get_string(p, o, "customer_id", 1, 1, &e->customer_id) ||
           get_string(p, o, "reason", 0, 0, &e->reason);
}

static void free_conversation_archived(msg_event *ev)
{
    msg_conversation_archived *e = &ev->as.conversation_archived;
    free_envelope(&e->envelope);
    free((void *)e->conversation_id);
    free((void *)e->customer_id);
    free((void *)e->reason);
}

/* ---- encoding helpers: each returns 0, or -1 when json-c could not allocate ----------------- */

static int add(json_object *o, const char *key, json_object *v)
{
    if (!v)
        return -1;
    if (json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

/* A NULL string is an absent optional member: nothing is added. */
static int add_str(json_object *o, const char *key, const char *s)
{
    return s ? add(o, key, json_object_new_string(s)) : 0;
}

static int add_strings(json_object *o, const char *key, size_t n, const char *const *items)
{
    json_object *a = json_object_new_array_ext((int)n);
    if (!a)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_new_string(items[i]);
        if (!s || json_object_array_add(a, s) != 0) {
            json_object_put(s);
            json_object_put(a);
            return -1;
        }
    }
    return add(o, key, a);
}

static int add_envelope(json_object *o, const msg_envelope *env)
{
    char ts[EVENTC_TIMESTAMP_MAX];
    if (eventc_timestamp_format(env->occurred_at, ts) == 0)
        return -1;
    return add_str(o, "event_name", env->event_name) || add_str(o, "event_id", env->event_id) ||
           add_str(o, "aggregate_type", env->aggregate_type) ||
           add_str(o, "aggregate_id", env->aggregate_id) || add_str(o, "occurred_at", ts) ||
           add_str(o, "actor", env->actor) ||
           add(o, "version", json_object_new_int64(env->version)) ||
           add_str(o, "idempotency_key", env->idempotency_key);
}

/* Enum members: the C value indexes the spelling table; out of range is refused. */
static int add_enum(json_object *o, const char *key, const char *const *names, int count, int v)
{
    return v >= 0 && v < count ? add_str(o, key, names[v]) : -1;
}

static int enc_event(json_object *o, const msg_event *ev)
{
    switch (ev->kind) {
    case MSG_EVENT_CUSTOMER_CREATED: {
        const msg_customer_created *e = &ev->as.customer_created;
        return add_envelope(o, &e->envelope) || add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "name", e->name);
    }
    case MSG_EVENT_CUSTOMER_UPDATED: {
        const msg_customer_updated *e = &ev->as.customer_updated;
        return add_envelope(o, &e->envelope) || add_str(o, "customer_id", e->customer_id) ||
               add_strings(o, "changed_fields", e->n_changed_fields, e->changed_fields);
    }
    case MSG_EVENT_CUSTOMER_ENABLED: {
        const msg_customer_enabled *e = &ev->as.customer_enabled;
        return add_envelope(o, &e->envelope) || add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_CUSTOMER_DISABLED: {
        const msg_customer_disabled *e = &ev->as.customer_disabled;
        return add_envelope(o, &e->envelope) || add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_CONTACT_CREATED: {
        const msg_contact_created *e = &ev->as.contact_created;
        return add_envelope(o, &e->envelope) || add_str(o, "contact_id", e->contact_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "display_name", e->display_name);
    }
    case MSG_EVENT_CONTACT_UPDATED: {
        const msg_contact_updated *e = &ev->as.contact_updated;
        return add_envelope(o, &e->envelope) || add_str(o, "contact_id", e->contact_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_strings(o, "changed_fields", e->n_changed_fields, e->changed_fields);
    }
    case MSG_EVENT_CONTACT_DELETED: {
        const msg_contact_deleted *e = &ev->as.contact_deleted;
        return add_envelope(o, &e->envelope) || add_str(o, "contact_id", e->contact_id) ||
               add_str(o, "customer_id", e->customer_id);
    }
    case MSG_EVENT_PROVIDER_CONFIGURED: {
        const msg_provider_configured *e = &ev->as.provider_configured;
        return add_envelope(o, &e->envelope) || add_str(o, "provider_id", e->provider_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_enum(o, "kind", provider_kinds, 5, (int)e->kind);
    }
    case MSG_EVENT_PROVIDER_UPDATED: {
        const msg_provider_updated *e = &ev->as.provider_updated;
        return add_envelope(o, &e->envelope) || add_str(o, "provider_id", e->provider_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_strings(o, "changed_fields", e->n_changed_fields, e->changed_fields);
    }
    case MSG_EVENT_PROVIDER_ENABLED: {
        const msg_provider_enabled *e = &ev->as.provider_enabled;
        return add_envelope(o, &e->envelope) || add_str(o, "provider_id", e->provider_id) ||
               add_str(o, "customer_id", e->customer_id) || add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_PROVIDER_DISABLED: {
        const msg_provider_disabled *e = &ev->as.provider_disabled;
        return add_envelope(o, &e->envelope) || add_str(o, "provider_id", e->provider_id) ||
               add_str(o, "customer_id", e->customer_id) || add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_CHANNEL_MAPPED: {
        const msg_channel_mapped *e = &ev->as.channel_mapped;
        return add_envelope(o, &e->envelope) || add_str(o, "channel_id", e->channel_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_enum(o, "kind", channel_kinds, 3, (int)e->kind) ||
               add_str(o, "address", e->address) || add_str(o, "normalized", e->normalized) ||
               add_str(o, "provider_id", e->provider_id);
    }
    case MSG_EVENT_CHANNEL_UPDATED: {
        const msg_channel_updated *e = &ev->as.channel_updated;
        return add_envelope(o, &e->envelope) || add_str(o, "channel_id", e->channel_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_strings(o, "changed_fields", e->n_changed_fields, e->changed_fields);
    }
    case MSG_EVENT_CHANNEL_UNMAPPED: {
        const msg_channel_unmapped *e = &ev->as.channel_unmapped;
        return add_envelope(o, &e->envelope) || add_str(o, "channel_id", e->channel_id) ||
               add_str(o, "customer_id", e->customer_id) || add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_CONVERSATION_CREATED: {
        const msg_conversation_created *e = &ev->as.conversation_created;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "channel_id", e->channel_id) || add_str(o, "contact_id", e->contact_id) ||
               add_str(o, "topic", e->topic) ||
               add_enum(o, "status", conversation_statuses, 3, (int)e->status);
    }
    case MSG_EVENT_CONVERSATION_UPDATED: {
        const msg_conversation_updated *e = &ev->as.conversation_updated;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_strings(o, "changed_fields", e->n_changed_fields, e->changed_fields);
    }
    case MSG_EVENT_CONVERSATION_CLOSED: {
        const msg_conversation_closed *e = &ev->as.conversation_closed;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) || add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_CONVERSATION_REOPENED: {
        const msg_conversation_reopened *e = &ev->as.conversation_reopened;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) || add_str(o, "reason", e->reason);
    }
    case MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED: {
        const msg_conversation_participant_added *e = &ev->as.conversation_participant_added;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "participant_id", e->participant_id);
    }
    case MSG_EVENT_CONVERSATION_PARTICIPANT_REMOVED: {
        const msg_conversation_participant_removed *e = &ev->as.conversation_participant_removed;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) ||
               add_str(o, "participant_id", e->participant_id);
    }
    case MSG_EVENT_CONVERSATION_ARCHIVED: {
        const msg_conversation_archived *e = &ev->as.conversation_archived;
        return add_envelope(o, &e->envelope) || add_str(o, "conversation_id", e->conversation_id) ||
               add_str(o, "customer_id", e->customer_id) || add_str(o, "reason", e->reason);
    }
    default:
        return -1;
    }
}

/* ---- dispatch ------------------------------------------------------------------------------- */

typedef struct jc_event {
    const char *name;
    msg_event_kind kind;
    int (*decode)(jc_peer *, json_object *, msg_event *);
    void (*release)(msg_event *);
} jc_event;

static const jc_event jc_events[] = {
    {"CustomerCreated", MSG_EVENT_CUSTOMER_CREATED, dec_customer_created, free_customer_created},
    {"CustomerUpdated", MSG_EVENT_CUSTOMER_UPDATED, dec_customer_updated, free_customer_updated},
    {"CustomerEnabled", MSG_EVENT_CUSTOMER_ENABLED, dec_customer_enabled, free_customer_enabled},
    {"CustomerDisabled", MSG_EVENT_CUSTOMER_DISABLED, dec_customer_disabled,
     free_customer_disabled},
    {"ContactCreated", MSG_EVENT_CONTACT_CREATED, dec_contact_created, free_contact_created},
    {"ContactUpdated", MSG_EVENT_CONTACT_UPDATED, dec_contact_updated, free_contact_updated},
    {"ContactDeleted", MSG_EVENT_CONTACT_DELETED, dec_contact_deleted, free_contact_deleted},
    {"ProviderConfigured", MSG_EVENT_PROVIDER_CONFIGURED, dec_provider_configured,
     free_provider_configured},
    {"ProviderUpdated", MSG_EVENT_PROVIDER_UPDATED, dec_provider_updated, free_provider_updated},
    {"ProviderEnabled", MSG_EVENT_PROVIDER_ENABLED, dec_provider_enabled, free_provider_enabled},
    {"ProviderDisabled", MSG_EVENT_PROVIDER_DISABLED, dec_provider_disabled,
     free_provider_disabled},
    {"ChannelMapped", MSG_EVENT_CHANNEL_MAPPED, dec_channel_mapped, free_channel_mapped},
    {"ChannelUpdated", MSG_EVENT_CHANNEL_UPDATED, dec_channel_updated, free_channel_updated},
    {"ChannelUnmapped", MSG_EVENT_CHANNEL_UNMAPPED, dec_channel_unmapped, free_channel_unmapped},
    {"ConversationCreated", MSG_EVENT_CONVERSATION_CREATED, dec_conversation_created,
     free_conversation_created},
    {"ConversationUpdated", MSG_EVENT_CONVERSATION_UPDATED, dec_conversation_updated,
     free_conversation_updated},
    {"ConversationClosed", MSG_EVENT_CONVERSATION_CLOSED, dec_conversation_closed,
     free_conversation_closed},
    {"ConversationReopened", MSG_EVENT_CONVERSATION_REOPENED, dec_conversation_reopened,
     free_conversation_reopened},
    {"ConversationParticipantAdded", MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED,
     dec_conversation_participant_added, free_conversation_participant_added},
    {"ConversationParticipantRemoved", MSG_EVENT_CONVERSATION_PARTICIPANT_REMOVED,
     dec_conversation_participant_removed, free_conversation_participant_removed},
    {"ConversationArchived", MSG_EVENT_CONVERSATION_ARCHIVED, dec_conversation_archived,
     free_conversation_archived},
};
#define JC_EVENT_COUNT (sizeof(jc_events) / sizeof(jc_events[0]))

static const jc_event *find_kind(msg_event_kind kind)
{
    for (size_t i = 0; i < JC_EVENT_COUNT; i++)
        if (jc_events[i].kind == kind)
            return &jc_events[i];
    return NULL;
}

int jc_decode(jc_peer *p, const char *json, size_t len, msg_event *ev, const char **why)
{
    json_tokener_reset(p->tok);
    json_object *root = json_tokener_parse_ex(p->tok, json, (int)len);
    int rc = -1;
    p->why[0] = '\0';
    if (json_tokener_get_error(p->tok) != json_tokener_success) {
        /* An incomplete text ends in json_tokener_continue: that is an error here too. */
        snprintf(p->why, sizeof(p->why), "syntax: %s",
                 json_tokener_error_desc(json_tokener_get_error(p->tok)));
        json_object_put(root);
        goto done;
    }
    for (size_t i = json_tokener_get_parse_end(p->tok); i < len; i++)
        if (json[i] != ' ' && json[i] != '\t' && json[i] != '\n' && json[i] != '\r') {
            snprintf(p->why, sizeof(p->why), "syntax: text after the value");
            json_object_put(root);
            goto done;
        }
    if (!root || !json_object_is_type(root, json_type_object)) { /* JSON null parses to NULL */
        snprintf(p->why, sizeof(p->why), "not an object");
        json_object_put(root);
        goto done;
    }
    json_object *name;
    const jc_event *e = NULL;
    if (json_object_object_get_ex(root, "event_name", &name) &&
        json_object_is_type(name, json_type_string)) {
        const char *s = json_object_get_string(name);
        for (size_t i = 0; i < JC_EVENT_COUNT && !e; i++)
            if (strcmp(s, jc_events[i].name) == 0)
                e = &jc_events[i];
    }
    if (!e) {
        snprintf(p->why, sizeof(p->why), "event_name: missing or unknown");
    } else {
        memset(ev, 0, sizeof(*ev));
        ev->kind = e->kind;
        if (e->decode(p, root, ev) == 0)
            rc = 0;
        else
            jc_event_free(ev);
    }
    json_object_put(root);
done:
    if (rc != 0)
        memset(ev, 0, sizeof(*ev));
    if (why)
        *why = p->why;
    return rc;
}

void jc_event_free(msg_event *ev)
{
    const jc_event *e = find_kind(ev->kind);
    if (e)
        e->release(ev);
    memset(ev, 0, sizeof(*ev));
}

size_t jc_encode(const msg_event *ev, void (*sink)(void *ctx, const char *s, size_t n), void *ctx)
{
    json_object *o = json_object_new_object();
    if (!o)
        return 0;
    size_t len = 0;
    if (enc_event(o, ev) == 0) {
        const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
        if (!s)
            len = 0;
        else if (sink)
            sink(ctx, s, len);
    }
    json_object_put(o);
    return len;
}
