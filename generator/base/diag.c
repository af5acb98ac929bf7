#include "diag.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void gen_diags_init(gen_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void gen_diags_free(gen_diags *d)
{
    for (size_t i = 0; i < d->len; i++) {
        free(d->items[i].msg);
        free((char *)d->items[i].loc.file);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}

void gen_verror(gen_diags *d, gen_loc loc, const char *fmt, va_list ap)
{
    char *msg = gen_vformat(fmt, ap);
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = gen_xrealloc(d->items, d->cap * sizeof(*d->items));
    }
    /* Diagnostics outlive the model whose file table `loc.file` points into: keep a copy. */
    if (loc.file)
        loc.file = gen_xstrdup(loc.file);
    d->items[d->len] = (gen_diag){.loc = loc, .seq = (unsigned)d->len, .msg = msg};
    d->len++;
}

void gen_error(gen_diags *d, gen_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_verror(d, loc, fmt, ap);
    va_end(ap);
}

static int cmp_diag(const void *a, const void *b)
{
    const gen_diag *x = a, *y = b;
    if (x->loc.file_index != y->loc.file_index)
        return x->loc.file_index < y->loc.file_index ? -1 : 1;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    if (x->loc.col != y->loc.col)
        return x->loc.col < y->loc.col ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Sorts and drops repeated messages at the same position (the same problem reached twice, e.g.
 * through a type used by several fields). */
void gen_diags_finish(gen_diags *d)
{
    if (d->len > 1)
        qsort(d->items, d->len, sizeof(*d->items), cmp_diag);
    size_t out = 0;
    for (size_t i = 0; i < d->len; i++) {
        gen_diag *g = &d->items[i];
        bool dup = false;
        for (size_t j = out; j-- > 0;) {
            const gen_diag *o = &d->items[j];
            if (o->loc.file_index != g->loc.file_index || o->loc.line != g->loc.line ||
                o->loc.col != g->loc.col)
                break;
            if (strcmp(o->msg, g->msg) == 0) {
                dup = true;
                break;
            }
        }
        if (dup) {
            free(g->msg);
            free((char *)g->loc.file);
            continue;
        }
        d->items[out++] = *g;
    }
    d->len = out;
}

void gen_diags_print(gen_diags *d, FILE *out)
{
    gen_diags_finish(d);
    for (size_t i = 0; i < d->len; i++) {
        const gen_diag *g = &d->items[i];
        if (g->loc.file && g->loc.line)
            fprintf(out, "%s:%u:%u: error: %s\n", g->loc.file, g->loc.line, g->loc.col, g->msg);
        else if (g->loc.file)
            fprintf(out, "%s: error: %s\n", g->loc.file, g->msg);
        else
            fprintf(out, "eventc: error: %s\n", g->msg);
    }
}
