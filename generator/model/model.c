/* The model's own operations: releasing it, the names of its kinds and roles, and the queries
 * every stage asks of it (find a type, an event, a field). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {
    "", "event_name", "event_id", "aggregate_type", "aggregate_id", "occurred_at", "version"};

void gen_model_free(gen_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_files; i++)
        free(m->files[i].real);
    free(m->files);
    free(m->types);
    for (size_t i = 0; i < m->n_aggregates; i++)
        free(m->aggregates[i]->events);
    free(m->aggregates);
    free(m->events);
    free(m->desc_cache);
    free(m->dfa_cache);
    gen_pool_free(&m->pool);
    free(m);
}

const char *gen_role_name(gen_role r)
{
    return r > GEN_ROLE_NONE && r < GEN_ROLE_COUNT ? role_names[r] : "none";
}

const char *gen_kind_name(gen_kind k)
{
    switch (k) {
    case GEN_T_STRING:
        return "string";
    case GEN_T_INTEGER:
        return "integer";
    case GEN_T_NUMBER:
        return "number";
    case GEN_T_BOOLEAN:
        return "boolean";
    case GEN_T_TIMESTAMP:
        return "timestamp";
    case GEN_T_JSON:
        return "json";
    case GEN_T_ARRAY:
        return "array";
    case GEN_T_ENUM:
        return "enum";
    case GEN_T_OBJECT:
        return "object";
    case GEN_T_UNRESOLVED:
        break;
    }
    return "unknown";
}

gen_type *gen_model_find_type(const gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_types; i++)
        if (strcmp(m->types[i]->name, name) == 0)
            return m->types[i];
    return NULL;
}

gen_event *gen_model_find_event(const gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_events; i++)
        if (strcmp(m->events[i]->name, name) == 0)
            return m->events[i];
    return NULL;
}

const gen_field *gen_event_find_field(const gen_event *e, const char *name)
{
    for (size_t i = 0; i < e->n_fields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return &e->fields[i];
    return NULL;
}
