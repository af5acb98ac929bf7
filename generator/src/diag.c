#include "diag.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void gen_diags_init(gen_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void gen_diags_free(gen_diags *d)
{
    for (size_t i = 0; i < d->len; i++)
        free(d->items[i].msg);
    free(d->items);
    memset(d, 0, sizeof(*d));
}

void gen_verror(gen_diags *d, gen_loc loc, const char *fmt, va_list ap)
{
    char *msg = gen_vformat(fmt, ap);
    for (size_t i = 0; i < d->len; i++) {
        const gen_diag *o = &d->items[i];
        if (o->loc.file_index == loc.file_index && o->loc.line == loc.line &&
            o->loc.col == loc.col && strcmp(o->msg, msg) == 0) {
            free(msg);
            return;
        }
    }
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = gen_xrealloc(d->items, d->cap * sizeof(*d->items));
    }
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

void gen_diags_print(gen_diags *d, FILE *out)
{
    if (d->len > 1)
        qsort(d->items, d->len, sizeof(*d->items), cmp_diag);
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
