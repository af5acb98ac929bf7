/* The C back end: renders templates/c/header.mustache and source.mustache over the C view model
 * into <catalog>.h and <catalog>.c, and cloudevents_header.mustache and cloudevents_source.mustache
 * into <catalog>_cloudevents.h and <catalog>_cloudevents.c (the CloudEvents converters). */
#ifndef EVENTC_GEN_EMIT_C_H
#define EVENTC_GEN_EMIT_C_H

#include "render/templates.h"

#include <stdbool.h>
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
 * Where a back end's files go, each while it is rendered: a run holds a piece of one file's text,
 * never a whole file. Each callback returns 0 to go on or -1 to stop the back end (the sink
 * reports why).
 */
typedef struct gen_sink {
    /** File `path` starts; the sink owns the string from now on. */
    int (*open)(void *ctx, char *path);
    /** The next `len` bytes of the file. */
    int (*write)(void *ctx, const char *data, size_t len);
    /** The file is complete (`ok`), or abandoned because its rendering failed (`!ok`). */
    int (*close)(void *ctx, bool ok);
    void *ctx;
} gen_sink;

/** Hands a whole file to `sink` (open, write, close); the sink owns `path`. Returns 0 or -1. */
int gen_sink_put(const gen_sink *sink, char *path, const char *data, size_t len);

/**
 * Renders template `template_name` over `data` into `sink` as file `path` (owned by the sink).
 *
 * @return 0; -1 on a template error ("file:line:col: error: message" in `errbuf`, the file
 *         abandoned), or with `errbuf` empty when the sink stopped
 */
int gen_sink_render(const gen_sink *sink, char *path, gen_template_set *templates,
                    const char *template_name, json_object *data, char *errbuf, size_t errlen);

/** Outputs collected in memory by gen_outputs_sink. */
typedef struct gen_outputs {
    gen_output *items;
    size_t n, cap;
} gen_outputs;

/** A sink that appends each complete file to `outs` (abandoned files are dropped); it never
 * stops. Release the outputs with gen_outputs_free(outs->items, outs->n). */
gen_sink gen_outputs_sink(gen_outputs *outs);

/**
 * Renders the header and the source of the catalog described by the view model `vm` (from
 * gen_viewmodel_c), then the CloudEvents header and source, into `sink` while they are
 * rendered.
 *
 * @param out_dir the output folder; files go to `out_dir/c/`
 * @param errbuf  receives "file:line:col: error: message" on a template error
 * @return 0; -1 on a template error, or with `errbuf` empty when the sink stopped
 */
int gen_emit_c(json_object *vm, gen_template_set *templates, const char *out_dir,
               const gen_sink *sink, char *errbuf, size_t errlen);

/**
 * Renders the typed messaging layer of the catalog, templates/c/messaging_header.mustache and
 * messaging_source.mustache, into `out_dir/messaging/<catalog>_messaging.h` and `.c` (the
 * `messaging` target; the files include the C target's). Same conventions as gen_emit_c.
 */
int gen_emit_c_messaging(json_object *vm, gen_template_set *templates, const char *out_dir,
                         const gen_sink *sink, char *errbuf, size_t errlen);

#endif
