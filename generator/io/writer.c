/* Atomic, change-only file writes for the generator's outputs. POSIX: mkstemp, fsync, rename. */
#define _POSIX_C_SOURCE 200809L

#include "writer.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST) {
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
        return -1;
    }
    errno = saved;
    return -1;
}

int gen_mkdirs(const char *dir)
{
    if (!*dir)
        return 0;
    char *copy = gen_xstrdup(dir);
    int rc = 0;
    /* Every prefix that ends before a '/' is a parent; the root and empty components are
     * skipped. */
    for (char *p = copy + 1; *p && rc == 0; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        rc = make_dir(copy);
        *p = '/';
    }
    if (rc == 0)
        rc = make_dir(copy);
    int saved = errno;
    free(copy);
    errno = saved;
    return rc;
}

/* 1 when `path` holds exactly `data`, 0 when it differs or does not exist, -1 on a read error. */
static int same_content(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    char buf[65536];
    size_t off = 0;
    int same = 1;
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n == 0)
            break;
        if (off + n > len || memcmp(buf, data + off, n) != 0) {
            same = 0;
            break;
        }
        off += n;
    }
    if (ferror(f)) {
        int saved = errno;
        fclose(f);
        errno = saved;
        return -1;
    }
    fclose(f);
    return same && off == len;
}

static gen_write_status fail(char *errbuf, size_t errlen, const char *path, int err)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s: %s", path, strerror(err));
    return GEN_WRITE_FAILED;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

gen_write_status gen_write_file(const char *path, const char *data, size_t len, bool check,
                                char *errbuf, size_t errlen)
{
    int same = same_content(path, data, len);
    if (same < 0)
        return fail(errbuf, errlen, path, errno);
    if (same)
        return GEN_WRITE_UNCHANGED;
    if (check)
        return GEN_WRITE_CHANGED;

    const char *slash = strrchr(path, '/');
    char *dir = slash ? gen_xstrndup(path, (size_t)(slash - path)) : gen_xstrdup(".");
    if (slash && slash != path && gen_mkdirs(dir) != 0) {
        int saved = errno;
        gen_write_status r = fail(errbuf, errlen, dir, saved);
        free(dir);
        return r;
    }
    const char *base = slash ? slash + 1 : path;
    char *tmp = gen_format("%s/.%s.XXXXXX", slash == path ? "" : dir, base);
    free(dir);

    /* Permissions: those of the file being replaced, else what a plain create would give. */
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }

    int fd = mkstemp(tmp);
    if (fd < 0) {
        gen_write_status r = fail(errbuf, errlen, tmp, errno);
        free(tmp);
        return r;
    }
    int rc = write_all(fd, data, len);
    if (rc == 0)
        rc = fchmod(fd, mode);
    if (rc == 0)
        rc = fsync(fd);
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        free(tmp);
        return fail(errbuf, errlen, path, saved);
    }
    free(tmp);
    return GEN_WRITE_CHANGED;
}
