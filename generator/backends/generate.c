/* Running the back ends into memory. */
#include "generate.h"
#include "emit_asyncapi.h"
#include "emit_docs.h"
#include "emit_schema.h"
#include "views/viewmodel.h"
#include "views/viewmodel_docs.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *folder;
    unsigned bit;
} targets_table[] = {{"c", "c/", GEN_TARGET_C},
                     {"schema", "schemas/", GEN_TARGET_SCHEMA},
                     {"docs", "docs/", GEN_TARGET_DOCS},
                     {"messaging", "messaging/", GEN_TARGET_MESSAGING},
                     {"asyncapi", "asyncapi/", GEN_TARGET_ASYNCAPI}};
#define N_TARGETS (sizeof targets_table / sizeof targets_table[0])

const char *gen_target_name(unsigned bit)
{
    for (size_t i = 0; i < N_TARGETS; i++)
        if (targets_table[i].bit == bit)
            return targets_table[i].name;
    return NULL;
}

unsigned gen_target_bit(const char *name, size_t len)
{
    for (size_t i = 0; i < N_TARGETS; i++)
        if (strlen(targets_table[i].name) == len && strncmp(targets_table[i].name, name, len) == 0)
            return targets_table[i].bit;
    return 0;
}

unsigned gen_target_of(const char *rel)
{
    for (size_t i = 0; i < N_TARGETS; i++)
        if (strncmp(rel, targets_table[i].folder, strlen(targets_table[i].folder)) == 0)
            return targets_table[i].bit;
    return 0;
}

/* Hands the schema back end's files to the run's sink. */
typedef struct schema_sink {
    const char *out_dir;
    const gen_sink *sink;
    bool stopped;
} schema_sink;

static int emit_schema_file(void *ctx, const char *relpath, const char *data, size_t len)
{
    schema_sink *s = ctx;
    /* `relpath` starts with the target's folder (`schemas/...`). */
    if (gen_sink_put(s->sink, gen_format("%s/%s", s->out_dir, relpath), data, len) != 0) {
        s->stopped = true;
        return -1;
    }
    return 0;
}

static void put_diags(gen_diags *d, gen_str *err)
{
    gen_diags_finish(d);
    for (size_t i = 0; i < d->len; i++) {
        const gen_diag *g = &d->items[i];
        if (g->loc.file && g->loc.line)
            gen_str_printf(err, "%s:%u:%u: error: %s\n", g->loc.file, g->loc.line, g->loc.col,
                           g->msg);
        else
            gen_str_printf(err, "eventc: error: %s\n", g->msg);
    }
}

/* A back end's failure: its message, unless the sink stopped it (the sink said why). */
static void put_failure(gen_str *err, const char *buf)
{
    if (buf[0])
        gen_str_printf(err, "%s\n", buf);
}

int gen_generate_each(const gen_model *m, const char *source, const char *version, unsigned targets,
                      gen_template_set *templates, const char *out_dir, const gen_sink *sink,
                      gen_str *err)
{
    gen_vm_options opt = {source, version, true};
    gen_diags diags;
    gen_diags_init(&diags);
    char buf[1024];
    int rc = 0;
    if (targets & (GEN_TARGET_C | GEN_TARGET_MESSAGING)) {
        json_object *vm = gen_viewmodel_c(m, &opt, &diags);
        if (!vm) {
            put_diags(&diags, err);
            rc = -1;
        }
        if (rc == 0 && (targets & GEN_TARGET_C) &&
            gen_emit_c(vm, templates, out_dir, sink, buf, sizeof buf) != 0) {
            put_failure(err, buf);
            rc = -1;
        }
        if (rc == 0 && (targets & GEN_TARGET_MESSAGING) &&
            gen_emit_c_messaging(vm, templates, out_dir, sink, buf, sizeof buf) != 0) {
            put_failure(err, buf);
            rc = -1;
        }
        json_object_put(vm);
    }
    if (rc == 0 && (targets & GEN_TARGET_SCHEMA)) {
        schema_sink s = {out_dir, sink, false};
        if (gen_emit_schema(m, NULL, emit_schema_file, &s) != 0) {
            if (!s.stopped)
                gen_str_puts(err, "eventc: error: the schema back end failed\n");
            rc = -1;
        }
    }
    if (rc == 0 && (targets & GEN_TARGET_DOCS)) {
        json_object *vm = gen_viewmodel_docs(m, &opt, &diags);
        if (!vm) {
            put_diags(&diags, err);
            rc = -1;
        } else if (gen_emit_docs(vm, templates, out_dir, sink, buf, sizeof buf) != 0) {
            put_failure(err, buf);
            rc = -1;
        }
        json_object_put(vm);
    }
    if (rc == 0 && (targets & GEN_TARGET_ASYNCAPI) &&
        gen_emit_asyncapi(m, source, version, out_dir, sink) != 0) {
        gen_str_puts(err, "eventc: error: the AsyncAPI back end failed\n");
        rc = -1;
    }
    gen_diags_free(&diags);
    return rc;
}

int gen_generate(const gen_model *m, const char *source, const char *version, unsigned targets,
                 gen_template_set *templates, const char *out_dir, gen_output **outs,
                 size_t *n_outs, gen_str *err)
{
    gen_outputs all = {NULL, 0, 0};
    gen_sink sink = gen_outputs_sink(&all);
    int rc = gen_generate_each(m, source, version, targets, templates, out_dir, &sink, err);
    if (rc != 0) {
        gen_outputs_free(all.items, all.n);
        all.items = NULL;
        all.n = 0;
    }
    *outs = all.items;
    *n_outs = all.n;
    return rc;
}
