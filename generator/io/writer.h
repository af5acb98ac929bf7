/* The writer every back end hands its files to: creates the output folders and replaces files
 * atomically, and only when their content changes, so that build tools see an untouched
 * timestamp when nothing changed. A run's files are written as one batch: every new content goes
 * to a temporary file first, one sync makes them all durable, then each is renamed over its
 * target (docs/design.md, "Writing outputs"). */
#ifndef EVENTC_GEN_WRITER_H
#define EVENTC_GEN_WRITER_H

#include <stdbool.h>
#include <stddef.h>

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
