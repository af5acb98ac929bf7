/* The AsyncAPI back end: `asyncapi/<catalog>.asyncapi.yaml`, an AsyncAPI 3.0.0 document of the
 * catalog (docs/asyncapi.md). */
#ifndef EVENTC_GEN_EMIT_ASYNCAPI_H
#define EVENTC_GEN_EMIT_ASYNCAPI_H

#include "emit_c.h"
#include "model/model.h"

#include <json-c/json.h>

/** The document gen_emit_asyncapi writes, as a JSON tree (release with json_object_put), or NULL
 * when the CloudEvents mapping cannot be made (message on stderr). */
json_object *gen_asyncapi_document(const gen_model *m);

/**
 * Writes the AsyncAPI document of the checked model `m` into `sink`, as
 * `out_dir/asyncapi/<catalog>.asyncapi.yaml`: info from the catalog; its servers; one channel per
 * routing topic with its events and its Kafka binding; `send` and `receive` operations per channel;
 * one message per event in CloudEvents binary mode (a trait with the `ce_`/`ce-` headers), its
 * payload the event's data by reference to `../schemas/cloudevents/<event>.cloudevent.schema.json`,
 * its Kafka key by reference to `../schemas/<event>.schema.json`; and per channel a structured-mode
 * message. The output is deterministic, and the same text gen_yaml_write gives for
 * gen_asyncapi_document; it goes to the sink in pieces while the messages are built one at a time,
 * so a catalog of thousands of events never has its document in memory.
 *
 * @param source  the catalog path as the banner prints it
 * @param version the generator's version, for the banner
 * @return 0, or -1 when the CloudEvents mapping cannot be made (message on stderr; the checker
 *         refuses such catalogs) or the sink stopped.
 */
int gen_emit_asyncapi(const gen_model *m, const char *source, const char *version,
                      const char *out_dir, const gen_sink *sink);

#endif
