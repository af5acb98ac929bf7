/* The routing rules of the checker: each event's topic, partition key and partition count, and the
 * catalog's servers. */
#ifndef EVENTC_GEN_CHECK_ROUTING_H
#define EVENTC_GEN_CHECK_ROUTING_H

#include "base/diag.h"
#include "model/model.h"

/**
 * Resolves the route of every event of `m` (its `routing`, else its aggregate's, else the default:
 * topic `<type_prefix>.<aggregate>` in lower case, key the aggregate's id field) into
 * `route_topic`, `route_key` and `route_partitions`, and reports at their position: a topic that is
 * not a valid topic name (also a default one, at the type prefix); a key that is no field of the
 * event nor of the envelope, or not a required string; two partition counts for one topic.
 * Runs after the events' fields are checked (their types resolved).
 */
void gen_check_routing(gen_model *m, gen_diags *diags);

/**
 * Checks the catalog's `servers`: names AsyncAPI accepts (letters, digits, '_', '-') and unique; a
 * known protocol (kafka, kafka-secure, nats, http, https); a `host[:port]` without scheme or path;
 * a `pathname` starting with '/', on http and https servers only.
 */
void gen_check_servers(gen_model *m, gen_diags *diags);

#endif
