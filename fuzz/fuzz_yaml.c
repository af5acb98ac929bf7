/* Any bytes into the catalog loader: a tree or exactly one positioned error, never a crash, a
 * hang or a leak. */
#include "front/load.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    gen_pool pool;
    gen_pool_init(&pool);
    gen_diags diags;
    gen_diags_init(&diags);
    gen_node *root = gen_load_yaml_buffer(&pool, (const char *)data, size, "fuzz.yaml", 0, &diags);
    if (!root && diags.len == 0)
        abort(); /* a failure always says why */
    for (size_t i = 0; i < diags.len; i++)
        if (diags.items[i].loc.line == 0)
            abort(); /* and where */
    gen_diags_free(&diags);
    gen_pool_free(&pool);
    return 0;
}
