/* `eventc compat`. */
#include "cmd_compat.h"
#include "base/diag.h"
#include "base/util.h"
#include "compat/compat.h"
#include "front/check.h"
#include "io/gitrev.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_BREAKING 1
#define EXIT_USAGE 2

const char gen_compat_help[] =
    "usage: eventc compat OLD NEW [--mode backward|forward|full|none] [--transitive OLDER...]\n"
    "                     [--format text|json|github]\n"
    "\n"
    "Checks that NEW, a later version of the catalog OLD, still understands events written\n"
    "with OLD (backward), that OLD understands events written with NEW (forward), or both\n"
    "(full). Compatible means: every event a writer on one side may write is accepted by the\n"
    "decoders of the other side, and every history its lifecycles allow is allowed there too.\n"
    "Every break is printed with its rule ID and a witness: an event that one side's decoder\n"
    "accepts and the other's refuses, checked with both before it is printed. Breaks NEW\n"
    "accepts in `compat: accept:` are printed as notes. docs/compatibility.md lists the rules.\n"
    "\n"
    "OLD, NEW and OLDER are catalog files, or git:REV:path for a catalog as revision REV of the\n"
    "current git work tree has it (path from the top of the work tree).\n"
    "\n"
    "options:\n"
    "  --mode MODE          backward (default): readers on NEW, events written with OLD;\n"
    "                       forward: readers on OLD, events written with NEW; full: both;\n"
    "                       none: list the differences as notes and exit 0\n"
    "  --transitive OLDER...  also check NEW against each OLDER catalog\n"
    "  --format FORMAT      text (default): `new.yaml:LINE:COL: error: [RULE] message` with\n"
    "                       notes; json: one JSON document; github: workflow annotations\n"
    "  --rules              list the rules: ID, category, directions and explanation\n"
    "\n"
    "exit status: 0 compatible, 1 a break that NEW does not accept, 2 usage error or a catalog\n"
    "that cannot be read or has errors\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("eventc: compat: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'eventc help compat'.\n", stderr);
    return EXIT_USAGE;
}

/* A catalog named on the command line, loaded. */
typedef struct loaded {
    const char *name; /* as given */
    gen_model *m;
    char *git_dir; /* the extracted revision, removed at the end */
} loaded;

static int load(loaded *l, const char *name, const char *role)
{
    memset(l, 0, sizeof *l);
    l->name = name;
    gen_diags d;
    gen_diags_init(&d);
    if (gen_git_is_spec(name)) {
        char *path = NULL, *why = NULL;
        if (gen_git_extract(name, &l->git_dir, &path, &why) != 0) {
            fprintf(stderr, "%s: error: %s\n", name, why);
            fprintf(stderr, "eventc: compat: cannot read the %s catalog\n", role);
            free(why);
            return -1;
        }
        /* Diagnostics name the files as git:REV:path; included files too, joined to it. */
        const char *file = strchr(name + 4, ':') + 1;
        char *display = strchr(file, '/') ? gen_xstrdup(name)
                                          : gen_format("%.*s./%s", (int)(file - name), name, file);
        l->m = gen_model_load_as(path, display, &d);
        free(display);
        free(path);
    } else {
        l->m = gen_model_load(name, &d);
    }
    if (!l->m) {
        gen_diags_print(&d, stderr);
        fprintf(stderr, "eventc: compat: cannot use the %s catalog (%zu error%s)\n", role, d.len,
                d.len == 1 ? "" : "s");
    }
    gen_diags_free(&d);
    return l->m ? 0 : -1;
}

static void unload(loaded *l)
{
    gen_model_free(l->m);
    gen_git_remove(l->git_dir);
    free(l->git_dir);
}

int gen_cmd_compat(int argc, char **argv)
{
    const char *mode = "backward", *format = "text";
    const char **pos = gen_xcalloc((size_t)argc + 1, sizeof(*pos));
    size_t n_pos = 0, first_older = 0;
    bool transitive = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(gen_compat_help, stdout);
            free(pos);
            return 0;
        }
        if (strcmp(a, "--rules") == 0) {
            for (int r = 0; r < GEN_RULE_COUNT; r++) {
                const gen_compat_rule *rule = gen_compat_rule_get((gen_compat_rule_id)r);
                const char *dirs = rule->directions == GEN_COMPAT_BACKWARD  ? "backward"
                                   : rule->directions == GEN_COMPAT_FORWARD ? "forward"
                                                                            : "backward,forward";
                printf("%s\t%s\t%s\t%s\n", rule->id, rule->category, dirs, rule->explanation);
            }
            free(pos);
            return 0;
        }
        const char *value = NULL;
        if (strcmp(a, "--mode") == 0 || strcmp(a, "--format") == 0) {
            if (i + 1 >= argc) {
                free(pos);
                return usage_error("'%s' needs a value", a);
            }
            value = argv[++i];
        } else if (strncmp(a, "--mode=", 7) == 0) {
            value = a + 7;
        } else if (strncmp(a, "--format=", 9) == 0) {
            value = a + 9;
        }
        if (value) {
            if (strncmp(a, "--mode", 6) == 0)
                mode = value;
            else
                format = value;
            continue;
        }
        if (strcmp(a, "--transitive") == 0) {
            if (n_pos < 2) {
                free(pos);
                return usage_error("%s comes after OLD and NEW", a);
            }
            transitive = true;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            free(pos);
            return usage_error("unknown option '%s'", a);
        }
        if (n_pos >= 2 && !transitive) {
            free(pos);
            return usage_error("unexpected argument '%s' (older catalogs go after --transitive)",
                               a);
        }
        if (n_pos == 2)
            first_older = 2;
        pos[n_pos++] = a;
    }
    unsigned dirs;
    if (strcmp(mode, "backward") == 0)
        dirs = GEN_COMPAT_BACKWARD;
    else if (strcmp(mode, "forward") == 0)
        dirs = GEN_COMPAT_FORWARD;
    else if (strcmp(mode, "full") == 0)
        dirs = GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD;
    else if (strcmp(mode, "none") == 0)
        dirs = 0;
    else {
        free(pos);
        return usage_error("unknown mode '%s' (backward, forward, full or none)", mode);
    }
    gen_compat_format fmt;
    if (strcmp(format, "text") == 0)
        fmt = GEN_COMPAT_TEXT;
    else if (strcmp(format, "json") == 0)
        fmt = GEN_COMPAT_JSON;
    else if (strcmp(format, "github") == 0)
        fmt = GEN_COMPAT_GITHUB;
    else {
        free(pos);
        return usage_error("unknown format '%s' (text, json or github)", format);
    }
    if (n_pos < 2) {
        free(pos);
        return usage_error("%s", n_pos ? "missing NEW" : "missing OLD and NEW");
    }
    if (transitive && n_pos == 2) {
        free(pos);
        return usage_error("%s", "--transitive needs at least one OLDER catalog");
    }
    (void)first_older;

    /* NEW first: every comparison is against it. */
    size_t n_old = n_pos - 1;
    loaded newest, *olds = gen_xcalloc(n_old, sizeof(*olds));
    int status = 0;
    if (load(&newest, pos[1], "new") != 0)
        status = EXIT_USAGE;
    size_t n_loaded = 0;
    for (size_t i = 0; i < n_old && status == 0; i++, n_loaded++) {
        const char *name = i == 0 ? pos[0] : pos[i + 1];
        if (load(&olds[i], name, i == 0 ? "old" : "older") != 0) {
            status = EXIT_USAGE;
            n_loaded++;
        }
    }
    if (status == 0) {
        gen_compat_pair *pairs = gen_xcalloc(n_old, sizeof(*pairs));
        bool breaking = false;
        for (size_t i = 0; i < n_old; i++) {
            pairs[i] = (gen_compat_pair){olds[i].name, newest.name, newest.m, {0}};
            gen_compat_check(olds[i].m, newest.m, dirs, &pairs[i].result);
            breaking = breaking || gen_compat_breaking(&pairs[i].result);
        }
        gen_compat_report(stdout, fmt, mode, pairs, n_old);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fputs("eventc: compat: cannot write the report\n", stderr);
            status = EXIT_USAGE;
        } else if (breaking && dirs) {
            status = EXIT_BREAKING;
        }
        for (size_t i = 0; i < n_old; i++)
            gen_compat_result_free(&pairs[i].result);
        free(pairs);
    }
    for (size_t i = 0; i < n_loaded && i < n_old; i++)
        unload(&olds[i]);
    unload(&newest);
    free(olds);
    free(pos);
    return status;
}
