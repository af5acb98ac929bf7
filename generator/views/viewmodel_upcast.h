/* The upcast part of the C view model: for each event, the static tables of its earlier names and
 * its history's declarative upcasts, and the upcast descriptor its type descriptor points at
 * (codec.h, eventc_upcast_desc), laid out as clang-format would. gen_viewmodel_c calls it. */
#ifndef EVENTC_GEN_VIEWMODEL_UPCAST_H
#define EVENTC_GEN_VIEWMODEL_UPCAST_H

#include "model/model.h"

#include <json-c/json.h>

/**
 * The definitions of event `e`'s upcast tables, one string each (complete, possibly several
 * lines, without a final newline), in the order they must appear: the descriptor
 * `<c_struct>_upcast_` comes last.
 *
 * @param c_struct the event's C struct name (`msg_customer_created`)
 * @return a new JSON array (released by the caller, or by the object it is added to)
 */
json_object *gen_vm_upcast_code(const gen_model *m, const gen_event *e, const char *c_struct);

#endif
