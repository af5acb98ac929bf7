/* The routing rules of the checker: each event's topic, partition key and partition count. */
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

#endif
