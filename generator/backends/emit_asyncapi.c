/* The AsyncAPI back end: one AsyncAPI 3.0.0 document of the catalog, built as a JSON tree and
 * written as YAML, its messages (one per event) built and written one at a time. Channels are the
 * routing topics, messages the events (their payloads refer to the JSON Schemas of the schema
 * target), the CloudEvents binary mode a message trait with its headers, structured mode one
 * alternative message per channel (docs/asyncapi.md). */
#include "emit_asyncapi.h"
#include "names/ce_names.h"
#include "names/names.h"
#include "views/json_build.h"
#include "yaml_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KAFKA_BINDING "0.5.0"
#define HTTP_BINDING "0.3.0"
#define NATS_BINDING "0.1.0"
#define BINARY_TRAIT "cloudevents_binary"
#define SCHEMA_FORMAT "application/schema+json;version=draft-07"

/* ---- JSON helpers (json_build.h) ---- */

/* Adds a string when there is one: optional catalog text is left out, not null. */
static void jopt(json_object *o, const char *key, const char *s)
{
    if (s != NULL)
        jstr(o, key, s);
}

static json_object *ref_own(char *target)
{
    json_object *o = jobj();
    jown(o, "$ref", target);
    return o;
}

/* ---- names ---- */

/* "CustomerCreated" -> "Customer created". */
static char *title_of(const char *pascal)
{
    gen_str s;
    gen_str_init(&s);
    for (const char *p = pascal; *p; p++) {
        bool upper = *p >= 'A' && *p <= 'Z';
        bool after_lower =
            p != pascal && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
        if (upper && after_lower)
            gen_str_putc(&s, ' ');
        gen_str_putc(&s, upper && p != pascal ? (char)(*p - 'A' + 'a') : *p);
    }
    return s.data;
}

typedef struct channel {
    const char *topic;
    char *id;
    const gen_event **events;
    size_t n_events, cap_events;
    int64_t partitions;
} channel;

/* A channel id AsyncAPI accepts (`^[A-Za-z0-9_-]+$`): the snake name of the aggregate when the
 * channel carries exactly the events of one aggregate, else the topic with '_' for every other
 * character; a number is appended to an id another channel already has. */
static char *channel_id(const channel *c, const channel *all, size_t n_all)
{
    const gen_aggregate *a = c->events[0]->aggregate;
    bool one = c->n_events == a->n_events;
    for (size_t i = 0; one && i < c->n_events; i++)
        one = c->events[i]->aggregate == a;
    char *base;
    if (one) {
        base = gen_snake(a->name);
    } else {
        base = gen_xstrdup(c->topic);
        for (char *p = base; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '-'))
                *p = '_';
    }
    char *id = gen_xstrdup(base);
    for (int n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < n_all && !taken; i++)
            taken = all[i].id != NULL && strcmp(all[i].id, id) == 0;
        if (!taken)
            break;
        free(id);
        id = gen_format("%s_%d", base, n);
    }
    free(base);
    return id;
}

static char *snake_file(const char *name, const char *suffix)
{
    char *snake = gen_snake(name);
    char *f = gen_format("%s%s", snake, suffix);
    free(snake);
    return f;
}

/* ---- the document ---- */

static json_object *info_json(const gen_model *m)
{
    json_object *o = jobj();
    jstr(o, "title", m->title ? m->title : m->name);
    jown(o, "version", gen_format("%lld", (long long)m->version));
    if (m->description)
        jstr(o, "description", m->description);
    jstr(o, "x-eventc-catalog", m->name);
    return o;
}

static json_object *servers_json(const gen_model *m)
{
    json_object *o = jobj();
    for (size_t i = 0; i < m->n_servers; i++) {
        const gen_server *s = &m->servers[i];
        json_object *v = jobj();
        jopt(v, "host", s->host);
        jopt(v, "protocol", s->protocol);
        jopt(v, "protocolVersion", s->protocol_version);
        jopt(v, "pathname", s->pathname);
        jopt(v, "title", s->title);
        jopt(v, "summary", s->summary);
        jopt(v, "description", s->description);
        jset(o, s->name, v);
    }
    return o;
}

static bool has_protocol(const gen_model *m, const char *prefix)
{
    for (size_t i = 0; i < m->n_servers; i++)
        if (m->servers[i].protocol && strncmp(m->servers[i].protocol, prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

static json_object *string_schema(const char *description)
{
    json_object *p = jobj();
    jstr(p, "type", "string");
    jstr(p, "description", description);
    return p;
}

/* The headers of the binary content mode: every attribute as a `ce_` (Kafka) and a `ce-` (HTTP,
 * NATS) header, and one of the two sets of required attributes. */
static json_object *binary_trait(const gen_ce_names *names)
{
    json_object *t = jobj();
    jstr(t, "summary", "CloudEvents binary content mode");
    jstr(t, "description",
         "The event travels as a CloudEvent (CloudEvents 1.0) in binary content mode: its "
         "attributes in headers, `ce_<attribute>` over Kafka and `ce-<attribute>` over HTTP and "
         "NATS, its data (the event's own fields) as the message body, in JSON. The envelope "
         "fields travel as the attributes `id`, `subject` (the aggregate id), `time` and one "
         "extension each; `partitionkey` holds the partition key, the Kafka record key. The same "
         "event in structured content mode is the channel's `*_cloudevent` message.");
    static const struct {
        const char *name, *description;
    } core[] = {{"specversion", "The CloudEvents version: 1.0."},
                {"id", "The event id."},
                {"source", "The producer (a URI-reference)."},
                {"type", "The event's CloudEvents type."},
                {"subject", "The aggregate id."},
                {"time", "When the event occurred (RFC 3339)."},
                {"dataschema", "The URI of the event's JSON Schema."},
                {"datacontenttype", "The data's content type, application/json: over NATS; Kafka "
                                    "and HTTP carry it in content-type."},
                {"partitionkey", "The partition key (the Kafka record key)."}};
    static const char *const prefixes[] = {"ce_", "ce-"};
    json_object *props = jobj();
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
            json_object *p = string_schema(core[i].description);
            if (strcmp(core[i].name, "specversion") == 0)
                jstr(p, "const", "1.0");
            else if (i < 4)
                jset(p, "minLength", jcheck(json_object_new_int(1)));
            char *key = gen_format("%s%s", prefixes[k], core[i].name);
            jset(props, key, p);
            free(key);
        }
        for (size_t i = 0; i < names->n_envelope; i++) {
            const eventc_ce_field_map *f = &names->envelope[i];
            if (f->slot != EVENTC_CE_SLOT_EXTENSION || f->attribute == NULL)
                continue;
            char *d = gen_format("Extension attribute: the envelope field %s.", f->field);
            char *key = gen_format("%s%s", prefixes[k], f->attribute);
            jset(props, key, string_schema(d));
            free(key);
            free(d);
        }
    }
    jset(props, "content-type",
         string_schema("The data's content type over Kafka and HTTP: application/json."));
    json_object *any = jarr();
    for (int k = 0; k < 2; k++) {
        json_object *req = jarr();
        for (size_t i = 0; i < 4; i++)
            jpush_own(req, gen_format("%s%s", prefixes[k], core[i].name));
        json_object *alt = jobj();
        jset(alt, "required", req);
        jpush(any, alt);
    }
    json_object *h = jobj();
    jstr(h, "type", "object");
    jset(h, "properties", props);
    jset(h, "anyOf", any);
    jset(t, "headers", h);
    return t;
}

/* The text of notes on an event: deprecation, personal data, deprecated fields. */
static char *event_description(const gen_model *m, const gen_event *e, const char *type)
{
    gen_str s;
    gen_str_init(&s);
    if (e->description) {
        gen_str_puts(&s, e->description);
        size_t n = strlen(e->description);
        if (n == 0 || e->description[n - 1] != '\n')
            gen_str_putc(&s, '\n');
        gen_str_putc(&s, '\n');
    }
    gen_str_printf(&s, "CloudEvents type `%s`; aggregate %s; partition key `%s`.", type,
                   e->aggregate->name, e->route_key ? e->route_key->name : "-");
    if (e->deprecated)
        gen_str_printf(&s, "\n\nDeprecated%s%s.", e->deprecated_reason ? ": " : "",
                       e->deprecated_reason ? e->deprecated_reason : "");
    /* The event's fields, then the envelope's, as in x-eventc-pii. */
    bool first = true;
    for (size_t i = 0; i < e->n_fields + m->n_envelope; i++) {
        const gen_field *f = i < e->n_fields ? &e->fields[i] : &m->envelope[i - e->n_fields];
        if (f->pii) {
            gen_str_printf(&s, "%s`%s`", first ? "\n\nPersonal data (pii): " : ", ", f->name);
            first = false;
        }
    }
    if (!first)
        gen_str_putc(&s, '.');
    first = true;
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].deprecated) {
            const gen_field *f = &e->fields[i];
            gen_str_printf(&s, "%s`%s`%s%s%s", first ? "\n\nDeprecated fields: " : ", ", f->name,
                           f->deprecated_reason ? " (" : "",
                           f->deprecated_reason ? f->deprecated_reason : "",
                           f->deprecated_reason ? ")" : "");
            first = false;
        }
    if (!first)
        gen_str_putc(&s, '.');
    return s.data;
}

static json_object *event_message(const gen_model *m, const gen_event *e, const char *type)
{
    json_object *o = jobj();
    jstr(o, "name", e->name);
    jown(o, "title", title_of(e->name));
    jopt(o, "summary", e->summary);
    jown(o, "description", event_description(m, e, type));
    jstr(o, "contentType", "application/json");
    json_object *cid = jobj();
    jstr(cid, "description", "The CloudEvents id: the event id.");
    jstr(cid, "location", "$message.header#/ce_id");
    jset(o, "correlationId", cid);
    /* The type of this event, merged with the trait's headers. */
    json_object *h = jobj(), *props = jobj();
    jstr(h, "type", "object");
    for (int k = 0; k < 2; k++) {
        json_object *t = jobj();
        jstr(t, "const", type);
        jset(props, k ? "ce-type" : "ce_type", t);
    }
    jset(h, "properties", props);
    jset(o, "headers", h);
    json_object *payload = jobj();
    jstr(payload, "schemaFormat", SCHEMA_FORMAT);
    char *ce_file = snake_file(e->name, ".cloudevent.schema.json");
    jset(payload, "schema",
         ref_own(gen_format("../schemas/cloudevents/%s#/properties/data", ce_file)));
    free(ce_file);
    jset(o, "payload", payload);
    json_object *traits = jarr();
    jpush(traits, ref_own(gen_format("#/components/messageTraits/%s", BINARY_TRAIT)));
    jset(o, "traits", traits);
    json_object *bindings = jobj(), *kafka = jobj();
    if (e->route_key) {
        char *file = snake_file(e->name, ".schema.json");
        jset(kafka, "key",
             ref_own(gen_format("../schemas/%s#/properties/%s", file, e->route_key->name)));
        free(file);
    }
    jstr(kafka, "bindingVersion", KAFKA_BINDING);
    jset(bindings, "kafka", kafka);
    jset(o, "bindings", bindings);
    jstr(o, "x-eventcatalog-message-type", "event");
    jstr(o, "x-eventc-event", e->name);
    jstr(o, "x-eventc-aggregate", e->aggregate->name);
    jstr(o, "x-eventc-cloudevents-type", type);
    json_object *pii = jarr();
    json_object *dep = jobj();
    for (size_t i = 0; i < e->n_fields; i++) {
        const gen_field *f = &e->fields[i];
        if (f->pii)
            jpush(pii, jcheck(json_object_new_string(f->name)));
        if (f->deprecated)
            jset(dep, f->name,
                 f->deprecated_reason ? jcheck(json_object_new_string(f->deprecated_reason))
                                      : jcheck(json_object_new_boolean(1)));
    }
    for (size_t i = 0; i < m->n_envelope; i++)
        if (m->envelope[i].pii)
            jpush(pii, jcheck(json_object_new_string(m->envelope[i].name)));
    if (json_object_array_length(pii) > 0)
        jset(o, "x-eventc-pii", pii);
    else
        json_object_put(pii);
    if (json_object_object_length(dep) > 0)
        jset(o, "x-eventc-deprecated-fields", dep);
    else
        json_object_put(dep);
    if (e->deprecated)
        jset(o, "x-eventc-deprecated",
             e->deprecated_reason ? jcheck(json_object_new_string(e->deprecated_reason))
                                  : jcheck(json_object_new_boolean(1)));
    return o;
}

/* Structured content mode: any event of the channel as a CloudEvent in the JSON format. */
static json_object *structured_message(const channel *c)
{
    json_object *o = jobj();
    jown(o, "name", gen_format("%s_cloudevent", c->id));
    jown(o, "title", gen_format("CloudEvent of %s, structured mode", c->topic));
    jstr(o, "summary", "Any event of this channel as a CloudEvent in structured content mode.");
    jstr(o, "description",
         "The whole CloudEvent (attributes and data) as the message body in the CloudEvents JSON "
         "format, `application/cloudevents+json`: the alternative to the binary content mode of "
         "the channel's other messages. Its `type` says which event it holds.");
    jstr(o, "contentType", "application/cloudevents+json");
    json_object *payload = jobj(), *schema = jobj(), *one = jarr();
    jstr(payload, "schemaFormat", SCHEMA_FORMAT);
    for (size_t i = 0; i < c->n_events; i++) {
        char *file = snake_file(c->events[i]->name, ".cloudevent.schema.json");
        jpush(one, ref_own(gen_format("../schemas/cloudevents/%s", file)));
        free(file);
    }
    jset(schema, "oneOf", one);
    jset(payload, "schema", schema);
    jset(o, "payload", payload);
    jstr(o, "x-eventc-mode", "structured");
    return o;
}

static json_object *channel_json(const channel *c)
{
    json_object *o = jobj();
    jstr(o, "address", c->topic);
    jown(o, "title", gen_format("Topic %s", c->topic));
    gen_str d;
    gen_str_init(&d);
    gen_str_printf(&d, "The events routed to topic `%s`:", c->topic);
    for (size_t i = 0; i < c->n_events; i++)
        gen_str_printf(&d, "%s %s", i ? "," : "", c->events[i]->name);
    gen_str_puts(&d, ". Each as a CloudEvent in binary content mode, or in structured mode as the "
                     "`*_cloudevent` message.");
    jown(o, "description", d.data);
    json_object *msgs = jobj();
    for (size_t i = 0; i < c->n_events; i++)
        jset(msgs, c->events[i]->name,
             ref_own(gen_format("#/components/messages/%s", c->events[i]->name)));
    char *structured = gen_format("%s_cloudevent", c->id);
    jset(msgs, structured, ref_own(gen_format("#/components/messages/%s", structured)));
    free(structured);
    jset(o, "messages", msgs);
    json_object *bindings = jobj(), *kafka = jobj();
    jstr(kafka, "topic", c->topic);
    if (c->partitions)
        jset(kafka, "partitions", jcheck(json_object_new_int64(c->partitions)));
    jstr(kafka, "bindingVersion", KAFKA_BINDING);
    jset(bindings, "kafka", kafka);
    jset(o, "bindings", bindings);
    return o;
}

static json_object *operation_json(const gen_model *m, const channel *c, bool send)
{
    json_object *o = jobj();
    jstr(o, "action", send ? "send" : "receive");
    jset(o, "channel", ref_own(gen_format("#/channels/%s", c->id)));
    jown(o, "summary",
         gen_format(send ? "Publish the events of topic %s." : "Consume the events of topic %s.",
                    c->topic));
    json_object *msgs = jarr();
    for (size_t i = 0; i < c->n_events; i++)
        jpush(msgs, ref_own(gen_format("#/channels/%s/messages/%s", c->id, c->events[i]->name)));
    jpush(msgs, ref_own(gen_format("#/channels/%s/messages/%s_cloudevent", c->id, c->id)));
    jset(o, "messages", msgs);
    json_object *bindings = jobj(), *kafka = jobj();
    jstr(kafka, "bindingVersion", KAFKA_BINDING);
    jset(bindings, "kafka", kafka);
    if (send && has_protocol(m, "http")) {
        json_object *http = jobj();
        jstr(http, "method", "POST");
        jstr(http, "bindingVersion", HTTP_BINDING);
        jset(bindings, "http", http);
    }
    if (has_protocol(m, "nats")) {
        json_object *nats = jobj();
        jstr(nats, "bindingVersion", NATS_BINDING);
        jset(bindings, "nats", nats);
    }
    jset(o, "bindings", bindings);
    return o;
}

/* The channels: one per topic, in the order topics first appear, with their events. */
static channel *collect_channels(const gen_model *m, size_t *n_out)
{
    channel *cs = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(*cs));
    size_t n = 0;
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        channel *c = NULL;
        for (size_t k = 0; k < n && !c; k++)
            if (strcmp(cs[k].topic, e->route_topic) == 0)
                c = &cs[k];
        if (!c) {
            c = &cs[n++];
            c->topic = e->route_topic;
        }
        if (c->n_events == c->cap_events) {
            c->cap_events = c->cap_events ? c->cap_events * 2 : 8;
            c->events = gen_xrealloc(c->events, c->cap_events * sizeof(*c->events));
        }
        c->events[c->n_events++] = e;
        if (e->route_partitions)
            c->partitions = e->route_partitions;
    }
    for (size_t k = 0; k < n; k++)
        cs[k].id = channel_id(&cs[k], cs, n);
    *n_out = n;
    return cs;
}

/* What the document is made of, beyond its head. */
typedef struct parts {
    const gen_model *m;
    const gen_ce_names *names;
    const channel *cs;
    size_t n_channels;
} parts;

/* The head of the document: the entries before `channels`. */
static json_object *head_json(const gen_model *m)
{
    json_object *doc = jobj();
    jstr(doc, "asyncapi", "3.0.0");
    jset(doc, "info", info_json(m));
    jstr(doc, "defaultContentType", "application/json");
    if (m->n_servers > 0)
        jset(doc, "servers", servers_json(m));
    return doc;
}

/* The long mappings of the document, in order, with where they are and how many entries. */
enum { PART_CHANNELS, PART_OPERATIONS, PART_MESSAGES, N_PARTS };

static size_t part_size(const parts *p, int part)
{
    return part == PART_CHANNELS     ? p->n_channels
           : part == PART_OPERATIONS ? 2 * p->n_channels
                                     : p->m->n_events + p->n_channels;
}

/* Entry `i` of a long mapping, as a mapping of one entry: channels; a send and a receive
 * operation per channel; the messages of the events, then one structured message per channel. */
static json_object *part_entry(const parts *p, int part, size_t i)
{
    json_object *o = jobj();
    if (part == PART_CHANNELS) {
        jset(o, p->cs[i].id, channel_json(&p->cs[i]));
    } else if (part == PART_OPERATIONS) {
        const channel *c = &p->cs[i / 2];
        bool send = i % 2 == 0;
        char *key = gen_format("%s_%s", send ? "send" : "receive", c->id);
        jset(o, key, operation_json(p->m, c, send));
        free(key);
    } else if (i < p->m->n_events) {
        jset(o, p->m->events[i]->name, event_message(p->m, p->m->events[i], p->names->types[i]));
    } else {
        char *id = gen_format("%s_cloudevent", p->cs[i - p->m->n_events].id);
        jset(o, id, structured_message(&p->cs[i - p->m->n_events]));
        free(id);
    }
    return o;
}

static void free_channels(channel *cs, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(cs[k].id);
        free(cs[k].events);
    }
    free(cs);
}

static int names_of(const gen_model *m, gen_ce_names *names)
{
    gen_diags diags;
    gen_diags_init(&diags);
    int rc = gen_ce_names_build(m, names, &diags);
    if (rc != 0) {
        gen_diags_print(&diags, stderr);
        gen_ce_names_free(names);
    }
    gen_diags_free(&diags);
    return rc;
}

json_object *gen_asyncapi_document(const gen_model *m)
{
    gen_ce_names names;
    if (names_of(m, &names) != 0)
        return NULL;
    size_t n_channels = 0;
    channel *cs = collect_channels(m, &n_channels);
    parts p = {m, &names, cs, n_channels};
    json_object *doc = head_json(m);
    json_object *maps[N_PARTS];
    for (int part = 0; part < N_PARTS; part++) {
        maps[part] = jobj();
        for (size_t i = 0; i < part_size(&p, part); i++) {
            json_object *one = part_entry(&p, part, i);
            json_object_object_foreach(one, key, val) jset(maps[part], key, json_object_get(val));
            json_object_put(one);
        }
    }
    jset(doc, "channels", maps[PART_CHANNELS]);
    jset(doc, "operations", maps[PART_OPERATIONS]);
    json_object *components = jobj(), *traits = jobj();
    jset(components, "messages", maps[PART_MESSAGES]);
    jset(traits, BINARY_TRAIT, binary_trait(&names));
    jset(components, "messageTraits", traits);
    jset(doc, "components", components);
    free_channels(cs, n_channels);
    gen_ce_names_free(&names);
    return doc;
}

int gen_emit_asyncapi(const gen_model *m, const char *source, const char *version,
                      const char *out_dir, const gen_sink *sink)
{
    gen_ce_names names;
    if (names_of(m, &names) != 0)
        return -1;
    size_t n_channels = 0;
    channel *cs = collect_channels(m, &n_channels);
    parts p = {m, &names, cs, n_channels};
    int rc = sink->open(sink->ctx, gen_format("%s/asyncapi/%s.asyncapi.yaml", out_dir, m->name));
    bool opened = rc == 0;
    /* The text gen_yaml_write gives for gen_asyncapi_document, written a piece at a time: the
     * entries of the long mappings (one per channel, operation, event) are built, written and
     * released one after the other, and the text goes to the sink every 64 KiB. */
    gen_str out;
    gen_str_init(&out);
    gen_str_printf(&out, "# Generated by eventc %s from %s. DO NOT EDIT.\n", version, source);
    json_object *head = head_json(m);
    gen_yaml_write(&out, head);
    json_object_put(head);
    static const char *const keys[N_PARTS] = {
        "channels:", "operations:", "components:\n  messages:"};
    for (int part = 0; rc == 0 && part < N_PARTS; part++) {
        size_t n = part_size(&p, part);
        unsigned indent = part == PART_MESSAGES ? 4 : 2;
        gen_str_printf(&out, "%s%s\n", keys[part], n ? "" : " {}");
        for (size_t i = 0; rc == 0 && i < n; i++) {
            json_object *one = part_entry(&p, part, i);
            gen_yaml_write_entries(&out, one, indent);
            json_object_put(one);
            if (out.len >= 65536) {
                rc = sink->write(sink->ctx, out.data, out.len);
                out.len = 0;
            }
        }
    }
    json_object *traits = jobj();
    jset(traits, BINARY_TRAIT, binary_trait(&names));
    gen_str_puts(&out, "  messageTraits:\n");
    gen_yaml_write_entries(&out, traits, 4);
    json_object_put(traits);
    if (rc == 0)
        rc = sink->write(sink->ctx, out.data, out.len);
    if (opened && sink->close(sink->ctx, rc == 0) != 0)
        rc = -1;
    gen_str_free(&out);
    free_channels(cs, n_channels);
    gen_ce_names_free(&names);
    return rc;
}
