/* Built-in templates with per-file overrides, and rendering with partials from the same set. */
#define _POSIX_C_SOURCE 200809L
#include "templates.h"
#include "render.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest template file read from an override folder. */
#define MAX_TEMPLATE_SIZE (4u << 20)

struct gen_loaded_template {
    char *name;
    char *origin;
    char *text; /* an override's content; NULL for a built-in template */
    const char *data;
    size_t len;
    gen_loaded_template *next;
};

void gen_templates_init(gen_template_set *t, const char *override_dir)
{
    t->override_dir = override_dir;
    t->loaded = NULL;
}

void gen_templates_free(gen_template_set *t)
{
    while (t->loaded) {
        gen_loaded_template *next = t->loaded->next;
        free(t->loaded->name);
        free(t->loaded->origin);
        free(t->loaded->text);
        free(t->loaded);
        t->loaded = next;
    }
}

static const gen_builtin_template *find_builtin(const char *name)
{
    for (const gen_builtin_template *b = gen_builtin_templates; b->name; b++)
        if (strcmp(b->name, name) == 0)
            return b;
    return NULL;
}

const char *gen_templates_get(gen_template_set *t, const char *name, size_t *len,
                              const char **origin, char *errbuf, size_t errlen)
{
    if (errbuf && errlen)
        errbuf[0] = '\0';
    for (gen_loaded_template *l = t->loaded; l; l = l->next) {
        if (strcmp(l->name, name) == 0) {
            *len = l->len;
            if (origin)
                *origin = l->origin;
            return l->data;
        }
    }
    char *text = NULL;
    size_t text_len = 0;
    char *path = NULL;
    if (t->override_dir) {
        path = gen_format("%s/%s", t->override_dir, name);
        int rc = gen_read_file(path, MAX_TEMPLATE_SIZE, &text, &text_len);
        if (rc == -2 || rc == -3 || (rc == -1 && errno != ENOENT && errno != ENOTDIR)) {
            if (errbuf && errlen)
                snprintf(errbuf, errlen, "%s: %s", path, gen_read_error(rc));
            free(path);
            return NULL;
        }
        if (rc != 0) {
            free(path);
            path = NULL;
        }
    }
    const gen_builtin_template *b = NULL;
    if (!text) {
        b = find_builtin(name);
        if (!b)
            return NULL;
    }
    gen_loaded_template *l = gen_xcalloc(1, sizeof(*l));
    l->name = gen_xstrdup(name);
    if (text) {
        l->origin = path;
        l->text = text;
        l->data = text;
        l->len = text_len;
    } else {
        l->origin = gen_format("templates/%s", name);
        l->data = (const char *)b->data;
        l->len = b->len;
    }
    l->next = t->loaded;
    t->loaded = l;
    *len = l->len;
    if (origin)
        *origin = l->origin;
    return l->data;
}

gen_loaded_template *gen_templates_overrides(gen_template_set *t, gen_loaded_template *prev)
{
    for (gen_loaded_template *l = prev ? prev->next : t->loaded; l; l = l->next)
        if (l->text)
            return l;
    return NULL;
}

const char *gen_templates_origin(const gen_loaded_template *l)
{
    return l->origin;
}

struct partial_ctx {
    gen_template_set *set;
    const char *folder; /* "c/" */
    char error[512];
};

static const char *lookup_partial(void *ctx, const char *name, size_t *len)
{
    struct partial_ctx *pc = ctx;
    char *full = gen_format("%s%s.mustache", pc->folder, name);
    char err[512];
    const char *text = gen_templates_get(pc->set, full, len, NULL, err, sizeof err);
    if (!text && err[0] && !pc->error[0])
        snprintf(pc->error, sizeof pc->error, "%s", err);
    free(full);
    if (!text)
        *len = 0;
    return text;
}

/* Renders template `name` into a string (`write` NULL: in *out, its length in *out_len) or
 * through `write`. False on failure, with the message in `errbuf`. */
static bool render_template(gen_template_set *t, const char *name, json_object *data,
                            gen_render_write_fn write, void *wctx, char **out, size_t *out_len,
                            char *errbuf, size_t errlen)
{
    size_t len;
    const char *origin;
    char err[512];
    const char *text = gen_templates_get(t, name, &len, &origin, err, sizeof err);
    if (!text) {
        if (errbuf && errlen) {
            if (err[0])
                snprintf(errbuf, errlen, "%s: error: cannot read the template", err);
            else
                snprintf(errbuf, errlen, "templates/%s: error: no such template", name);
        }
        return false;
    }
    struct partial_ctx pc = {t, "", ""};
    const char *slash = strrchr(name, '/');
    char *folder = slash ? gen_xstrndup(name, (size_t)(slash - name + 1)) : gen_xstrdup("");
    pc.folder = folder;
    char rerr[512] = "";
    bool ok;
    if (write) {
        ok = gen_render_to(text, len, data, lookup_partial, &pc, write, wctx, rerr, sizeof rerr) ==
             0;
    } else {
        *out = gen_render(text, len, data, lookup_partial, &pc, out_len, rerr, sizeof rerr);
        ok = *out != NULL;
    }
    free(folder);
    if (!ok) {
        if (errbuf && errlen) {
            /* gen_render says "line:col: message"; nothing when `write` stopped it. */
            const char *msg = strstr(rerr, ": ");
            if (!rerr[0])
                errbuf[0] = '\0';
            else if (msg)
                snprintf(errbuf, errlen, "%s:%.*s: error: %s", origin, (int)(msg - rerr), rerr,
                         msg + 2);
            else
                snprintf(errbuf, errlen, "%s: error: %s", origin, rerr);
        }
        return false;
    }
    if (pc.error[0]) {
        /* A partial exists but could not be read: the output would silently lack it. */
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "%s: error: cannot read the template", pc.error);
        if (!write) {
            free(*out);
            *out = NULL;
        }
        return false;
    }
    return true;
}

char *gen_templates_render(gen_template_set *t, const char *name, json_object *data,
                           size_t *out_len, char *errbuf, size_t errlen)
{
    char *out = NULL;
    if (!render_template(t, name, data, NULL, NULL, &out, out_len, errbuf, errlen))
        return NULL;
    return out;
}

int gen_templates_render_to(gen_template_set *t, const char *name, json_object *data,
                            gen_render_write_fn write, void *wctx, char *errbuf, size_t errlen)
{
    return render_template(t, name, data, write, wctx, NULL, NULL, errbuf, errlen) ? 0 : -1;
}

/* ---- overrides that match nothing ------------------------------------------------------------ */

/* True when `text` includes the partial `name` (`{{> name}}`, blanks allowed). */
static bool includes_partial(const char *text, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + 3 < len; i++) {
        if (text[i] != '{' || text[i + 1] != '{' || text[i + 2] != '>')
            continue;
        size_t k = i + 3;
        while (k < len && (text[k] == ' ' || text[k] == '\t'))
            k++;
        if (k + n > len || memcmp(text + k, name, n) != 0)
            continue;
        k += n;
        while (k < len && (text[k] == ' ' || text[k] == '\t'))
            k++;
        if (k + 1 < len && text[k] == '}' && text[k + 1] == '}')
            return true;
    }
    return false;
}

/* The folders of templates (`c`, `docs`), from the built-in names. */
static bool is_template_folder(const char *folder, size_t n)
{
    for (const gen_builtin_template *b = gen_builtin_templates; b->name; b++)
        if (strncmp(b->name, folder, n) == 0 && b->name[n] == '/')
            return true;
    return false;
}

/* Whether some template of `folder` (built in, or overridden, or another override file of the
 * folder) includes the partial `name`. */
static bool partial_used(gen_template_set *t, const char *folder, const char *name, char **files,
                         size_t n_files)
{
    size_t fl = strlen(folder);
    for (const gen_builtin_template *b = gen_builtin_templates; b->name; b++) {
        if (strncmp(b->name, folder, fl) != 0 || b->name[fl] != '/')
            continue;
        size_t len;
        const char *text = gen_templates_get(t, b->name, &len, NULL, NULL, 0);
        if (text && includes_partial(text, len, name))
            return true;
    }
    for (size_t i = 0; i < n_files; i++) {
        if (strncmp(files[i], folder, fl) != 0 || files[i][fl] != '/')
            continue;
        size_t len;
        const char *text = gen_templates_get(t, files[i], &len, NULL, NULL, 0);
        if (text && includes_partial(text, len, name))
            return true;
    }
    return false;
}

/* Lists the `*.mustache` files of `dir` and of its folders one level down, as relative names. */
static void list_mustache(const char *root, const char *sub, char ***files, size_t *n)
{
    char *path = sub ? gen_format("%s/%s", root, sub) : gen_xstrdup(root);
    DIR *d = opendir(path);
    if (!d) {
        free(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *full = gen_format("%s/%s", path, e->d_name);
        char *rel = sub ? gen_format("%s/%s", sub, e->d_name) : gen_xstrdup(e->d_name);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode) && !sub) {
            list_mustache(root, e->d_name, files, n);
        } else if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            size_t l = strlen(rel);
            if (l > 9 && strcmp(rel + l - 9, ".mustache") == 0) {
                *files = gen_xrealloc(*files, (*n + 1) * sizeof(**files));
                (*files)[(*n)++] = rel;
                rel = NULL;
            }
        }
        free(rel);
        free(full);
    }
    closedir(d);
    free(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t gen_templates_check_overrides(gen_template_set *t, gen_str *report)
{
    if (!t->override_dir)
        return 0;
    char **files = NULL;
    size_t n = 0, bad = 0;
    list_mustache(t->override_dir, NULL, &files, &n);
    if (n > 1)
        qsort(files, n, sizeof(*files), cmp_str);
    for (size_t i = 0; i < n; i++) {
        const char *f = files[i];
        if (find_builtin(f))
            continue;
        const char *slash = strchr(f, '/');
        if (slash && is_template_folder(f, (size_t)(slash - f))) {
            char *folder = gen_xstrndup(f, (size_t)(slash - f));
            char *partial = gen_xstrndup(slash + 1, strlen(slash + 1) - 9);
            bool used = partial_used(t, folder, partial, files, n);
            free(folder);
            free(partial);
            if (used)
                continue;
        }
        /* The closest built-in template, for a misspelling. */
        gen_suggester sg;
        gen_suggest_init(&sg, f);
        for (const gen_builtin_template *b = gen_builtin_templates; b->name; b++)
            gen_suggest_consider(&sg, b->name);
        gen_str_printf(report,
                       "%s/%s: error: no template of eventc is called '%s', and no template "
                       "includes it as a partial: it would be ignored",
                       t->override_dir, f, f);
        if (sg.best)
            gen_str_printf(report, " (did you mean '%s'?)", sg.best);
        gen_str_putc(report, '\n');
        bad++;
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    return bad;
}
