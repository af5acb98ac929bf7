/* The docs back end: renders templates/docs/index.mustache and aggregate.mustache over the docs
 * view model into DIR/docs/index.md and one DIR/docs/<aggregate>.md per aggregate. */
#ifndef EVENTC_GEN_EMIT_DOCS_H
#define EVENTC_GEN_EMIT_DOCS_H

#include "emit_c.h"
#include "render/templates.h"

#include <stddef.h>

#include <json-c/json.h>

/**
 * Renders the pages described by the docs view model `vm` (from gen_viewmodel_docs), the index
 * first, then the aggregates in catalog order, into `sink` while they are rendered.
 *
 * @param out_dir the output folder; files go to `out_dir/docs/`
 * @param errbuf  receives "file:line:col: error: message" on a template error
 * @return 0; -1 on a template error, or with `errbuf` empty when the sink stopped
 */
int gen_emit_docs(json_object *vm, gen_template_set *templates, const char *out_dir,
                  const gen_sink *sink, char *errbuf, size_t errlen);

#endif
