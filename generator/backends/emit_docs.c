/* The docs back end: everything it prints comes from the docs view model through the templates,
 * so this file only names the pages. */
#include "emit_docs.h"
#include "base/lazy_list.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

int gen_emit_docs(json_object *vm, gen_template_set *templates, const char *out_dir,
                  const gen_sink *sink, char *errbuf, size_t errlen)
{
    if (gen_sink_render(sink, gen_format("%s/docs/index.md", out_dir), templates,
                        "docs/index.mustache", json_object_object_get(vm, "index"), errbuf,
                        errlen) != 0)
        return -1;
    json_object *pages = json_object_object_get(vm, "pages");
    size_t n_pages = gen_lazy_list_length(pages);
    for (size_t i = 0; i < n_pages; i++) {
        json_object *page = gen_lazy_list_get(pages, i);
        const char *file = json_object_get_string(json_object_object_get(page, "file"));
        int rc = gen_sink_render(sink, gen_format("%s/docs/%s", out_dir, file), templates,
                                 "docs/aggregate.mustache", json_object_object_get(page, "data"),
                                 errbuf, errlen);
        json_object_put(page);
        if (rc != 0)
            return -1;
    }
    return 0;
}
