/* The CloudEvents mapping of a catalog: the type of every event and the attribute of every
 * envelope field, with the checks that make the mapping sound. The checker runs it, so `eventc
 * check` refuses what the CloudEvents converters and schemas could not carry. */
#include "ce_names.h"
#include "names.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The extension that carries the aggregate id as Kafka's record key. */
#define CE_PARTITIONKEY "partitionkey"

/* ---- the mapping ---------------------------------------------------------------------------- */

void gen_ce_names_free(gen_ce_names *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->n_events; i++) {
        free(n->types ? n->types[i] : NULL);
        free(n->dataschemas ? n->dataschemas[i] : NULL);
    }
    free(n->types);
    free(n->dataschemas);
    free(n->key_fields);
    for (size_t i = 0; i < n->n_envelope; i++) {
        free((char *)n->envelope[i].field);
        free((char *)n->envelope[i].attribute);
    }
    free(n->envelope);
    memset(n, 0, sizeof *n);
}

static eventc_ce_slot slot_of(gen_role r)
{
    switch (r) {
    case GEN_ROLE_EVENT_NAME:
        return EVENTC_CE_SLOT_EVENT_NAME;
    case GEN_ROLE_AGGREGATE_TYPE:
        return EVENTC_CE_SLOT_AGGREGATE_TYPE;
    case GEN_ROLE_EVENT_ID:
        return EVENTC_CE_SLOT_ID;
    case GEN_ROLE_AGGREGATE_ID:
        return EVENTC_CE_SLOT_SUBJECT;
    case GEN_ROLE_OCCURRED_AT:
        return EVENTC_CE_SLOT_TIME;
    default:
        return EVENTC_CE_SLOT_EXTENSION;
    }
}

static const char *core_attribute(eventc_ce_slot s)
{
    switch (s) {
    case EVENTC_CE_SLOT_ID:
        return "id";
    case EVENTC_CE_SLOT_SUBJECT:
        return "subject";
    case EVENTC_CE_SLOT_TIME:
        return "time";
    default:
        return "type";
    }
}

/* The field name without its underscores: `idempotency_key` -> `idempotencykey`. */
static char *default_extension(const char *field)
{
    char *s = gen_xstrdup(field);
    char *o = s;
    for (const char *p = field; *p; p++)
        if (*p != '_')
            *o++ = *p;
    *o = '\0';
    return s;
}

static const gen_ce_extension *override_of(const gen_model *m, const char *field)
{
    for (size_t i = 0; i < m->n_ce_extensions; i++)
        if (strcmp(m->ce_extensions[i].field, field) == 0)
            return &m->ce_extensions[i];
    return NULL;
}

static const char *where(gen_loc loc, char *buf, size_t n)
{
    snprintf(buf, n, "%s:%u", loc.file ? loc.file : "?", loc.line);
    return buf;
}

static int check_overrides(const gen_model *m, gen_diags *diags)
{
    int rc = 0;
    for (size_t i = 0; i < m->n_ce_extensions; i++) {
        const gen_ce_extension *x = &m->ce_extensions[i];
        const gen_field *f = NULL;
        for (size_t k = 0; k < m->n_envelope && !f; k++)
            if (strcmp(m->envelope[k].name, x->field) == 0)
                f = &m->envelope[k];
        if (f == NULL) {
            gen_error(diags, x->loc,
                      "CloudEvents 'extensions' names '%s', which is not an envelope field",
                      x->field);
            rc = -1;
        } else if (slot_of(f->role) != EVENTC_CE_SLOT_EXTENSION) {
            eventc_ce_slot s = slot_of(f->role);
            gen_error(diags, x->loc,
                      "envelope field '%s' has role '%s': it travels as the CloudEvents %s "
                      "attribute, not as an extension",
                      x->field, gen_role_name(f->role),
                      s == EVENTC_CE_SLOT_EVENT_NAME || s == EVENTC_CE_SLOT_AGGREGATE_TYPE
                          ? "type"
                          : core_attribute(s));
            rc = -1;
        }
    }
    return rc;
}

static int build_envelope(const gen_model *m, gen_ce_names *out, gen_diags *diags)
{
    int rc = check_overrides(m, diags);
    out->n_envelope = m->n_envelope;
    out->envelope = gen_xcalloc(m->n_envelope ? m->n_envelope : 1, sizeof(*out->envelope));
    gen_loc *locs = gen_xcalloc(m->n_envelope ? m->n_envelope : 1, sizeof(*locs));
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        eventc_ce_field_map *fm = &out->envelope[i];
        fm->field = gen_xstrdup(f->name);
        fm->slot = slot_of(f->role);
        if (fm->slot != EVENTC_CE_SLOT_EXTENSION) {
            if (fm->slot == EVENTC_CE_SLOT_ID || fm->slot == EVENTC_CE_SLOT_SUBJECT ||
                fm->slot == EVENTC_CE_SLOT_TIME)
                fm->attribute = gen_xstrdup(core_attribute(fm->slot));
            continue;
        }
        const gen_ce_extension *x = override_of(m, f->name);
        char *name = x ? gen_xstrdup(x->name) : default_extension(f->name);
        gen_loc loc = x ? x->loc : f->loc;
        locs[i] = loc;
        fm->attribute = name;
        const char *hint = x ? "" : " (choose another in the catalog's cloudevents: extensions:)";
        if (!eventc_ce_check_name(name, strlen(name))) {
            gen_error(diags, loc,
                      "'%s', the CloudEvents extension attribute of envelope field '%s', may hold "
                      "only lower-case letters a-z and digits 0-9%s",
                      name, f->name, hint);
            rc = -1;
        } else if (eventc_ce_is_reserved_name(name, strlen(name)) ||
                   strcmp(name, CE_PARTITIONKEY) == 0) {
            gen_error(diags, loc,
                      "'%s', the CloudEvents extension attribute of envelope field '%s', is "
                      "reserved: %s%s",
                      name, f->name,
                      strcmp(name, CE_PARTITIONKEY) == 0 ? "partitionkey carries the aggregate id"
                                                         : "it is a core attribute of CloudEvents",
                      hint);
            rc = -1;
        } else {
            for (size_t k = 0; k < i; k++) {
                const eventc_ce_field_map *o = &out->envelope[k];
                if (o->slot != EVENTC_CE_SLOT_EXTENSION || strcmp(o->attribute, name) != 0)
                    continue;
                char at[256];
                gen_error(diags, loc,
                          "envelope fields '%s' and '%s' (%s) would both be the CloudEvents "
                          "extension attribute '%s'%s",
                          f->name, o->field, where(locs[k], at, sizeof at), name, hint);
                rc = -1;
                break;
            }
        }
    }
    free(locs);
    return rc;
}

typedef struct typed {
    const char *type;
    size_t index;
} typed;

/* Orders events by type, then by position, so the first of equal types comes first. */
static int cmp_typed(const void *a, const void *b)
{
    const typed *x = a, *y = b;
    int r = strcmp(x->type, y->type);
    return r ? r : (x->index > y->index) - (x->index < y->index);
}

int gen_ce_names_build(const gen_model *m, gen_ce_names *out, gen_diags *diags)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    eventc_error e;
    const char *source = m->ce_source ? m->ce_source : "/";
    gen_loc source_loc = m->ce_source_loc.line ? m->ce_source_loc : m->name_loc;
    if (eventc_ce_check_uri(source, strlen(source), false, &e) != EVENTC_OK) {
        gen_error(diags, source_loc, "CloudEvents 'source' '%s' is not a URI-reference: %s", source,
                  e.message);
        rc = -1;
    }
    const char *prefix = m->ce_type_prefix ? m->ce_type_prefix : m->name;
    const char *base = m->schema_base_uri ? m->schema_base_uri : "";
    out->n_events = m->n_events;
    out->types = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(char *));
    out->dataschemas = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(char *));
    out->key_fields = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(char *));
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *ev = m->events[i];
        const char *key = ev->route_key ? ev->route_key->name : NULL;
        if (key && ev->aggregate->id_field && strcmp(key, ev->aggregate->id_field) != 0)
            out->key_fields[i] = key;
        char *agg = gen_snake(ev->aggregate->name);
        char *name = gen_snake(ev->name);
        size_t n = strlen(agg);
        const char *verb = strncmp(name, agg, n) == 0 && name[n] == '_' ? name + n + 1 : name;
        out->types[i] = gen_format("%s.%s.%s", prefix, agg, verb);
        out->dataschemas[i] = gen_format("%s%s.schema.json", base, name);
        free(agg);
        free(name);
        if (i == 0 && eventc_ce_check_uri(out->dataschemas[i], strlen(out->dataschemas[i]), true,
                                          &e) != EVENTC_OK) {
            gen_error(diags, m->schema_base_uri_loc.line ? m->schema_base_uri_loc : m->name_loc,
                      "the JSON Schema URIs under 'schema_base_uri' cannot be the CloudEvents "
                      "dataschema: %s",
                      e.message);
            rc = -1;
        }
    }
    /* Two events with one type, found by sorting (catalogs may be large). */
    typed *order = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(*order));
    for (size_t i = 0; i < m->n_events; i++)
        order[i] = (typed){out->types[i], i};
    qsort(order, m->n_events, sizeof(*order), cmp_typed);
    size_t first = 0;
    for (size_t i = 1; i < m->n_events; i++) {
        if (strcmp(order[first].type, order[i].type) != 0) {
            first = i;
            continue;
        }
        const gen_event *a = m->events[order[first].index], *b = m->events[order[i].index];
        char *sa = gen_snake(a->name), *sb = gen_snake(b->name);
        bool same = strcmp(sa, sb) == 0;
        free(sa);
        free(sb);
        if (same)
            continue; /* the same C identifier: reported by the C names check */
        char at[256];
        gen_error(diags, b->loc,
                  "event '%s' would have the CloudEvents type '%s', which event '%s' (%s) "
                  "already has",
                  b->name, order[i].type, a->name, where(a->loc, at, sizeof at));
        rc = -1;
    }
    free(order);
    if (build_envelope(m, out, diags) != 0)
        rc = -1;
    return rc;
}
