/* `eventc generate` and `eventc model`. */
#define _POSIX_C_SOURCE 200809L

#include "cmd_generate.h"
#include "diag.h"
#include "emit_c.h"
#include "model.h"
#include "templates.h"
#include "util.h"
#include "viewmodel.h"
#include "writer.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    "  c    DIR/c/<catalog>.h and DIR/c/<catalog>.c: structs, constructors and JSON codecs\n"
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
    "                       (catalog files, example files, template overrides)\n"
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
static const char *const known_targets[] = {"c", NULL};

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

/* Appends `path` to a Make depfile line: absolute (the build tool may run elsewhere), with blanks,
 * '#' and '$' escaped. */
static void depfile_add(gen_str *d, const char *path)
{
    char *abs = NULL;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            abs = gen_format("%s/%s", cwd, path);
    }
    gen_str_puts(d, " \\\n  ");
    for (const char *p = abs ? abs : path; *p; p++) {
        if (*p == ' ' || *p == '\\' || *p == '#')
            gen_str_putc(d, '\\');
        else if (*p == '$')
            gen_str_putc(d, '$');
        gen_str_putc(d, *p);
    }
    free(abs);
}

/* Writes the depfile of a successful run: the target depends on every file read. */
static int write_depfile(const char *path, const char *target, const gen_model *m,
                         gen_template_set *templates)
{
    gen_str d;
    gen_str_init(&d);
    for (const char *p = target; *p; p++) {
        if (*p == ' ' || *p == '#' || *p == ':')
            gen_str_putc(&d, '\\');
        gen_str_putc(&d, *p);
    }
    gen_str_putc(&d, ':');
    for (size_t i = 0; i < m->n_files; i++)
        depfile_add(&d, m->files[i].path);
    for (size_t i = 0; i < m->n_events; i++)
        for (size_t k = 0; k < m->events[i]->n_examples; k++)
            if (m->events[i]->examples[k].resolved)
                depfile_add(&d, m->events[i]->examples[k].resolved);
    for (gen_loaded_template *t = gen_templates_overrides(templates, NULL); t;
         t = gen_templates_overrides(templates, t))
        depfile_add(&d, gen_templates_origin(t));
    gen_str_putc(&d, '\n');
    char err[1024];
    int rc = 0;
    if (gen_write_file(path, d.data, d.len, false, err, sizeof err) == GEN_WRITE_FAILED) {
        fprintf(stderr, "eventc: error: %s\n", err);
        rc = -1;
    }
    gen_str_free(&d);
    return rc;
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

static bool target_known(const char *t, size_t len)
{
    for (const char *const *k = known_targets; *k; k++)
        if (strlen(*k) == len && strncmp(*k, t, len) == 0)
            return true;
    return false;
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
    bool want_c = targets == NULL;
    if (targets) {
        for (const char *t = targets;;) {
            size_t len = strcspn(t, ",");
            if (len == 0 || !target_known(t, len)) {
                char *name = gen_xstrndup(t, len);
                int rc = usage_error(cmd, "unknown target '%s' (known: c)", name);
                free(name);
                return rc;
            }
            if (len == 1 && t[0] == 'c')
                want_c = true;
            if (t[len] == '\0')
                break;
            t += len + 1;
        }
    }

    gen_model *m;
    json_object *vm = load_view(catalog, &m);
    if (!vm)
        return EXIT_INPUT;

    gen_output *outs = NULL;
    size_t n_outs = 0;
    int status = 0;
    gen_template_set templates;
    gen_templates_init(&templates, template_dir);
    char err[1024];
    if (want_c && gen_emit_c(vm, &templates, out_dir, &outs, &n_outs, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        status = EXIT_INPUT;
    }
    bool failed = status != 0;
    for (size_t i = 0; i < n_outs && !failed; i++) {
        gen_write_status w = gen_write_file(outs[i].path, outs[i].data, outs[i].len, check, err,
                                            sizeof err);
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
        write_depfile(depfile, depfile_target ? depfile_target : outs[0].path, m, &templates))
        status = EXIT_INPUT;
    gen_outputs_free(outs, n_outs);
    gen_templates_free(&templates);
    json_object_put(vm);
    gen_model_free(m);
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
