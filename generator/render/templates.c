/* Built-in templates with per-file overrides, and rendering with partials from the same set. */
#include "templates.h"
#include "render.h"
#include "base/util.h"

#include <errno.h>
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

char *gen_templates_render(gen_template_set *t, const char *name, json_object *data,
                           size_t *out_len, char *errbuf, size_t errlen)
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
        return NULL;
    }
    struct partial_ctx pc = {t, "", ""};
    const char *slash = strrchr(name, '/');
    char *folder = slash ? gen_xstrndup(name, (size_t)(slash - name + 1)) : gen_xstrdup("");
    pc.folder = folder;
    char rerr[512];
    char *out = gen_render(text, len, data, lookup_partial, &pc, out_len, rerr, sizeof rerr);
    free(folder);
    if (!out) {
        if (errbuf && errlen) {
            /* gen_render says "line:col: message". */
            const char *msg = strstr(rerr, ": ");
            if (msg)
                snprintf(errbuf, errlen, "%s:%.*s: error: %s", origin, (int)(msg - rerr), rerr,
                         msg + 2);
            else
                snprintf(errbuf, errlen, "%s: error: %s", origin, rerr);
        }
        return NULL;
    }
    if (pc.error[0]) {
        /* A partial exists but could not be read: the output would silently lack it. */
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "%s: error: cannot read the template", pc.error);
        free(out);
        return NULL;
    }
    return out;
}
