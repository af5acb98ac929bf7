/* cJSON as the speed-of-light reference for parsing: build the tree and drop it, no checks and
 * no extraction. Anything that also validates and copies into structs does strictly more. */
#include "bench.h"

#include <cjson/cJSON.h>

int cj_parse_only(const char *json, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return -1;
    int type = root->type;
    cJSON_Delete(root);
    return type;
}
