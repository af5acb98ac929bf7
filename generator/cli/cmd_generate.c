/* `eventc generate` and `eventc model`. */
#define _POSIX_C_SOURCE 200809L

#include "cmd_generate.h"
#include "io/depfile.h"
#include "base/diag.h"
#include "backends/emit_c.h"
#include "backends/emit_docs.h"
#include "backends/emit_schema.h"
#include "model/model.h"
#include "render/templates.h"
#include "base/util.h"
#include "views/viewmodel.h"
#include "views/viewmodel_docs.h"
#include "io/writer.h"
#include "front/check.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef EVENTC_VERSION
#define EVENTC_VERSION "0.0.0"
#endif

#define EXIT_INPUT 1
#define EXIT_USAGE 2

const char gen_generate_help[] =
    "usage: eventc generate CATALOG -o DIR [--target c[,...]] [--templates DIR] [--check]\n"
    "                       [--depfile FILE [--depfile-target TARGET]]\n"
    "\n"
    "Checks CATALOG like `eventc check`, then generates code from it into DIR:\n"
    "\n"
    "  c       DIR/c/<catalog>.h and DIR/c/<catalog>.c: structs, constructors and JSON codecs\n"
    "  schema  DIR/schemas/*.schema.json: JSON Schemas of the envelope, events, types, catalog\n"
    "  docs    DIR/docs/index.md and DIR/docs/<aggregate>.md: Markdown documentation, with each\n"
    "          lifecycle drawn as a Mermaid state diagram\n"
    "\n"
    "Without --target every target is generated. A file is written only when its content\n"
    "changes (atomically: readers never see half a file), so its timestamp tells build tools\n"
    "whether anything changed. The output is the same byte for byte on every run and machine.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     the output folder (created when missing)\n"
    "  --target LIST        comma-separated targets to generate (default: all)\n"
    "  --templates DIR      use DIR/c/header.mustache (and any other file of DIR/<target>/)\n"
    "                       instead of the built-in template of the same name\n"
    "  --check              write nothing; list the files that are out of date and exit 1 if any\n"
    "  --depfile FILE       also write a Make-style depfile listing every file the run read\n"
    "                       (the catalog, its includes and its example files)\n"
    "  --depfile-target T   the target named in the depfile (default: the first output file)\n"
    "\n"
    "exit status: 0 success, 1 errors in the input or out-of-date files (--check), 2 usage\n";

const char gen_model_help[] =
    "usage: eventc model CATALOG\n"
    "\n"
    "Prints the view model of the C back end: the JSON document templates/c/*.mustache are\n"
    "rendered over. Use it to write your own templates (--templates of `eventc generate`) and\n"
    "debug them with `eventc render`. See docs/generated-c.md.\n";

/* The back ends this command knows, in the order they run. */
enum { TARGET_C = 1 << 0, TARGET_SCHEMA = 1 << 1, TARGET_DOCS = 1 << 2 };
static const struct {
    const char *name;
    unsigned bit;
} known_targets[] = {{"c", TARGET_C}, {"schema", TARGET_SCHEMA}, {"docs", TARGET_DOCS}};
#define N_TARGETS (sizeof known_targets / sizeof known_targets[0])

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "eventc %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'eventc help %s'.\n", cmd);
    return EXIT_USAGE;
}

/* The catalog path as the banners print it: as given, except that an absolute path inside the
 * working directory is made relative to it, so that output does not depend on where the build
 * machine keeps its checkout. */
static char *display_source(const char *path)
{
    if (path[0] == '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd)) {
            size_t n = strlen(cwd);
            if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
                return gen_xstrdup(path + n + 1);
        }
    }
    return gen_xstrdup(path);
}

/* Loads the catalog and builds the C view model; prints diagnostics on failure. */
static json_object *load_view(const char *path, gen_model **model)
{
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    json_object *vm = NULL;
    if (m) {
        char *source = display_source(path);
        gen_vm_options opt = {source, EVENTC_VERSION};
        vm = gen_viewmodel_c(m, &opt, &diags);
        free(source);
    }
    if (!vm) {
        gen_diags_print(&diags, stderr);
        fprintf(stderr, "%zu error%s\n", diags.len, diags.len == 1 ? "" : "s");
        gen_model_free(m);
        m = NULL;
    }
    gen_diags_free(&diags);
    *model = m;
    return vm;
}

/* Reads the value of option `name` at argv[*i] (`--name VALUE` or `--name=VALUE`). Returns NULL
 * when argv[*i] is another option; sets *missing when the value is absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

/* The bit of target `t` (`len` bytes), or 0 when there is no such target. */
static unsigned target_bit(const char *t, size_t len)
{
    for (size_t i = 0; i < N_TARGETS; i++)
        if (strlen(known_targets[i].name) == len && strncmp(known_targets[i].name, t, len) == 0)
            return known_targets[i].bit;
    return 0;
}

/* Collects the files of the schema back end. */
struct collected {
    const char *out_dir;
    gen_output *outs;
    size_t n;
};

static void push_output(struct collected *c, gen_output o)
{
    c->outs = gen_xrealloc(c->outs, (c->n + 1) * sizeof(*c->outs));
    c->outs[c->n++] = o;
}

static int collect_output(void *ctx, const char *relpath, const char *data, size_t len)
{
    struct collected *c = ctx;
    gen_output o = {gen_format("%s/%s", c->out_dir, relpath), gen_xstrndup(data, len), len};
    push_output(c, o);
    return 0;
}

/* The docs back end: its own view model, then its templates. */
static int emit_docs(const gen_model *m, const char *catalog, gen_template_set *templates,
                     const char *out_dir, struct collected *all, char *err, size_t errlen)
{
    gen_diags diags;
    gen_diags_init(&diags);
    char *source = display_source(catalog);
    gen_vm_options opt = {source, EVENTC_VERSION};
    json_object *vm = gen_viewmodel_docs(m, &opt, &diags);
    free(source);
    int rc = 0;
    if (!vm) {
        gen_diags_print(&diags, stderr);
        fprintf(stderr, "%zu error%s\n", diags.len, diags.len == 1 ? "" : "s");
        rc = -1;
    } else {
        gen_output *outs = NULL;
        size_t n = 0;
        if (gen_emit_docs(vm, templates, out_dir, &outs, &n, err, errlen) != 0) {
            fprintf(stderr, "%s\n", err);
            rc = -1;
        }
        for (size_t i = 0; i < n; i++)
            push_output(all, outs[i]);
        free(outs);
        json_object_put(vm);
    }
    gen_diags_free(&diags);
    return rc;
}

int gen_cmd_generate(int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "generate";
    const char *catalog = NULL, *out_dir = NULL, *targets = NULL, *template_dir = NULL;
    const char *depfile = NULL, *depfile_target = NULL;
    bool check = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        bool missing = false;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(gen_generate_help, stdout);
            return 0;
        }
        if (strcmp(a, "--check") == 0) {
            check = true;
        } else if ((v = option_value(argc, argv, &i, "-o", &missing)) ||
                   (v = option_value(argc, argv, &i, "--output", &missing))) {
            out_dir = v;
        } else if ((v = option_value(argc, argv, &i, "--target", &missing))) {
            targets = v;
        } else if ((v = option_value(argc, argv, &i, "--templates", &missing))) {
            template_dir = v;
        } else if ((v = option_value(argc, argv, &i, "--depfile-target", &missing))) {
            depfile_target = v;
        } else if ((v = option_value(argc, argv, &i, "--depfile", &missing))) {
            depfile = v;
        } else if (missing) {
            return usage_error(cmd, "option '%s' needs a value", a);
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error(cmd, "unknown option '%s'", a);
        } else if (catalog) {
            return usage_error(cmd, "more than one catalog given ('%s')", a);
        } else {
            catalog = a;
        }
        if (missing)
            return usage_error(cmd, "option '%s' needs a value", a);
    }
    if (!catalog)
        return usage_error(cmd, "%s", "missing CATALOG");
    if (!out_dir || !*out_dir)
        return usage_error(cmd, "%s", "missing the output folder (-o DIR)");
    unsigned wanted = 0;
    if (!targets) {
        for (size_t i = 0; i < N_TARGETS; i++)
            wanted |= known_targets[i].bit;
    }
    for (const char *t = targets; t;) {
        size_t len = strcspn(t, ",");
        unsigned bit = target_bit(t, len);
        if (!bit) {
            char *name = gen_xstrndup(t, len);
            int rc = usage_error(cmd, "unknown target '%s' (known: c, schema, docs)", name);
            free(name);
            return rc;
        }
        wanted |= bit;
        t = t[len] ? t + len + 1 : NULL;
    }

    if (template_dir) {
        /* A mistyped folder would silently give the built-in templates. */
        struct stat st;
        const char *problem = NULL;
        if (stat(template_dir, &st) != 0)
            problem = errno == ENOENT ? "no such template folder" : strerror(errno);
        else if (!S_ISDIR(st.st_mode))
            problem = "not a folder";
        if (problem) {
            fprintf(stderr, "eventc: error: %s: %s\n", template_dir, problem);
            return EXIT_INPUT;
        }
    }

    gen_model *m;
    json_object *vm = load_view(catalog, &m);
    if (!vm)
        return EXIT_INPUT;

    /* "out/" and "out" name the same folder; keep the file paths free of "//". */
    char *dir = gen_xstrdup(out_dir);
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = '\0';
    out_dir = dir;
    struct collected all = {out_dir, NULL, 0};
    int status = 0;
    gen_template_set templates;
    gen_templates_init(&templates, template_dir);
    char err[1024];
    if (wanted & TARGET_C) {
        gen_output *outs = NULL;
        size_t n = 0;
        if (gen_emit_c(vm, &templates, out_dir, &outs, &n, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_INPUT;
        }
        for (size_t i = 0; i < n; i++)
            push_output(&all, outs[i]);
        free(outs);
    }
    if (status == 0 && (wanted & TARGET_SCHEMA) &&
        gen_emit_schema(m, NULL, collect_output, &all) != 0)
        status = EXIT_INPUT;
    if (status == 0 && (wanted & TARGET_DOCS) &&
        emit_docs(m, catalog, &templates, out_dir, &all, err, sizeof err) != 0)
        status = EXIT_INPUT;
    gen_output *outs = all.outs;
    size_t n_outs = all.n;
    bool failed = status != 0;
    for (size_t i = 0; i < n_outs && !failed; i++) {
        gen_write_status w =
            gen_write_file(outs[i].path, outs[i].data, outs[i].len, check, err, sizeof err);
        if (w == GEN_WRITE_FAILED) {
            fprintf(stderr, "eventc: error: %s\n", err);
            status = EXIT_INPUT;
            failed = true;
        } else if (w == GEN_WRITE_CHANGED && check) {
            fprintf(stderr, "%s: out of date\n", outs[i].path);
            status = EXIT_INPUT;
        }
    }
    if (status == 0 && depfile && !check && n_outs > 0 &&
        gen_write_depfile(m, depfile_target ? depfile_target : outs[0].path, depfile) != 0) {
        fprintf(stderr, "eventc: error: %s: %s\n", depfile, strerror(errno));
        status = EXIT_INPUT;
    }
    gen_outputs_free(outs, n_outs);
    gen_templates_free(&templates);
    json_object_put(vm);
    gen_model_free(m);
    free(dir);
    return status;
}

int gen_cmd_model(int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "model";
    const char *catalog = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(gen_model_help, stdout);
            return 0;
        }
        if (a[0] == '-' && a[1] != '\0')
            return usage_error(cmd, "unknown option '%s'", a);
        if (catalog)
            return usage_error(cmd, "more than one catalog given ('%s')", a);
        catalog = a;
    }
    if (!catalog)
        return usage_error(cmd, "%s", "missing CATALOG");
    gen_model *m;
    json_object *vm = load_view(catalog, &m);
    if (!vm)
        return EXIT_INPUT;
    const char *text = json_object_to_json_string_ext(
        vm, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    int status = 0;
    if (!text) {
        fputs("eventc: error: out of memory\n", stderr);
        status = EXIT_INPUT;
    } else if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "eventc: error: cannot write the model: %s\n", strerror(errno));
        status = EXIT_INPUT;
    }
    json_object_put(vm);
    gen_model_free(m);
    return status;
}
