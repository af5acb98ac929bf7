/* Input files of the commands that read events (pipe, publish): a file holds one JSON document,
 * or one per line (NDJSON). Every file is read and split before anything is done with it. */
#ifndef MESSAGING_EVENTS_INPUT_H
#define MESSAGING_EVENTS_INPUT_H

#include <stddef.h>

/* One document of an input file. */
typedef struct me_doc {
    const char *file;
    size_t line; /* 1-based; 0 for a whole-file document */
    const char *json;
    size_t len;
} me_doc;

/* The documents of every file read; the texts live in the buffers. */
typedef struct me_input {
    char **buffers;
    size_t n_buffers;
    me_doc *docs;
    size_t n_docs, cap;
} me_input;

/* Reads and splits @p files (`-`: standard input) into @p in (zero-filled first). Returns 0, or 1
 * after printing `FILE: error: ...` to standard error when a file cannot be read or is neither
 * one JSON document nor one per line. */
int me_input_read(me_input *in, char **files, int n_files);

/* `FILE` or `FILE:LINE` of @p d, into @p out. */
void me_doc_where(const me_doc *d, char *out, size_t n);

/* Releases @p in. */
void me_input_free(me_input *in);

#endif
