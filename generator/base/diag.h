/* Diagnostics: a sink that collects positioned errors from every stage, sorts them by position and
 * prints them GCC style (`file:line:col: error: message`). */
#ifndef EVENTC_GEN_DIAG_H
#define EVENTC_GEN_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/** A position in a catalog file. Lines and columns are 1-based; columns count characters. */
typedef struct gen_loc {
    const char *file; /**< display path, owned by the loaded-file table; NULL when unknown */
    unsigned file_index;
    unsigned line;
    unsigned col;
} gen_loc;

typedef struct gen_diag {
    gen_loc loc;
    unsigned seq; /**< insertion order, keeps the sort stable */
    char *msg;
} gen_diag;

typedef struct gen_diags {
    gen_diag *items;
    size_t len;
    size_t cap;
} gen_diags;

void gen_diags_init(gen_diags *d);
void gen_diags_free(gen_diags *d);

/** Records an error at `loc` (the file name is copied). */
void gen_error(gen_diags *d, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gen_verror(gen_diags *d, gen_loc loc, const char *fmt, va_list ap);

/** Sorts by file (load order), line, column, then insertion order, and drops repeats of the same
 * message at the same position. */
void gen_diags_finish(gen_diags *d);

/** gen_diags_finish, then prints every diagnostic to `out`. */
void gen_diags_print(gen_diags *d, FILE *out);

#endif
