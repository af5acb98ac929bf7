/* The docs back end: everything it prints comes from the docs view model through the templates,
 * so this file only names the pages. */
#include "emit_docs.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

int gen_emit_docs(json_object *vm, gen_template_set *templates, const char *out_dir,
                  gen_output **outs, size_t *n_outs, char *errbuf, size_t errlen)
{
    json_object *pages = json_object_object_get(vm, "pages");
    size_t n_pages = pages ? json_object_array_length(pages) : 0;
    gen_output *o = gen_xcalloc(n_pages + 1, sizeof(*o));
    size_t n = 0;
    size_t len = 0;
    char *text = gen_templates_render(templates, "docs/index.mustache",
                                      json_object_object_get(vm, "index"), &len, errbuf, errlen);
    if (!text) {
        gen_outputs_free(o, n);
        return -1;
    }
    o[n++] = (gen_output){gen_format("%s/docs/index.md", out_dir), text, len};
    for (size_t i = 0; i < n_pages; i++) {
        json_object *page = json_object_array_get_idx(pages, i);
        json_object *file = json_object_object_get(page, "file");
        text = gen_templates_render(templates, "docs/aggregate.mustache",
                                    json_object_object_get(page, "data"), &len, errbuf, errlen);
        if (!text) {
            gen_outputs_free(o, n);
            return -1;
        }
        o[n++] = (gen_output){gen_format("%s/docs/%s", out_dir, json_object_get_string(file)), text,
                              len};
    }
    *outs = o;
    *n_outs = n;
    return 0;
}
