/* `eventc generate` and `eventc model`. */
#define _POSIX_C_SOURCE 200809L

#include "cmd_generate.h"
#include "io/depfile.h"
#include "base/diag.h"
#include "backends/generate.h"
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
    "usage: eventc generate CATALOG -o DIR [--target c[,...]] [--templates DIR]\n"
    "                       [--check | --list-outputs] [--depfile FILE [--depfile-target TARGET]]\n"
    "\n"
    "Checks CATALOG like `eventc check`, then generates code from it into DIR:\n"
    "\n"
    "  c       DIR/c/<catalog>.h and DIR/c/<catalog>.c: structs, constructors and JSON codecs;\n"
    "          DIR/c/<catalog>_cloudevents.h and .c: the CloudEvents converters. Compile both\n"
    "          .c files and link libeventc.\n"
    "  schema  DIR/schemas/*.schema.json: JSON Schemas of the envelope, events, types, catalog,\n"
    "          and DIR/schemas/cloudevents/: the events as CloudEvents\n"
    "  docs    DIR/docs/index.md and DIR/docs/<aggregate>.md: Markdown documentation, with each\n"
    "          lifecycle drawn as a Mermaid state diagram\n"
    "  messaging  DIR/messaging/<catalog>_messaging.h and .c: the typed messaging layer (the\n"
    "          catalog descriptor, typed publish helpers, the handler table); they include the c\n"
    "          target's files: compile with -IDIR/c and link libeventc-messaging\n"
    "  asyncapi  DIR/asyncapi/<catalog>.asyncapi.yaml: the AsyncAPI 3.0.0 document of the\n"
    "          catalog; its payloads refer to the schema target's files in DIR/schemas/\n"
    "\n"
    "Without --target every target is generated. A file is written only when its content\n"
    "changes (atomically: readers never see half a file), so its timestamp tells build tools\n"
    "whether anything changed. The output is the same byte for byte on every run and machine.\n"
    "eventc records the files it generates in DIR/.<catalog>.eventc-outputs and removes those a\n"
    "later run no longer generates (the files of a removed event), for the targets it runs.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     the output folder (created when missing)\n"
    "  --target LIST        comma-separated targets to generate (default: all)\n"
    "  --templates DIR      use DIR/c/header.mustache (and any other file of DIR/<target>/)\n"
    "                       instead of the built-in template of the same name; a *.mustache file\n"
    "                       that is neither a template nor a partial one includes is an error\n"
    "  --check              write nothing; list the files that are out of date or orphaned and\n"
    "                       exit 1 if any\n"
    "  --list-outputs       write nothing; print the path of every file the run would generate,\n"
    "                       one per line (build systems declare them: the names of schemas and\n"
    "                       docs pages depend on the catalog); --depfile still lists what was "
    "read\n"
    "  --depfile FILE       also write a Make-style depfile listing every file the run read\n"
    "                       (the catalog, its includes and its example files)\n"
    "  --depfile-target T   the target named in the depfile (default: the first output file);\n"
    "                       needs --depfile\n"
    "\n"
    "exit status: 0 success, 1 errors in the input or out-of-date files (--check), 2 usage\n";

const char gen_model_help[] =
    "usage: eventc model CATALOG\n"
    "\n"
    "Prints the view model of the C back end: the JSON document templates/c/*.mustache are\n"
    "rendered over. Use it to write your own templates (--templates of `eventc generate`) and\n"
    "debug them with `eventc render`. See docs/generated-c.md.\n";

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

/* Loads and checks the catalog; prints the diagnostics on failure. */
static gen_model *load_model(const char *path)
{
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    if (!m) {
        gen_diags_print(&diags, stderr);
        fprintf(stderr, "%zu error%s\n", diags.len, diags.len == 1 ? "" : "s");
    }
    gen_diags_free(&diags);
    return m;
}

/* Loads the catalog and builds the C view model; prints diagnostics on failure. */
static json_object *load_view(const char *path, gen_model **model)
{
    gen_model *m = load_model(path);
    json_object *vm = NULL;
    if (m) {
        gen_diags diags;
        gen_diags_init(&diags);
        char *source = display_source(path);
        gen_vm_options opt = {source, EVENTC_VERSION, false};
        vm = gen_viewmodel_c(m, &opt, &diags);
        free(source);
        if (!vm) {
            gen_diags_print(&diags, stderr);
            fprintf(stderr, "%zu error%s\n", diags.len, diags.len == 1 ? "" : "s");
            gen_model_free(m);
            m = NULL;
        }
        gen_diags_free(&diags);
    }
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

/* ---- the outputs a folder holds for a catalog ------------------------------------------------
 *
 * DIR/.<catalog>.eventc-outputs lists, one per line, the target and the path (relative to DIR)
 * of every file generate wrote for the catalog. A later run removes the listed files of the
 * targets it runs that it no longer generates (orphans: the schema and docs of a removed event
 * or aggregate), and --check reports them. Only files under the targets' folders are ever
 * removed: a line that names anything else is ignored.
 */

typedef struct owned {
    unsigned target;
    char *rel;
} owned;

static char *manifest_path(const char *out_dir, const char *catalog)
{
    return gen_format("%s/.%s.eventc-outputs", out_dir, catalog);
}

/* True for a path generate could have written: under a target's folder, relative, without `..`
 * or empty parts. */
static bool plausible_output(unsigned target, const char *rel)
{
    if (gen_target_of(rel) != target || rel[0] == '/')
        return false;
    for (const char *p = rel; *p; p++) {
        if (*p == '/' && (p[1] == '/' || p[1] == '\0'))
            return false;
        if (*p == '.' && p[1] == '.' && (p == rel || p[-1] == '/') && (p[2] == '/' || !p[2]))
            return false;
        if ((unsigned char)*p < 0x20)
            return false;
    }
    return true;
}

static owned *read_manifest(const char *path, size_t *n)
{
    *n = 0;
    char *data;
    size_t len;
    if (gen_read_file(path, 64u << 20, &data, &len) != 0)
        return NULL;
    owned *list = NULL;
    for (char *line = data; line && *line;) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        char *space = strchr(line, ' ');
        if (line[0] != '#' && space) {
            unsigned t = gen_target_bit(line, (size_t)(space - line));
            if (t && plausible_output(t, space + 1)) {
                list = gen_xrealloc(list, (*n + 1) * sizeof(*list));
                list[(*n)++] = (owned){t, gen_xstrdup(space + 1)};
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    free(data);
    return list;
}

static int cmp_owned(const void *a, const void *b)
{
    const owned *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    return strcmp(x->rel, y->rel);
}

static char *manifest_text(const char *catalog, owned *list, size_t n)
{
    if (n > 1)
        qsort(list, n, sizeof(*list), cmp_owned);
    gen_str s;
    gen_str_init(&s);
    gen_str_printf(&s,
                   "# The files eventc generate wrote in this folder for catalog '%s'. A run\n"
                   "# removes those of its targets it no longer generates. Do not edit.\n",
                   catalog);
    for (size_t i = 0; i < n; i++)
        gen_str_printf(&s, "%s %s\n", gen_target_name(list[i].target), list[i].rel);
    return gen_str_detach(&s);
}

static void free_owned(owned *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].rel);
    free(list);
}

/* A run that writes each output while it is rendered (gen_sink): only the paths stay. */
typedef struct run {
    gen_writer w;
    gen_write_stream file; /* the output being written */
    bool check, list;
    size_t prefix; /* strlen(out_dir) + 1 */
    char **paths;  /* the outputs, in order */
    size_t n_paths, cap_paths;
    int status;
} run;

static int run_open(void *ctx, char *path)
{
    run *r = ctx;
    if (r->n_paths == r->cap_paths) {
        r->cap_paths = r->cap_paths ? r->cap_paths * 2 : 64;
        r->paths = gen_xrealloc(r->paths, r->cap_paths * sizeof(*r->paths));
    }
    r->paths[r->n_paths++] = path;
    if (!r->list)
        gen_writer_open(&r->w, &r->file, path);
    return 0;
}

static int run_write(void *ctx, const char *data, size_t len)
{
    run *r = ctx;
    if (!r->list)
        gen_writer_write(&r->file, data, len);
    return 0;
}

/* Stages the file in the writer batch (or, with --check, reports whether it differs). */
static int run_close(void *ctx, bool ok)
{
    run *r = ctx;
    if (r->list)
        return 0;
    if (!ok) {
        gen_writer_abandon(&r->file);
        return 0;
    }
    char err[1024];
    gen_write_status st = gen_writer_close(&r->file, err, sizeof err);
    if (st == GEN_WRITE_FAILED) {
        fprintf(stderr, "eventc: error: %s\n", err);
        r->status = EXIT_INPUT;
        return -1;
    }
    if (st == GEN_WRITE_CHANGED && r->check) {
        fprintf(stderr, "%s: out of date\n", r->paths[r->n_paths - 1]);
        r->status = EXIT_INPUT;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Brings the folder to the run's outputs, all put by now: removes orphans, updates the record of
 * what the folder holds and commits the batch; with `check`, only reports. Returns the exit
 * status. */
static int finish_run(run *r, const char *out_dir, const char *catalog, unsigned wanted)
{
    char err[1024];
    int status = r->status;
    bool check = r->check;

    /* The new record: this run's outputs, and the earlier ones of targets it does not run. */
    char *mpath = manifest_path(out_dir, catalog);
    size_t n_old;
    owned *old = read_manifest(mpath, &n_old);
    owned *now = gen_xcalloc(r->n_paths + n_old + 1, sizeof(*now));
    size_t n_now = 0;
    char **rels = gen_xcalloc(r->n_paths + 1, sizeof(*rels));
    for (size_t i = 0; i < r->n_paths; i++) {
        const char *rel = r->paths[i] + r->prefix;
        rels[i] = (char *)rel;
        now[n_now++] = (owned){gen_target_of(rel), gen_xstrdup(rel)};
    }
    qsort(rels, r->n_paths, sizeof(*rels), cmp_str);
    for (size_t i = 0; i < n_old; i++)
        if (!(old[i].target & wanted))
            now[n_now++] = (owned){old[i].target, gen_xstrdup(old[i].rel)};

    /* Orphans: recorded for a target this run ran, not generated by it. */
    for (size_t i = 0; i < n_old; i++) {
        if (!(old[i].target & wanted))
            continue;
        const char *key = old[i].rel;
        if (bsearch(&key, rels, r->n_paths, sizeof(*rels), cmp_str))
            continue;
        char *path = gen_format("%s/%s", out_dir, old[i].rel);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (check) {
                fprintf(stderr, "%s: orphaned (no longer generated; generate removes it)\n", path);
                status = EXIT_INPUT;
            } else {
                gen_writer_remove(&r->w, path);
            }
        }
        free(path);
    }
    free(rels);
    char *text = manifest_text(catalog, now, n_now);
    if (status == 0 && !check) {
        gen_write_status st = gen_writer_put(&r->w, mpath, text, strlen(text), err, sizeof err);
        if (st == GEN_WRITE_FAILED) {
            fprintf(stderr, "eventc: error: %s\n", err);
            status = EXIT_INPUT;
        }
    }
    if (status == 0 && gen_writer_commit(&r->w, err, sizeof err) != 0) {
        fprintf(stderr, "eventc: error: %s\n", err);
        status = EXIT_INPUT;
    }
    free(text);
    free_owned(old, n_old);
    free_owned(now, n_now);
    free(mpath);
    return status;
}

int gen_cmd_generate(int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "generate";
    const char *catalog = NULL, *out_dir = NULL, *targets = NULL, *template_dir = NULL;
    const char *depfile = NULL, *depfile_target = NULL;
    bool check = false, list = false;
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
        } else if (strcmp(a, "--list-outputs") == 0) {
            list = true;
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
    if (check && list)
        return usage_error(cmd, "%s", "--check and --list-outputs exclude each other");
    if (depfile_target && !depfile)
        return usage_error(cmd, "%s",
                           "--depfile-target names the target of a depfile: give --depfile FILE");
    if (depfile && !*depfile)
        return usage_error(cmd, "%s", "--depfile needs a file name");
    unsigned wanted = targets ? 0 : GEN_TARGET_ALL;
    for (const char *t = targets; t;) {
        size_t len = strcspn(t, ",");
        unsigned bit = gen_target_bit(t, len);
        if (!bit) {
            char *name = gen_xstrndup(t, len);
            int rc = usage_error(
                cmd, "unknown target '%s' (known: c, schema, docs, messaging, asyncapi)", name);
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

    gen_model *m = load_model(catalog);
    if (!m)
        return EXIT_INPUT;

    /* "out/" and "out" name the same folder; keep the file paths free of "//". */
    char *dir = gen_xstrdup(out_dir);
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = '\0';
    out_dir = dir;
    int status = 0;
    gen_template_set templates;
    gen_templates_init(&templates, template_dir);
    gen_str report;
    gen_str_init(&report);
    if (gen_templates_check_overrides(&templates, &report) > 0) {
        fputs(report.data, stderr);
        status = EXIT_INPUT;
    }
    /* Each output is staged (or compared) as soon as it is rendered; nothing is renamed into
     * place before the whole run succeeded. */
    run r = {.check = check, .list = list, .prefix = strlen(out_dir) + 1};
    gen_writer_init(&r.w, check);
    gen_sink sink = {run_open, run_write, run_close, &r};
    char *source = display_source(catalog);
    gen_str err;
    gen_str_init(&err);
    if (status == 0 && gen_generate_each(m, source, EVENTC_VERSION, wanted, &templates, out_dir,
                                         &sink, &err) != 0) {
        fputs(err.data, stderr);
        status = EXIT_INPUT;
    }
    gen_str_free(&err);
    free(source);
    if (status == 0 && list) {
        for (size_t i = 0; i < r.n_paths; i++)
            printf("%s\n", r.paths[i]);
        if (fflush(stdout) != 0) {
            fprintf(stderr, "eventc: error: cannot write the list: %s\n", strerror(errno));
            status = EXIT_INPUT;
        }
    } else if (status == 0) {
        status = finish_run(&r, out_dir, m->name, wanted);
    }
    if (status == 0 && depfile && !check && r.n_paths > 0 &&
        gen_write_depfile(m, depfile_target ? depfile_target : r.paths[0], depfile) != 0) {
        fprintf(stderr, "eventc: error: %s: %s\n", depfile, strerror(errno));
        status = EXIT_INPUT;
    }
    gen_writer_free(&r.w);
    for (size_t i = 0; i < r.n_paths; i++)
        free(r.paths[i]);
    free(r.paths);
    gen_str_free(&report);
    gen_templates_free(&templates);
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
