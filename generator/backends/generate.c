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

typedef struct collected {
    const char *out_dir;
    gen_output *outs;
    size_t n, cap;
} collected;

static void push_output(collected *c, gen_output o)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->outs = gen_xrealloc(c->outs, c->cap * sizeof(*c->outs));
    }
    c->outs[c->n++] = o;
}

static void push_all(collected *c, gen_output *outs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        push_output(c, outs[i]);
    free(outs);
}

static int collect_schema(void *ctx, const char *relpath, const char *data, size_t len)
{
    collected *c = ctx;
    /* `relpath` starts with the target's folder (`schemas/...`). */
    push_output(
        c, (gen_output){gen_format("%s/%s", c->out_dir, relpath), gen_xstrndup(data, len), len});
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

int gen_generate(const gen_model *m, const char *source, const char *version, unsigned targets,
                 gen_template_set *templates, const char *out_dir, gen_output **outs,
                 size_t *n_outs, gen_str *err)
{
    collected all = {out_dir, NULL, 0, 0};
    gen_vm_options opt = {source, version};
    gen_diags diags;
    gen_diags_init(&diags);
    char buf[1024];
    int rc = 0;
    if (targets & (GEN_TARGET_C | GEN_TARGET_MESSAGING)) {
        json_object *vm = gen_viewmodel_c(m, &opt, &diags);
        gen_output *o = NULL;
        size_t n = 0;
        if (!vm) {
            put_diags(&diags, err);
            rc = -1;
        }
        if (rc == 0 && (targets & GEN_TARGET_C)) {
            if (gen_emit_c(vm, templates, out_dir, &o, &n, buf, sizeof buf) != 0) {
                gen_str_printf(err, "%s\n", buf);
                rc = -1;
            }
            push_all(&all, o, n);
        }
        if (rc == 0 && (targets & GEN_TARGET_MESSAGING)) {
            o = NULL;
            n = 0;
            if (gen_emit_c_messaging(vm, templates, out_dir, &o, &n, buf, sizeof buf) != 0) {
                gen_str_printf(err, "%s\n", buf);
                rc = -1;
            }
            push_all(&all, o, n);
        }
        json_object_put(vm);
    }
    if (rc == 0 && (targets & GEN_TARGET_SCHEMA) &&
        gen_emit_schema(m, NULL, collect_schema, &all) != 0) {
        gen_str_puts(err, "eventc: error: the schema back end failed\n");
        rc = -1;
    }
    if (rc == 0 && (targets & GEN_TARGET_DOCS)) {
        json_object *vm = gen_viewmodel_docs(m, &opt, &diags);
        gen_output *o = NULL;
        size_t n = 0;
        if (!vm) {
            put_diags(&diags, err);
            rc = -1;
        } else if (gen_emit_docs(vm, templates, out_dir, &o, &n, buf, sizeof buf) != 0) {
            gen_str_printf(err, "%s\n", buf);
            rc = -1;
        }
        push_all(&all, o, n);
        json_object_put(vm);
    }
    if (rc == 0 && (targets & GEN_TARGET_ASYNCAPI) &&
        gen_emit_asyncapi(m, source, version, collect_schema, &all) != 0) {
        gen_str_puts(err, "eventc: error: the AsyncAPI back end failed\n");
        rc = -1;
    }
    gen_diags_free(&diags);
    if (rc != 0) {
        gen_outputs_free(all.outs, all.n);
        all.outs = NULL;
        all.n = 0;
    }
    *outs = all.outs;
    *n_outs = all.n;
    return rc;
}
