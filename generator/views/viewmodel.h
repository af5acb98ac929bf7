/* The view model of the C back end: a JSON document (json-c) that holds every name, C type,
 * constraint literal, escaped text and pre-laid-out line the C templates print, so templates stay
 * logic-less; the names come from the naming module (names/c_names.h). `eventc model` prints it
 * for users who write their own templates (docs/generated-c.md lists its keys). */
#ifndef EVENTC_GEN_VIEWMODEL_H
#define EVENTC_GEN_VIEWMODEL_H

#include "base/diag.h"
#include "model/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/** What the view model needs besides the model. */
typedef struct gen_vm_options {
    /** The catalog path as given on the command line: printed in the banner of every file. */
    const char *source_path;
    /** The generator's version, e.g. "0.1.0". */
    const char *version;
    /** Whether the lists of events and aggregates are lazy (gen_render_list_new): built one item
     * at a time while a template iterates them, for rendering with bounded memory. Otherwise
     * they are complete arrays, as `eventc model` prints them. */
    bool lazy;
} gen_vm_options;

/**
 * Builds the C view model of a checked model.
 *
 * @param m     the model, borrowed
 * @param opt   options, borrowed
 * @param diags receives errors for catalog constructs the C back end cannot represent (arrays of
 *              arrays, enum spellings longer than 255 bytes)
 * @return a new json-c object (release with json_object_put), or NULL when an error was recorded.
 */
json_object *gen_viewmodel_c(const gen_model *m, const gen_vm_options *opt, gen_diags *diags);

#endif
