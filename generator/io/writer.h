/* The writer every back end hands its files to: creates the output folders and replaces a file
 * atomically, and only when its content changes, so that build tools see an untouched timestamp
 * when nothing changed. */
#ifndef EVENTC_GEN_WRITER_H
#define EVENTC_GEN_WRITER_H

#include <stdbool.h>
#include <stddef.h>

/** What gen_write_file did. */
typedef enum gen_write_status {
    GEN_WRITE_UNCHANGED, /**< the file already had this content: not touched */
    GEN_WRITE_CHANGED,   /**< written (or, in check mode, would be written) */
    GEN_WRITE_FAILED     /**< an I/O error; the message is in the caller's buffer */
} gen_write_status;

/**
 * Creates directory `dir` and its missing parents (like `mkdir -p`).
 * @return 0, or -1 with errno set (EEXIST-with-a-file is reported as ENOTDIR).
 */
int gen_mkdirs(const char *dir);

/**
 * Brings `path` to the content `data` (`len` bytes). When the file exists with exactly this
 * content nothing happens. Otherwise, unless `check` is set, the content goes to a temporary file
 * in the same directory, which then replaces `path` in one rename, so a reader never sees a half
 * written file; missing parent directories are created first. A new file gets the permissions
 * 0666 minus the umask; a replaced file keeps its permissions.
 *
 * @param check  only compare; write nothing
 * @param errbuf receives "path: reason" when GEN_WRITE_FAILED is returned; may be NULL
 * @return whether the file changed (or would change), or GEN_WRITE_FAILED
 */
gen_write_status gen_write_file(const char *path, const char *data, size_t len, bool check,
                                char *errbuf, size_t errlen);

#endif
