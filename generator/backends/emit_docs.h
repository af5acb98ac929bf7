/* The docs back end: renders templates/docs/index.mustache and aggregate.mustache over the docs
 * view model into DIR/docs/index.md and one DIR/docs/<aggregate>.md per aggregate. */
#ifndef EVENTC_GEN_EMIT_DOCS_H
#define EVENTC_GEN_EMIT_DOCS_H

#include "emit_c.h"
#include "render/templates.h"

#include <stddef.h>

#include <json-c/json.h>

/**
 * Renders the pages described by the docs view model `vm` (from gen_viewmodel_docs).
 *
 * @param out_dir the output folder; files go to `out_dir/docs/`
 * @param outs    receives a malloc'd array of outputs (the index first, then the aggregates in
 *                catalog order), freed with gen_outputs_free
 * @param errbuf  receives "file:line:col: error: message" on a template error
 * @return 0, or -1 on a template error (nothing is returned in `outs`)
 */
int gen_emit_docs(json_object *vm, gen_template_set *templates, const char *out_dir,
                  gen_output **outs, size_t *n_outs, char *errbuf, size_t errlen);

#endif
