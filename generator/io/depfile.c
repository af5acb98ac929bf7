#define _POSIX_C_SOURCE 200809L /* getpid */

#include "depfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Appends one path in depfile spelling. Make, Ninja and CMake's depfile reader agree on these
 * escapes: `\ ` for a space, `\#` for a hash, `$$` for a dollar, and a backslash that precedes a
 * space or a hash doubled so that it stays a backslash. A newline has no spelling. */
static bool put_path(gen_str *s, const char *p)
{
    if (p[0] == '\0')
        return false;
    for (const char *c = p; *c; c++) {
        switch (*c) {
        case '\n':
        case '\r':
            return false;
        case ' ':
        case '#':
            gen_str_putc(s, '\\');
            gen_str_putc(s, *c);
            break;
        case '$':
            gen_str_puts(s, "$$");
            break;
        case '\\': {
            size_t run = strspn(c, "\\");
            bool before_special = c[run] == ' ' || c[run] == '#';
            for (size_t i = 0; i < run; i++)
                gen_str_puts(s, before_special ? "\\\\" : "\\");
            c += run - 1;
            break;
        }
        default:
            gen_str_putc(s, *c);
            break;
        }
    }
    return true;
}

/* Catalogs list a handful of files, so a linear search keeps the order of first mention at no
 * real cost. */
static bool seen_before(char **deps, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(deps[i], p) == 0)
            return true;
    }
    return false;
}

/* The working directory, malloc'd; NULL with errno set when it cannot be found. */
static char *current_dir(void)
{
    for (size_t size = 256; size <= ((size_t)1 << 20); size *= 2) {
        char *buf = gen_xmalloc(size);
        if (getcwd(buf, size))
            return buf;
        int saved = errno;
        free(buf);
        if (saved != ERANGE) {
            errno = saved;
            return NULL;
        }
    }
    errno = ENAMETOOLONG;
    return NULL;
}

/* The build tool reads the depfile from its own working directory, which need not be the one
 * eventc ran in: relative paths are anchored to the latter. */
static char *absolute(const char *cwd, const char *p)
{
    if (p[0] == '/' || p[0] == '\0')
        return gen_xstrdup(p);
    while (p[0] == '.' && p[1] == '/') {
        p += 2;
        while (*p == '/')
            p++;
    }
    return gen_format("%s%s%s", cwd, cwd[strlen(cwd) - 1] == '/' ? "" : "/", p);
}

static void add_dep(char **deps, size_t *n, const char *cwd, const char *p)
{
    char *abs = absolute(cwd, p);
    if (seen_before(deps, *n, abs))
        free(abs);
    else
        deps[(*n)++] = abs;
}

char *gen_depfile_text(const gen_model *m, const char *target)
{
    char *cwd = current_dir();
    if (!cwd)
        return NULL;
    size_t cap = m->n_files;
    for (size_t i = 0; i < m->n_events; i++)
        cap += m->events[i]->n_examples;
    char **deps = gen_xcalloc(cap ? cap : 1, sizeof *deps);
    size_t n = 0;
    for (size_t i = 0; i < m->n_files; i++)
        add_dep(deps, &n, cwd, m->files[i].path);
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        for (size_t j = 0; j < e->n_examples; j++)
            add_dep(deps, &n, cwd, e->examples[j].resolved);
    }
    free(cwd);

    gen_str s;
    gen_str_init(&s);
    bool ok = put_path(&s, target);
    gen_str_putc(&s, ':');
    for (size_t i = 0; ok && i < n; i++) {
        gen_str_puts(&s, " \\\n  ");
        ok = put_path(&s, deps[i]);
    }
    gen_str_putc(&s, '\n');
    for (size_t i = 0; i < n; i++)
        free(deps[i]);
    free(deps);
    if (!ok) {
        gen_str_free(&s);
        errno = EINVAL;
        return NULL;
    }
    return gen_str_detach(&s);
}

/* True when the file at `path` holds exactly `text`; any read problem counts as a difference. */
static bool file_holds(const char *path, const char *text, size_t len)
{
    char *old;
    size_t old_len;
    int saved = errno;
    if (gen_read_file(path, len, &old, &old_len) != 0) {
        errno = saved;
        return false;
    }
    bool same = old_len == len && memcmp(old, text, len) == 0;
    free(old);
    return same;
}

int gen_write_depfile(const gen_model *m, const char *target, const char *path)
{
    char *text = gen_depfile_text(m, target);
    if (!text)
        return -1;
    size_t len = strlen(text);
    if (file_holds(path, text, len)) {
        free(text);
        return 0;
    }

    /* A reader (the build tool) must never see half a file: write aside, then rename. */
    char *tmp = gen_format("%s.tmp%ld", path, (long)getpid());
    int rc = -1;
    FILE *f = fopen(tmp, "wb");
    if (f) {
        bool written = fwrite(text, 1, len, f) == len;
        int saved = errno;
        if (fclose(f) != 0 && written) {
            written = false;
            saved = errno;
        }
        if (written && rename(tmp, path) == 0) {
            rc = 0;
        } else {
            saved = written ? errno : (saved ? saved : EIO);
            remove(tmp);
            errno = saved;
        }
    }
    free(tmp);
    free(text);
    return rc;
}
