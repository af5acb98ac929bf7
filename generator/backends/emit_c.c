/* The C back end: everything it prints comes from the view model through the templates, so this
 * file only names the outputs. */
#include "emit_c.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gen_outputs_free(gen_output *outs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(outs[i].path);
        free(outs[i].data);
    }
    free(outs);
}

/* The string at `key`, or at `object.key` for a key with a dot. */
static const char *vm_string(json_object *vm, const char *key)
{
    const char *dot = strchr(key, '.');
    if (dot) {
        char head[64];
        snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
        vm = json_object_object_get(vm, head);
        key = dot + 1;
    }
    json_object *v = vm ? json_object_object_get(vm, key) : NULL;
    return v ? json_object_get_string(v) : "";
}

int gen_sink_put(const gen_sink *sink, char *path, const char *data, size_t len)
{
    if (sink->open(sink->ctx, path) != 0)
        return -1;
    int rc = sink->write(sink->ctx, data, len);
    if (sink->close(sink->ctx, rc == 0) != 0)
        rc = -1;
    return rc;
}

static int outputs_open(void *ctx, char *path)
{
    gen_outputs *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->items = gen_xrealloc(c->items, c->cap * sizeof(*c->items));
    }
    c->items[c->n++] = (gen_output){path, gen_xstrdup(""), 0};
    return 0;
}

static int outputs_write(void *ctx, const char *data, size_t len)
{
    gen_outputs *c = ctx;
    gen_output *o = &c->items[c->n - 1];
    o->data = gen_xrealloc(o->data, o->len + len + 1);
    memcpy(o->data + o->len, data, len);
    o->len += len;
    o->data[o->len] = '\0';
    return 0;
}

static int outputs_close(void *ctx, bool ok)
{
    gen_outputs *c = ctx;
    if (!ok) {
        c->n--;
        free(c->items[c->n].path);
        free(c->items[c->n].data);
    }
    return 0;
}

gen_sink gen_outputs_sink(gen_outputs *outs)
{
    return (gen_sink){outputs_open, outputs_write, outputs_close, outs};
}

static int sink_write(void *ctx, const char *data, size_t len)
{
    const gen_sink *sink = ctx;
    return sink->write(sink->ctx, data, len);
}

typedef struct file_role {
    const char *template_name;
    const char *file_key;
} file_role;

static const file_role c_files[] = {{"c/header.mustache", "header_file"},
                                    {"c/source.mustache", "source_file"},
                                    {"c/cloudevents_header.mustache", "cloudevents.header_file"},
                                    {"c/cloudevents_source.mustache", "cloudevents.source_file"}};

static const file_role messaging_files[] = {
    {"c/messaging_header.mustache", "messaging.header_file"},
    {"c/messaging_source.mustache", "messaging.source_file"}};

int gen_sink_render(const gen_sink *sink, char *path, gen_template_set *templates,
                    const char *template_name, json_object *data, char *errbuf, size_t errlen)
{
    if (sink->open(sink->ctx, path) != 0) {
        errbuf[0] = '\0';
        return -1;
    }
    bool ok = gen_templates_render_to(templates, template_name, data, sink_write, (void *)sink,
                                      errbuf, errlen) == 0;
    if (sink->close(sink->ctx, ok) != 0 || !ok) {
        if (ok)
            errbuf[0] = '\0';
        return -1;
    }
    return 0;
}

/* Renders each file into the sink, one after the other. */
static int emit_files(json_object *vm, gen_template_set *templates, const char *dir,
                      const file_role *files, size_t n, const gen_sink *sink, char *errbuf,
                      size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        char *path = gen_format("%s/%s", dir, vm_string(vm, files[i].file_key));
        if (gen_sink_render(sink, path, templates, files[i].template_name, vm, errbuf, errlen) != 0)
            return -1;
    }
    return 0;
}

int gen_emit_c(json_object *vm, gen_template_set *templates, const char *out_dir,
               const gen_sink *sink, char *errbuf, size_t errlen)
{
    char *dir = gen_format("%s/c", out_dir);
    int rc = emit_files(vm, templates, dir, c_files, 4, sink, errbuf, errlen);
    free(dir);
    return rc;
}

int gen_emit_c_messaging(json_object *vm, gen_template_set *templates, const char *out_dir,
                         const gen_sink *sink, char *errbuf, size_t errlen)
{
    char *dir = gen_format("%s/messaging", out_dir);
    int rc = emit_files(vm, templates, dir, messaging_files, 2, sink, errbuf, errlen);
    free(dir);
    return rc;
}
