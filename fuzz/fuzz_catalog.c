/* Any bytes as a catalog, through the whole generator in memory: the loader, the builder, the
 * checker, and, when the catalog checks, every back end (C, schemas, docs) with the built-in
 * templates. The properties are the project's promise: a catalog is refused with positioned
 * errors, or it checks and then every target generates. A generation that fails after a clean
 * check is a finding (abort), as is a crash, a hang, a leak or undefined behaviour. */
#include "backends/generate.h"
#include "front/check.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load_buffer((const char *)data, size, "fuzz.yaml", &diags);
    if (!m) {
        if (diags.len == 0)
            abort(); /* a refusal always says why */
        for (size_t i = 0; i < diags.len; i++)
            if (diags.items[i].loc.line == 0)
                abort(); /* and where */
        gen_diags_free(&diags);
        return 0;
    }
    if (diags.len != 0)
        abort(); /* a model is returned only without errors */
    gen_template_set templates;
    gen_templates_init(&templates, NULL);
    gen_output *outs = NULL;
    size_t n = 0;
    gen_str err;
    gen_str_init(&err);
    if (gen_generate(m, "fuzz.yaml", "0.0.0", GEN_TARGET_ALL, &templates, "out", &outs, &n, &err) !=
        0) {
        /* check passed, generate failed: the promise is broken */
        fputs(err.data, stderr);
        abort();
    }
    gen_str_free(&err);
    gen_outputs_free(outs, n);
    gen_templates_free(&templates);
    gen_model_free(m);
    gen_diags_free(&diags);
    return 0;
}
