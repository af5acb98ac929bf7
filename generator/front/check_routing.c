/* The checker's routing rules: where each event is delivered (topic, partition key, partitions),
 * resolved from the event's `routing`, its aggregate's and the default route, and stored in the
 * model for every back end (docs/catalog-format.md, "Routing"). */
#include "check_routing.h"
#include "names/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest topic name: Kafka's limit. */
#define TOPIC_MAX 249

/* What is wrong with a topic name, or NULL. A topic is valid for Kafka (`[A-Za-z0-9._-]`, at most
 * 249 characters) and for NATS (dot-separated tokens, none empty, no wildcards or blanks) alike. */
static const char *topic_problem(const char *t, char *buf, size_t n)
{
    size_t len = strlen(t);
    if (len == 0)
        return "it is empty";
    if (len > TOPIC_MAX) {
        snprintf(buf, n, "it is %zu characters long, more than %d", len, TOPIC_MAX);
        return buf;
    }
    for (const char *p = t; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.';
        if (!ok) {
            if (c > 0x20 && c < 0x7f)
                snprintf(buf, n, "'%c' is not allowed", c);
            else
                snprintf(buf, n, "byte 0x%02X is not allowed", c);
            return buf;
        }
        if (c == '.' && (p == t || p[1] == '.' || p[1] == '\0'))
            return "a segment between dots is empty";
    }
    return NULL;
}

static bool check_topic(gen_diags *diags, const char *topic, gen_loc loc)
{
    char buf[96];
    const char *why = topic_problem(topic, buf, sizeof buf);
    if (why == NULL)
        return true;
    gen_error(diags, loc,
              "topic '%s' is not a valid topic name: %s (a topic is up to %d letters, digits, '_' "
              "and '-', in segments separated by single dots)",
              topic, why, TOPIC_MAX);
    return false;
}

/* The field named `name`: an envelope field first, then one of the event's. */
static const gen_field *find_key(const gen_model *m, const gen_event *e, const char *name)
{
    for (size_t i = 0; i < m->n_envelope; i++)
        if (strcmp(m->envelope[i].name, name) == 0)
            return &m->envelope[i];
    return gen_event_find_field(e, name);
}

/* A key must always have a value that is a string: what else the field is, or NULL. */
static char *key_problem(const gen_field *f)
{
    if (f->type.kind != GEN_T_STRING && f->type.kind != GEN_T_UNRESOLVED)
        return gen_format("of type '%s'",
                          f->type.name ? f->type.name : gen_kind_name(f->type.kind));
    if (f->optional)
        return gen_xstrdup("optional");
    if (f->nullable)
        return gen_xstrdup("nullable");
    return NULL;
}

typedef struct declared {
    const char *topic;
    int64_t partitions;
    gen_loc loc;
    size_t order;
} declared;

static int cmp_declared(const void *a, const void *b)
{
    const declared *x = a, *y = b;
    int r = strcmp(x->topic, y->topic);
    return r ? r : (x->order > y->order) - (x->order < y->order);
}

void gen_check_routing(gen_model *m, gen_diags *diags)
{
    const char *prefix = m->ce_type_prefix ? m->ce_type_prefix : m->name;
    if (prefix == NULL)
        return;
    gen_loc prefix_loc = m->ce_type_prefix_loc.line ? m->ce_type_prefix_loc : m->name_loc;
    /* A prefix with characters a type may not have was reported with the catalog settings. */
    bool prefix_reported = strspn(prefix, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789._-") != strlen(prefix);
    /* Partition counts declared for a topic, at either level; they must agree. */
    declared *decl = gen_xcalloc(m->n_aggregates + m->n_events + 1, sizeof(*decl));
    size_t n_decl = 0;
    for (size_t i = 0; i < m->n_aggregates; i++) {
        gen_aggregate *a = m->aggregates[i];
        const gen_routing *ar = &a->routing;
        /* The default topic: `<type_prefix>.<aggregate>` in lower case, the CloudEvents type of
         * the aggregate's events without its last segment. */
        char *snake = gen_snake(a->name);
        char *topic = gen_format("%s.%s", prefix, snake);
        free(snake);
        for (char *p = topic; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        const char *agg_topic = gen_pool_strdup(&m->pool, topic);
        a->route_default_topic = agg_topic;
        if (ar->topic) {
            check_topic(diags, ar->topic, ar->topic_loc);
            agg_topic = ar->topic;
        }
        a->route_topic = agg_topic;
        bool default_used = false;
        for (size_t k = 0; k < a->n_events && !ar->topic && !default_used; k++)
            default_used = !a->events[k]->routing.topic;
        char buf[96];
        const char *why =
            default_used && !prefix_reported ? topic_problem(topic, buf, sizeof buf) : NULL;
        if (why) {
            gen_error(diags, prefix_loc,
                      "the default topic of aggregate '%s', '%s', is not a valid topic name: %s; "
                      "give the aggregate a 'routing' 'topic' or change the CloudEvents "
                      "'type_prefix'",
                      a->name, topic, why);
            prefix_reported = true;
        }
        if (ar->partitions) {
            decl[n_decl] = (declared){agg_topic, ar->partitions, ar->partitions_loc, n_decl};
            n_decl++;
        }
        const char *agg_key = ar->key ? ar->key : a->id_field;
        bool agg_key_reported = false;
        for (size_t k = 0; k < a->n_events; k++) {
            gen_event *e = a->events[k];
            const gen_routing *er = &e->routing;
            const char *t = agg_topic;
            if (er->topic) {
                check_topic(diags, er->topic, er->topic_loc);
                t = er->topic;
            }
            e->route_topic = gen_pool_strdup(&m->pool, t);
            if (er->partitions) {
                decl[n_decl] =
                    (declared){e->route_topic, er->partitions, er->partitions_loc, n_decl};
                n_decl++;
            }
            const char *key = er->key ? er->key : agg_key;
            if (key == NULL)
                continue; /* no aggregate id: reported already */
            const gen_field *f = find_key(m, e, key);
            if (er->key) {
                if (!f)
                    gen_error(diags, er->key_loc,
                              "routing key '%s' of event '%s' is neither one of its fields nor an "
                              "envelope field",
                              key, e->name);
            } else if (ar->key) {
                if (!f && !agg_key_reported) {
                    gen_error(diags, ar->key_loc,
                              "routing key '%s' of aggregate '%s' is not a field of its event '%s' "
                              "nor an envelope field",
                              key, a->name, e->name);
                    agg_key_reported = true;
                }
            } else {
                if (f)
                    e->route_key = f;
                continue; /* the aggregate's id field: its rules are the id's */
            }
            char *bad = f ? key_problem(f) : NULL;
            if (bad) {
                bool own = er->key != NULL;
                if (own || !agg_key_reported)
                    gen_error(diags, own ? er->key_loc : ar->key_loc,
                              "routing key '%s' must be a required string field; in event '%s' it "
                              "is %s",
                              key, e->name, bad);
                if (!own)
                    agg_key_reported = true;
                free(bad);
            }
            e->route_key = f;
        }
        free(topic);
    }
    /* One partition count per topic. */
    if (n_decl > 1)
        qsort(decl, n_decl, sizeof(*decl), cmp_declared);
    for (size_t i = 1, first = 0; i < n_decl; i++) {
        if (strcmp(decl[first].topic, decl[i].topic) != 0) {
            first = i;
            continue;
        }
        if (decl[first].partitions != decl[i].partitions) {
            char where[256];
            if (decl[first].loc.file_index == decl[i].loc.file_index)
                snprintf(where, sizeof where, "line %u", decl[first].loc.line);
            else
                snprintf(where, sizeof where, "%s:%u",
                         decl[first].loc.file ? decl[first].loc.file : "?", decl[first].loc.line);
            gen_error(diags, decl[i].loc,
                      "topic '%s' is declared with %lld partitions here and %lld at %s",
                      decl[i].topic, (long long)decl[i].partitions,
                      (long long)decl[first].partitions, where);
        }
    }
    for (size_t i = 0; i < m->n_events; i++) {
        gen_event *e = m->events[i];
        for (size_t k = 0; k < n_decl && e->route_topic; k++)
            if (strcmp(decl[k].topic, e->route_topic) == 0) {
                e->route_partitions = decl[k].partitions;
                break;
            }
    }
    free(decl);
}

/* ---- servers ---- */

static const char *const server_protocols[] = {"kafka", "kafka-secure", "nats",
                                               "http",  "https",        NULL};

/* What is wrong with a `host[:port]`, or NULL. */
static const char *host_problem(const char *h)
{
    if (*h == '\0')
        return "it is empty";
    if (strstr(h, "://"))
        return "give the host without a scheme (the protocol says it)";
    const char *colon = strrchr(h, ':');
    for (const char *p = h; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '@')
            return "a host holds no blank, '/', '?', '#' or '@'";
    }
    if (colon && h[0] != '[') {
        if (colon == h || colon[1] == '\0')
            return "the port after ':' is missing";
        long port = 0;
        for (const char *p = colon + 1; *p; p++) {
            if (*p < '0' || *p > '9')
                return "the port after ':' must be a number";
            port = port * 10 + (*p - '0');
            if (port > 65535)
                break;
        }
        if (port < 1 || port > 65535)
            return "the port must be between 1 and 65535";
    }
    return NULL;
}

void gen_check_servers(gen_model *m, gen_diags *diags)
{
    for (size_t i = 0; i < m->n_servers; i++) {
        const gen_server *s = &m->servers[i];
        bool name_ok = *s->name != '\0';
        for (const char *p = s->name; *p; p++)
            name_ok = name_ok && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                  (*p >= '0' && *p <= '9') || *p == '_' || *p == '-');
        if (!name_ok)
            gen_error(diags, s->loc,
                      "server name '%s' may hold only letters, digits, '_' and '-' (AsyncAPI "
                      "server names)",
                      s->name);
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->servers[k].name, s->name) == 0)
                gen_error(diags, s->loc, "server '%s' is already defined (line %u)", s->name,
                          m->servers[k].loc.line);
        const char *why = s->host ? host_problem(s->host) : NULL;
        if (why)
            gen_error(diags, s->host_loc, "server '%s': 'host' '%s' is not host[:port]: %s",
                      s->name, s->host, why);
        bool known = false, http = false;
        for (const char *const *p = server_protocols; s->protocol && *p; p++)
            known = known || strcmp(*p, s->protocol) == 0;
        if (s->protocol && !known)
            gen_error(diags, s->protocol_loc,
                      "server '%s': unknown protocol '%s' (expected kafka, kafka-secure, nats, "
                      "http or https)",
                      s->name, s->protocol);
        http = s->protocol && strncmp(s->protocol, "http", 4) == 0;
        if (s->pathname && !http)
            gen_error(diags, s->pathname_loc,
                      "server '%s': 'pathname' applies to http and https servers only", s->name);
        else if (s->pathname && (s->pathname[0] != '/' || strpbrk(s->pathname, " \t\r\n?#")))
            gen_error(diags, s->pathname_loc,
                      "server '%s': 'pathname' '%s' must start with '/' and hold no blank, '?' "
                      "or '#'",
                      s->name, s->pathname);
    }
}
