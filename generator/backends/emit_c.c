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

int gen_emit_c_messaging(json_object *vm, gen_template_set *templates, const char *out_dir,
                         gen_output **outs, size_t *n_outs, char *errbuf, size_t errlen)
{
    static const struct {
        const char *template_name;
        const char *file_key;
    } files[] = {{"c/messaging_header.mustache", "messaging.header_file"},
                 {"c/messaging_source.mustache", "messaging.source_file"}};
    size_t n = sizeof files / sizeof files[0];
    gen_output *o = gen_xcalloc(n, sizeof(*o));
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        char *text =
            gen_templates_render(templates, files[i].template_name, vm, &len, errbuf, errlen);
        if (!text) {
            gen_outputs_free(o, i);
            return -1;
        }
        o[i].data = text;
        o[i].len = len;
        o[i].path = gen_format("%s/messaging/%s", out_dir, vm_string(vm, files[i].file_key));
    }
    *outs = o;
    *n_outs = n;
    return 0;
}

int gen_emit_c(json_object *vm, gen_template_set *templates, const char *out_dir, gen_output **outs,
               size_t *n_outs, char *errbuf, size_t errlen)
{
    static const struct {
        const char *template_name;
        const char *file_key;
    } files[] = {{"c/header.mustache", "header_file"},
                 {"c/source.mustache", "source_file"},
                 {"c/cloudevents_header.mustache", "cloudevents.header_file"},
                 {"c/cloudevents_source.mustache", "cloudevents.source_file"}};
    size_t n = sizeof files / sizeof files[0];
    gen_output *o = gen_xcalloc(n, sizeof(*o));
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        char *text =
            gen_templates_render(templates, files[i].template_name, vm, &len, errbuf, errlen);
        if (!text) {
            gen_outputs_free(o, i);
            return -1;
        }
        o[i].data = text;
        o[i].len = len;
        o[i].path = gen_format("%s/c/%s", out_dir, vm_string(vm, files[i].file_key));
    }
    *outs = o;
    *n_outs = n;
    return 0;
}
