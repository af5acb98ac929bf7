/* The writer every back end hands its files to: creates the output folders and replaces files
 * atomically, and only when their content changes, so that build tools see an untouched
 * timestamp when nothing changed. A run's files are written as one batch: every new content goes
 * to a temporary file first, one sync makes them all durable, then each is renamed over its
 * target (docs/design.md, "Writing outputs"). */
#ifndef EVENTC_GEN_WRITER_H
#define EVENTC_GEN_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/** What putting a file did. */
typedef enum gen_write_status {
    GEN_WRITE_UNCHANGED, /**< the file already had this content: not touched */
    GEN_WRITE_CHANGED,   /**< staged (or, in check mode, would be written) */
    GEN_WRITE_FAILED     /**< an I/O error; the message is in the caller's buffer */
} gen_write_status;

/**
 * Creates directory `dir` and its missing parents (like `mkdir -p`).
 * @return 0, or -1 with errno set (EEXIST-with-a-file is reported as ENOTDIR).
 */
int gen_mkdirs(const char *dir);

typedef struct gen_staged gen_staged;

/** A batch of file writes and removals. */
typedef struct gen_writer {
    bool check;         /**< only compare: write and remove nothing */
    gen_staged *staged; /**< new contents waiting in temporary files */
    size_t n_staged, cap_staged;
    char **removals; /**< files to remove when the batch is committed */
    size_t n_removals, cap_removals;
} gen_writer;

void gen_writer_init(gen_writer *w, bool check);

/**
 * Brings `path` to the content `data` (`len` bytes) in this batch. When the file exists with
 * exactly this content nothing happens. Otherwise, unless in check mode, missing parent folders
 * are created and the content goes to a temporary file next to `path` (a hidden `.name.XXXXXX`),
 * which gen_writer_commit renames over it. A new file gets the permissions 0666 minus the umask;
 * a replaced file keeps its permissions.
 *
 * @param errbuf receives "path: reason" when GEN_WRITE_FAILED is returned (the output's path,
 *               never the temporary file's); may be NULL
 * @return whether the file changes (or would change), or GEN_WRITE_FAILED
 */
gen_write_status gen_writer_put(gen_writer *w, const char *path, const char *data, size_t len,
                                char *errbuf, size_t errlen);

/** A file whose content comes in pieces: gen_writer_open, gen_writer_write..., gen_writer_close
 * (or gen_writer_abandon). The pieces are compared with the file on disk while they agree, and
 * go to a temporary file from the first difference on, so neither the new content nor the old
 * is ever held in memory. */
typedef struct gen_write_stream {
    gen_writer *w;
    char *path;
    FILE *old;    /* the file on disk while the content agrees with it */
    size_t same;  /* bytes that agree so far */
    bool differs; /* the content differs (or there was no file) */
    int fd;       /* the temporary file, once the content differs; -1 before (and in check mode) */
    char *tmp;    /* its name */
    mode_t mode;  /* the permissions it gets */
    int err;      /* errno of the first failure; 0 */
    char *err_path; /* the folder that could not be made, when that failed; else NULL */
} gen_write_stream;

/** Starts bringing `path` to a content given in pieces, with gen_writer_put's rules. */
void gen_writer_open(gen_writer *w, gen_write_stream *s, const char *path);

/** The next `len` bytes of the content. A failure is reported by gen_writer_close. */
void gen_writer_write(gen_write_stream *s, const char *data, size_t len);

/**
 * The content is complete: as gen_writer_put, whether the file changes (its new content staged
 * for gen_writer_commit), or GEN_WRITE_FAILED with "path: reason" in `errbuf`. Releases `s`.
 */
gen_write_status gen_writer_close(gen_write_stream *s, char *errbuf, size_t errlen);

/** Drops a content that will not be completed (a rendering failed); releases `s`. */
void gen_writer_abandon(gen_write_stream *s);

/** Schedules the removal of `path` (a file the run no longer produces) for gen_writer_commit. */
void gen_writer_remove(gen_writer *w, const char *path);

/**
 * Commits the batch: one sync makes every staged file durable (syncfs on Linux, else an fsync
 * per file), each is renamed over its target (readers see the old file or the new one, never
 * half of one), the scheduled removals happen, and each folder touched is synced once so the
 * renames last. Nothing is done in check mode.
 *
 * @return 0, or -1 with "path: reason" in `errbuf` (the batch stops; staged files not yet
 *         renamed are removed)
 */
int gen_writer_commit(gen_writer *w, char *errbuf, size_t errlen);

/** Releases the batch; temporary files of a batch that was not committed are removed. */
void gen_writer_free(gen_writer *w);

/** One file on its own: gen_writer_put and gen_writer_commit in a batch of one. */
gen_write_status gen_write_file(const char *path, const char *data, size_t len, bool check,
                                char *errbuf, size_t errlen);

#endif
