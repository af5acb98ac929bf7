/* Output file names and their clash check. */
#include "file_names.h"
#include "names.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gen_docs_page_name(const gen_aggregate *a)
{
    char *snake = gen_snake(a->name);
    char *f = gen_format("%s.md", snake);
    free(snake);
    return f;
}

typedef struct page {
    char *file;
    size_t index; /* aggregate index: the earlier declaration sorts first */
} page;

static int cmp_page(const void *a, const void *b)
{
    const page *x = a, *y = b;
    int r = strcmp(x->file, y->file);
    return r ? r : (x->index > y->index) - (x->index < y->index);
}

void gen_check_file_names(const gen_model *m, gen_diags *diags)
{
    size_t n = m->n_aggregates;
    page *pages = gen_xmalloc((n ? n : 1) * sizeof(*pages));
    for (size_t i = 0; i < n; i++) {
        pages[i] = (page){gen_docs_page_name(m->aggregates[i]), i};
        if (strcmp(pages[i].file, GEN_DOCS_INDEX_PAGE) == 0)
            gen_error(diags, m->aggregates[i]->loc,
                      "aggregate '%s' would get the docs page %s, the name of the docs index",
                      m->aggregates[i]->name, GEN_DOCS_INDEX_PAGE);
    }
    /* Sorted by file name, so a clash is found next to the page it clashes with (catalogs may be
     * large). */
    if (n > 1)
        qsort(pages, n, sizeof(*pages), cmp_page);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        if (strcmp(pages[first].file, pages[i].file) != 0)
            continue;
        while (first > 0 && strcmp(pages[first - 1].file, pages[i].file) == 0)
            first--;
        const gen_aggregate *a = m->aggregates[pages[first].index];
        const gen_aggregate *b = m->aggregates[pages[i].index];
        if (strcmp(a->name, b->name) == 0)
            continue; /* a duplicate aggregate, reported as such */
        gen_error(diags, b->loc,
                  "aggregate '%s' would get the docs page %s, as aggregate '%s' does (%s:%u)",
                  b->name, pages[i].file, a->name, a->loc.file ? a->loc.file : "?", a->loc.line);
    }
    for (size_t i = 0; i < n; i++)
        free(pages[i].file);
    free(pages);
}
