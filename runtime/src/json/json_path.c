/* JSON paths for error messages (json_path.h). */
#include "json/json_path.h"

#include <stdio.h>

/* Member names shown after a dot: identifier-like; others are quoted in brackets. */
static int ident_like(const char *k, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                 (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return 0;
    }
    return 1;
}

size_t json_path_format(const json_path *p, char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "$");
    unsigned shown = p->depth < JSON_PATH_MAX ? p->depth : JSON_PATH_MAX;
    for (unsigned i = 0; i < shown && len < n; i++) {
        const json_seg *s = &p->segs[i];
        int w;
        if (!s->key)
            w = snprintf(out + len, n - len, "[%zu]", s->index);
        else if (ident_like(s->key, s->key_len))
            w = snprintf(out + len, n - len, ".%.*s", (int)s->key_len, s->key);
        else
            w = snprintf(out + len, n - len, "[\"%.*s\"]", (int)s->key_len, s->key);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (p->depth > JSON_PATH_MAX && len < n)
        len += (size_t)snprintf(out + len, n - len, "...");
    return len;
}
