/* Input files (messaging_events_input.h). */
#include "messaging_events_input.h"

#include <eventc/codec.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest input file. */
#define MAX_FILE (64u << 20)

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = buf ? 0 : -1;
    while (rc == 0) {
        if (n == cap) {
            char *bigger = cap < MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                rc = -1;
                errno = cap < MAX_FILE ? ENOMEM : EFBIG;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = -1;
            break;
        }
    }
    int saved = errno;
    if (f != stdin)
        fclose(f);
    if (rc != 0) {
        free(buf);
        errno = saved ? saved : EIO;
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

static void add_doc(me_input *in, me_doc d)
{
    if (in->n_docs == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 64;
        me_doc *grown = realloc(in->docs, in->cap * sizeof(*grown));
        if (grown == NULL) {
            fputs("messaging-events: out of memory\n", stderr);
            exit(2);
        }
        in->docs = grown;
    }
    in->docs[in->n_docs++] = d;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Splits a file into its documents: the whole file when it is one JSON value, else one per
 * non-blank line. Returns 0, or 1 after printing why. */
static int split(me_input *in, const char *path, const char *data, size_t len)
{
    if (blank(data, len)) {
        fprintf(stderr, "%s: error: no JSON document\n", path);
        return 1;
    }
    if (eventc_json_check(data, len) == EVENTC_OK) {
        add_doc(in, (me_doc){path, 0, data, len});
        return 0;
    }
    size_t line = 1;
    for (size_t i = 0; i < len; line++) {
        size_t end = i;
        while (end < len && data[end] != '\n')
            end++;
        if (!blank(data + i, end - i)) {
            eventc_status st = eventc_json_check(data + i, end - i);
            if (st != EVENTC_OK) {
                fprintf(stderr,
                        "%s:%zu: error: not JSON (%s): a file holds one JSON document, or one "
                        "per line\n",
                        path, line, eventc_strerror(st));
                return 1;
            }
            add_doc(in, (me_doc){path, line, data + i, end - i});
        }
        i = end < len ? end + 1 : end;
    }
    return 0;
}

int me_input_read(me_input *in, char **files, int n_files)
{
    memset(in, 0, sizeof(*in));
    in->buffers = calloc(n_files > 0 ? (size_t)n_files : 1, sizeof(char *));
    if (in->buffers == NULL) {
        fputs("messaging-events: out of memory\n", stderr);
        return 1;
    }
    for (int i = 0; i < n_files; i++) {
        size_t len;
        errno = 0;
        if (read_file(files[i], &in->buffers[i], &len) != 0) {
            fprintf(stderr, "%s: error: cannot read: %s\n", files[i], strerror(errno));
            return 1;
        }
        in->n_buffers++;
        if (split(in, files[i], in->buffers[i], len) != 0)
            return 1;
    }
    return 0;
}

void me_doc_where(const me_doc *d, char *out, size_t n)
{
    if (d->line > 0)
        snprintf(out, n, "%s:%zu", d->file, d->line);
    else
        snprintf(out, n, "%s", d->file);
}

void me_input_free(me_input *in)
{
    for (size_t i = 0; i < in->n_buffers; i++)
        free(in->buffers[i]);
    free(in->buffers);
    free(in->docs);
    memset(in, 0, sizeof(*in));
}
