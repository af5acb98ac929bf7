/* The C back end: renders templates/c/header.mustache and source.mustache over the C view model
 * into <catalog>.h and <catalog>.c, and cloudevents_header.mustache and cloudevents_source.mustache
 * into <catalog>_cloudevents.h and <catalog>_cloudevents.c (the CloudEvents converters). */
#ifndef EVENTC_GEN_EMIT_C_H
#define EVENTC_GEN_EMIT_C_H

#include "render/templates.h"

#include <stddef.h>

#include <json-c/json.h>

/** A file a back end produced, not yet written. */
typedef struct gen_output {
    char *path; /**< where it goes: "<out dir>/c/messaging.h" */
    char *data;
    size_t len;
} gen_output;

/** Frees the path and data of `n` outputs and the array itself. */
void gen_outputs_free(gen_output *outs, size_t n);

/**
 * Renders the header and the source of the catalog described by the view model `vm` (from
 * gen_viewmodel_c).
 *
 * @param out_dir the output folder; files go to `out_dir/c/`
 * @param outs    receives a malloc'd array of 4 outputs (header, source, CloudEvents header,
 *                CloudEvents source), freed with gen_outputs_free
 * @param errbuf  receives "file:line:col: error: message" on a template error
 * @return 0, or -1 on a template error
 */
int gen_emit_c(json_object *vm, gen_template_set *templates, const char *out_dir, gen_output **outs,
               size_t *n_outs, char *errbuf, size_t errlen);

/**
 * Renders the typed messaging layer of the catalog, templates/c/messaging_header.mustache and
 * messaging_source.mustache, into `out_dir/messaging/<catalog>_messaging.h` and `.c` (the
 * `messaging` target; the files include the C target's). Same conventions as gen_emit_c; 2
 * outputs.
 */
int gen_emit_c_messaging(json_object *vm, gen_template_set *templates, const char *out_dir,
                         gen_output **outs, size_t *n_outs, char *errbuf, size_t errlen);

#endif
