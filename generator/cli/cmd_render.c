/* `eventc render TEMPLATE DATA.json [--partials DIR]`: renders one template over a JSON file, so a
 * template author can see exactly what the back ends would produce from a view model (for example
 * the output of `eventc model`). */
#include "render/render.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "usage: eventc render TEMPLATE DATA.json [--partials DIR]\n";

static const char help[] =
    "\n"
    "Renders the mustache template TEMPLATE over the JSON document DATA.json and prints the\n"
    "result. Partials {{> name}} are read from DIR/name.mustache (DIR defaults to the\n"
    "template's directory); a missing partial renders as nothing. Errors are reported as\n"
    "file:line:col: error: message. Exit status: 0 success, 1 template, data or file error,\n"
    "2 usage error. See docs/templates.md.\n";

/* Reads a whole file into a NUL-terminated buffer. Returns false with errno set. */
static bool read_file(const char *path, char **data, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return false;
    }
    size_t cap = 4096;
    size_t n = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(fp);
        errno = ENOMEM;
        return false;
    }
    for (;;) {
        if (cap - n < 2) {
            char *bigger = cap <= ((size_t)-1) / 2 ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return false;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(fp)) {
        int saved = errno ? errno : EIO;
        free(buf);
        fclose(fp);
        errno = saved;
        return false;
    }
    fclose(fp);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;
}

struct loaded_partial {
    char *name;
    char *text; /* NULL when the file does not exist */
    size_t len;
    struct loaded_partial *next;
};

struct partial_dir {
    const char *dir;
    struct loaded_partial *loaded;
    /* The first partial that exists but cannot be read; rendering fails with it. */
    char *failed_path;
    int failed_errno;
};

static const char *load_partial(void *ctx, const char *name, size_t *len)
{
    struct partial_dir *pd = ctx;
    for (struct loaded_partial *p = pd->loaded; p != NULL; p = p->next) {
        if (strcmp(p->name, name) == 0) {
            *len = p->len;
            return p->text;
        }
    }
    size_t dir_len = strlen(pd->dir);
    size_t name_len = strlen(name);
    static const char ext[] = ".mustache";
    char *path = malloc(dir_len + 1 + name_len + sizeof ext);
    struct loaded_partial *p = calloc(1, sizeof *p);
    char *copy = malloc(name_len + 1);
    if (path == NULL || p == NULL || copy == NULL) {
        free(path);
        free(p);
        free(copy);
        if (pd->failed_path == NULL) {
            pd->failed_errno = ENOMEM;
        }
        return NULL;
    }
    memcpy(path, pd->dir, dir_len);
    path[dir_len] = '/';
    memcpy(path + dir_len + 1, name, name_len);
    memcpy(path + dir_len + 1 + name_len, ext, sizeof ext);
    memcpy(copy, name, name_len + 1);
    p->name = copy;
    if (!read_file(path, &p->text, &p->len)) {
        /* A missing partial renders as nothing, as the mustache spec asks; any other failure
         * would silently drop output, so it is remembered and reported. */
        if (errno != ENOENT && errno != ENOTDIR && pd->failed_path == NULL &&
            pd->failed_errno == 0) {
            pd->failed_errno = errno;
            pd->failed_path = path;
            path = NULL;
        }
        p->text = NULL;
        p->len = 0;
    }
    free(path);
    p->next = pd->loaded;
    pd->loaded = p;
    *len = p->len;
    return p->text;
}

static void free_partials(struct partial_dir *pd)
{
    while (pd->loaded != NULL) {
        struct loaded_partial *next = pd->loaded->next;
        free(pd->loaded->name);
        free(pd->loaded->text);
        free(pd->loaded);
        pd->loaded = next;
    }
    free(pd->failed_path);
}

/* Converts a byte offset into a 1-based line and a column counted in characters. */
static void offset_position(const char *s, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

static struct json_object *parse_data(const char *path, const char *text, size_t len)
{
    if (len > (size_t)0x7fffffff) {
        fprintf(stderr, "%s: error: file too large\n", path);
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new_ex(256);
    if (tok == NULL) {
        fprintf(stderr, "%s: error: out of memory\n", path);
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *data = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    const char *problem = NULL;
    if (jerr == json_tokener_continue) {
        problem = "unexpected end of data";
        end = len;
    } else if (jerr != json_tokener_success) {
        /* The tokener stops at the offending character. */
        problem = json_tokener_error_desc(jerr);
    } else {
        while (end < len && strchr(" \t\r\n", text[end]) != NULL && text[end] != '\0') {
            end++;
        }
        if (end < len) {
            problem = "unexpected text after the JSON value";
        }
    }
    json_tokener_free(tok);
    if (problem != NULL) {
        unsigned line;
        unsigned col;
        offset_position(text, end, &line, &col);
        fprintf(stderr, "%s:%u:%u: error: %s\n", path, line, col, problem);
        json_object_put(data);
        return NULL;
    }
    return data;
}

/* The directory part of a path, "." when there is none. Returns a malloc'd string or NULL. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    char *dir = malloc(n + 1);
    if (dir != NULL) {
        memcpy(dir, slash ? path : ".", n);
        dir[n] = '\0';
    }
    return dir;
}

static int usage_error(const char *problem, const char *arg)
{
    fprintf(stderr, "eventc render: %s%s%s\n%s", problem, arg ? " " : "", arg ? arg : "", usage);
    return 2;
}

int gen_cmd_render(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    int nfiles = 0;
    const char *partials_dir = NULL;
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options && strcmp(arg, "--") == 0) {
            options = false;
        } else if (options && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            fputs(usage, stdout);
            fputs(help, stdout);
            return 0;
        } else if (options && strcmp(arg, "--partials") == 0) {
            if (i + 1 >= argc) {
                return usage_error("--partials needs a directory", NULL);
            }
            partials_dir = argv[++i];
        } else if (options && strncmp(arg, "--partials=", 11) == 0) {
            partials_dir = arg + 11;
        } else if (options && arg[0] == '-' && arg[1] != '\0') {
            return usage_error("unknown option", arg);
        } else if (nfiles < 2) {
            files[nfiles++] = arg;
        } else {
            return usage_error("unexpected argument", arg);
        }
    }
    if (nfiles < 2) {
        return usage_error(nfiles == 0 ? "missing TEMPLATE and DATA.json" : "missing DATA.json",
                           NULL);
    }
    if (partials_dir != NULL && partials_dir[0] == '\0') {
        return usage_error("--partials needs a directory", NULL);
    }

    int status = 1;
    char *tmpl = NULL;
    size_t tmpl_len = 0;
    char *json = NULL;
    size_t json_len = 0;
    char *out = NULL;
    struct json_object *data = NULL;
    struct partial_dir pd = {0};
    char *default_dir = NULL;

    if (!read_file(files[0], &tmpl, &tmpl_len)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", files[0], strerror(errno));
        goto done;
    }
    if (!read_file(files[1], &json, &json_len)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", files[1], strerror(errno));
        goto done;
    }
    data = parse_data(files[1], json, json_len);
    if (data == NULL) {
        goto done;
    }
    if (partials_dir == NULL) {
        default_dir = dir_of(files[0]);
        if (default_dir == NULL) {
            fprintf(stderr, "eventc render: error: out of memory\n");
            goto done;
        }
        partials_dir = default_dir;
    }
    pd.dir = partials_dir;

    char err[512] = "";
    size_t out_len = 0;
    out = gen_render(tmpl, tmpl_len, data, load_partial, &pd, &out_len, err, sizeof err);
    if (pd.failed_errno != 0) {
        fprintf(stderr, "%s: error: cannot read: %s\n",
                pd.failed_path ? pd.failed_path : partials_dir, strerror(pd.failed_errno));
        goto done;
    }
    if (out == NULL) {
        unsigned line;
        unsigned col;
        int skip = 0;
        if (sscanf(err, "%u:%u: %n", &line, &col, &skip) == 2 && skip > 0) {
            fprintf(stderr, "%s:%u:%u: error: %s\n", files[0], line, col, err + skip);
        } else {
            fprintf(stderr, "%s: error: %s\n", files[0], err);
        }
        goto done;
    }
    if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
        fprintf(stderr, "eventc render: error: cannot write the output: %s\n", strerror(errno));
        goto done;
    }
    status = 0;
done:
    free(out);
    json_object_put(data);
    free_partials(&pd);
    free(default_dir);
    free(json);
    free(tmpl);
    return status;
}
