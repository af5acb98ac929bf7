/* The messaging catalog as a table for the peer decoders, the catalog's rules written out by
 * hand, and the peers' bump arena. See peer_rules.h. */
#include "peer_rules.h"

/* ---- arena ------------------------------------------------------------------------------- */

typedef struct pr_chunk {
    struct pr_chunk *next;
    char *block;
} pr_chunk;

void *pr_arena_grow(pr_arena *a, size_t n)
{
    size_t cap = a->cap ? a->cap * 2 : 4096;
    while (cap < n)
        cap *= 2;
    char *block = malloc(cap);
    pr_chunk *c = a->block ? malloc(sizeof(*c)) : NULL;
    if (!block || (a->block && !c)) {
        free(block);
        free(c);
        return NULL;
    }
    if (c) {
        c->block = a->block;
        c->next = a->full;
        a->full = c;
    }
    a->block = block;
    a->cap = cap;
    a->used = n;
    a->total += n;
    return block;
}

void pr_arena_reset(pr_arena *a)
{
    if (a->full) {
        /* Several blocks were needed: keep one as large as all of them. */
        while (a->full) {
            pr_chunk *c = a->full;
            a->full = c->next;
            free(c->block);
            free(c);
        }
        size_t want = 4096;
        while (want < a->total)
            want *= 2;
        char *b = malloc(want);
        if (b) {
            free(a->block);
            a->block = b;
            a->cap = want;
        }
    }
    a->used = 0;
    a->total = 0;
}

void pr_arena_free(pr_arena *a)
{
    pr_arena_reset(a);
    free(a->block);
    memset(a, 0, sizeof(*a));
}

/* ---- rules ------------------------------------------------------------------------------- */

int pr_is_snake_case(const char *s, size_t n)
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

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

int pr_unique(const char *const *items, size_t n)
{
    if (n <= 8) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(items[i], items[j]) == 0)
                    return 0;
        return 1;
    }
    const char *stack[256];
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    const char **table = cap <= 256 ? stack : calloc(cap, sizeof(*table));
    if (!table)
        return 0;
    if (table == stack)
        memset(stack, 0, cap * sizeof(*table));
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        size_t k = (size_t)hash_str(items[i]) & (cap - 1);
        for (; table[k]; k = (k + 1) & (cap - 1))
            if (strcmp(table[k], items[i]) == 0) {
                ok = 0;
                break;
            }
        table[k] = items[i];
    }
    if (table != stack)
        free(table);
    return ok;
}

int pr_enum(const char *const *names, unsigned count, const char *s, size_t n)
{
    for (unsigned i = 0; i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return (int)i;
    return -1;
}

/* ---- the table --------------------------------------------------------------------------- */

static const char *const provider_kinds[] = {"sms", "mms", "email", "voice", "voicemail"};
static const char *const channel_kinds[] = {"sms", "mms", "email"};
static const char *const conversation_statuses[] = {"open", "closed", "archived"};

#define OFF(ev, m) (unsigned short)offsetof(msg_event, as.ev.m)
#define NAMED(name, ev, path, kind, opt, min)                                   \
    {                                                                           \
        name, sizeof(name) - 1, kind, opt, min, OFF(ev, path), 0, NULL, NULL, 0 \
    }
#define MEMBER(ev, m, kind, opt, min) NAMED(#m, ev, m, kind, opt, min)
#define ENVELOPE(ev, aggregate)                                                       \
    NAMED("event_name", ev, envelope.event_name, PR_CONST, 0, 1),                     \
        NAMED("event_id", ev, envelope.event_id, PR_STRING, 0, 8),                    \
        {"aggregate_type", 14,   PR_CONST, 0, 0, OFF(ev, envelope.aggregate_type), 0, \
         aggregate,        NULL, 0},                                                  \
        NAMED("aggregate_id", ev, envelope.aggregate_id, PR_STRING, 0, 1),            \
        NAMED("occurred_at", ev, envelope.occurred_at, PR_TIMESTAMP, 0, 0),           \
        NAMED("actor", ev, envelope.actor, PR_STRING, 0, 1),                          \
        NAMED("version", ev, envelope.version, PR_INT64, 0, 0),                       \
        NAMED("idempotency_key", ev, envelope.idempotency_key, PR_STRING, 1, 4)
#define STR(ev, m) MEMBER(ev, m, PR_STRING, 0, 1)
#define OPT(ev, m) MEMBER(ev, m, PR_STRING, 1, 0)
#define NAMES(ev, m)                                                                  \
    {                                                                                 \
#m, sizeof(#m) - 1, PR_NAMES, 0, 0, OFF(ev, m), OFF(ev, n_##m), NULL, NULL, 0 \
    }
#define ENUM(ev, m, names)                                             \
    {                                                                  \
#m, sizeof(#m) - 1, PR_ENUM, 0, 0, OFF(ev, m), 0, NULL, names, \
            sizeof(names) / sizeof(names[0])                           \
    }

/* The envelope's members are 0 to 7 in every event; idempotency_key (7) is optional. */
#define REQUIRED(n, optional) (((1u << (n)) - 1) & ~((1u << 7) | (optional)))

static const pr_member m_customer_created[] = {ENVELOPE(customer_created, "Customer"),
                                               STR(customer_created, customer_id),
                                               STR(customer_created, name)};
static const pr_member m_customer_updated[] = {ENVELOPE(customer_updated, "Customer"),
                                               STR(customer_updated, customer_id),
                                               NAMES(customer_updated, changed_fields)};
static const pr_member m_customer_enabled[] = {ENVELOPE(customer_enabled, "Customer"),
                                               STR(customer_enabled, customer_id),
                                               OPT(customer_enabled, reason)};
static const pr_member m_customer_disabled[] = {ENVELOPE(customer_disabled, "Customer"),
                                                STR(customer_disabled, customer_id),
                                                OPT(customer_disabled, reason)};
static const pr_member m_contact_created[] = {
    ENVELOPE(contact_created, "Contact"), STR(contact_created, contact_id),
    STR(contact_created, customer_id), OPT(contact_created, display_name)};
static const pr_member m_contact_updated[] = {
    ENVELOPE(contact_updated, "Contact"), STR(contact_updated, contact_id),
    STR(contact_updated, customer_id), NAMES(contact_updated, changed_fields)};
static const pr_member m_contact_deleted[] = {ENVELOPE(contact_deleted, "Contact"),
                                              STR(contact_deleted, contact_id),
                                              STR(contact_deleted, customer_id)};
static const pr_member m_provider_configured[] = {
    ENVELOPE(provider_configured, "Provider"), STR(provider_configured, provider_id),
    STR(provider_configured, customer_id), ENUM(provider_configured, kind, provider_kinds)};
static const pr_member m_provider_updated[] = {
    ENVELOPE(provider_updated, "Provider"), STR(provider_updated, provider_id),
    STR(provider_updated, customer_id), NAMES(provider_updated, changed_fields)};
static const pr_member m_provider_enabled[] = {
    ENVELOPE(provider_enabled, "Provider"), STR(provider_enabled, provider_id),
    STR(provider_enabled, customer_id), OPT(provider_enabled, reason)};
static const pr_member m_provider_disabled[] = {
    ENVELOPE(provider_disabled, "Provider"), STR(provider_disabled, provider_id),
    STR(provider_disabled, customer_id), OPT(provider_disabled, reason)};
static const pr_member m_channel_mapped[] = {
    ENVELOPE(channel_mapped, "Channel"), STR(channel_mapped, channel_id),
    STR(channel_mapped, customer_id),    ENUM(channel_mapped, kind, channel_kinds),
    STR(channel_mapped, address),        STR(channel_mapped, normalized),
    STR(channel_mapped, provider_id)};
static const pr_member m_channel_updated[] = {
    ENVELOPE(channel_updated, "Channel"), STR(channel_updated, channel_id),
    STR(channel_updated, customer_id), NAMES(channel_updated, changed_fields)};
static const pr_member m_channel_unmapped[] = {
    ENVELOPE(channel_unmapped, "Channel"), STR(channel_unmapped, channel_id),
    STR(channel_unmapped, customer_id), OPT(channel_unmapped, reason)};
static const pr_member m_conversation_created[] = {
    ENVELOPE(conversation_created, "Conversation"),
    STR(conversation_created, conversation_id),
    STR(conversation_created, customer_id),
    STR(conversation_created, channel_id),
    STR(conversation_created, contact_id),
    OPT(conversation_created, topic),
    ENUM(conversation_created, status, conversation_statuses)};
static const pr_member m_conversation_updated[] = {
    ENVELOPE(conversation_updated, "Conversation"), STR(conversation_updated, conversation_id),
    STR(conversation_updated, customer_id), NAMES(conversation_updated, changed_fields)};
static const pr_member m_conversation_closed[] = {
    ENVELOPE(conversation_closed, "Conversation"), STR(conversation_closed, conversation_id),
    STR(conversation_closed, customer_id), OPT(conversation_closed, reason)};
static const pr_member m_conversation_reopened[] = {
    ENVELOPE(conversation_reopened, "Conversation"), STR(conversation_reopened, conversation_id),
    STR(conversation_reopened, customer_id), OPT(conversation_reopened, reason)};
static const pr_member m_conversation_participant_added[] = {
    ENVELOPE(conversation_participant_added, "Conversation"),
    STR(conversation_participant_added, conversation_id),
    STR(conversation_participant_added, customer_id),
    STR(conversation_participant_added, participant_id)};
static const pr_member m_conversation_participant_removed[] = {
    ENVELOPE(conversation_participant_removed, "Conversation"),
    STR(conversation_participant_removed, conversation_id),
    STR(conversation_participant_removed, customer_id),
    STR(conversation_participant_removed, participant_id)};
static const pr_member m_conversation_archived[] = {
    ENVELOPE(conversation_archived, "Conversation"), STR(conversation_archived, conversation_id),
    STR(conversation_archived, customer_id), OPT(conversation_archived, reason)};

#define EVENT(name, kind, members, optional)                                         \
    {                                                                                \
        name, sizeof(name) - 1, kind, members, sizeof(members) / sizeof(members[0]), \
            REQUIRED(sizeof(members) / sizeof(members[0]), optional)                 \
    }

const pr_event pr_events[MSG_EVENT_TYPE_COUNT] = {
    EVENT("CustomerCreated", MSG_EVENT_CUSTOMER_CREATED, m_customer_created, 0),
    EVENT("CustomerUpdated", MSG_EVENT_CUSTOMER_UPDATED, m_customer_updated, 0),
    EVENT("CustomerEnabled", MSG_EVENT_CUSTOMER_ENABLED, m_customer_enabled, 1u << 9),
    EVENT("CustomerDisabled", MSG_EVENT_CUSTOMER_DISABLED, m_customer_disabled, 1u << 9),
    EVENT("ContactCreated", MSG_EVENT_CONTACT_CREATED, m_contact_created, 1u << 10),
    EVENT("ContactUpdated", MSG_EVENT_CONTACT_UPDATED, m_contact_updated, 0),
    EVENT("ContactDeleted", MSG_EVENT_CONTACT_DELETED, m_contact_deleted, 0),
    EVENT("ProviderConfigured", MSG_EVENT_PROVIDER_CONFIGURED, m_provider_configured, 0),
    EVENT("ProviderUpdated", MSG_EVENT_PROVIDER_UPDATED, m_provider_updated, 0),
    EVENT("ProviderEnabled", MSG_EVENT_PROVIDER_ENABLED, m_provider_enabled, 1u << 10),
    EVENT("ProviderDisabled", MSG_EVENT_PROVIDER_DISABLED, m_provider_disabled, 1u << 10),
    EVENT("ChannelMapped", MSG_EVENT_CHANNEL_MAPPED, m_channel_mapped, 0),
    EVENT("ChannelUpdated", MSG_EVENT_CHANNEL_UPDATED, m_channel_updated, 0),
    EVENT("ChannelUnmapped", MSG_EVENT_CHANNEL_UNMAPPED, m_channel_unmapped, 1u << 10),
    EVENT("ConversationCreated", MSG_EVENT_CONVERSATION_CREATED, m_conversation_created, 1u << 12),
    EVENT("ConversationUpdated", MSG_EVENT_CONVERSATION_UPDATED, m_conversation_updated, 0),
    EVENT("ConversationClosed", MSG_EVENT_CONVERSATION_CLOSED, m_conversation_closed, 1u << 10),
    EVENT("ConversationReopened", MSG_EVENT_CONVERSATION_REOPENED, m_conversation_reopened,
          1u << 10),
    EVENT("ConversationParticipantAdded", MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED,
          m_conversation_participant_added, 0),
    EVENT("ConversationParticipantRemoved", MSG_EVENT_CONVERSATION_PARTICIPANT_REMOVED,
          m_conversation_participant_removed, 0),
    EVENT("ConversationArchived", MSG_EVENT_CONVERSATION_ARCHIVED, m_conversation_archived,
          1u << 10),
};

const pr_event *pr_find_event(const char *s, size_t n)
{
    for (size_t i = 0; i < MSG_EVENT_TYPE_COUNT; i++)
        if (pr_events[i].name_len == n && memcmp(pr_events[i].name, s, n) == 0)
            return &pr_events[i];
    return NULL;
}
