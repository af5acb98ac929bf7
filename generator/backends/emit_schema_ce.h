/* JSON Schemas of the catalog's events as CloudEvents: one per event for the CloudEvent the
 * generated converters write and read in the JSON event format (structured content mode). */
#ifndef EVENTC_GEN_EMIT_SCHEMA_CE_H
#define EVENTC_GEN_EMIT_SCHEMA_CE_H

#include "model/model.h"
#include "schema_output.h"

/**
 * Emits `schemas/cloudevents/<event>.cloudevent.schema.json` for every event of the checked
 * model `m`, in catalog order. Each schema pins the event's type, requires the attributes its
 * envelope needs, refers to the event's own schema (`../<event>.schema.json`) for the value
 * rules of every field, and lists the catalog's examples converted to CloudEvents. Every
 * CloudEvent valid under one of them is valid under the official CloudEvents schema too.
 *
 * @param o as for gen_emit_schema (the draft; strict refuses unknown members of data)
 * @return 0; -1 when the catalog has no CloudEvents mapping (messages on stderr), an example
 *         cannot be converted, or `emit` returned non-zero.
 */
int gen_emit_schema_ce(const gen_model *m, const gen_schema_options *o, gen_emit_fn emit,
                       void *ctx);

#endif
