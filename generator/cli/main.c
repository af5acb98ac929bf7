/* eventc: the command-line front of the generator. Exit status: 0 success, 1 errors in the input
 * (catalog, template, data), 2 usage errors. */
#include "cmd_ce.h"
#include "cmd_compat.h"
#include "cmd_generate.h"
#include "base/diag.h"
#include "model/model.h"
#include "render/render.h"
#include "front/check.h"

#include <stdio.h>
#include <string.h>

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: eventc <command> [options]\n"
    "\n"
    "Generates typed C, JSON Schemas and docs from a YAML event catalog.\n"
    "\n"
    "commands:\n"
    "  check CATALOG                  check a catalog and print a summary\n"
    "  generate CATALOG -o DIR [--target LIST] [--templates DIR] [--check]\n"
    "                                 generate code, schemas and docs from a catalog\n"
    "  model CATALOG                  print the view model the C templates are rendered over\n"
    "  compat OLD NEW [--mode MODE] [--transitive OLDER...] [--format FORMAT]\n"
    "                                 check that a new version of a catalog stays compatible\n"
    "  ce parse|emit --binding http|kafka ... FILE\n"
    "                                 read or write CloudEvents messages (HTTP, Kafka)\n"
    "  ce eval EXPRESSION [EVENT.json]\n"
    "                                 evaluate a CloudEvents SQL expression against an event\n"
    "  render TEMPLATE DATA.json [--partials DIR]\n"
    "                                 render a mustache template (for template authors)\n"
    "  help [COMMAND]                 show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help                     show this help\n"
    "  --version                      show the version\n"
    "\n"
    "exit status: 0 success, 1 errors in the input, 2 usage errors\n";

static const char check_help[] =
    "usage: eventc check CATALOG\n"
    "\n"
    "Loads CATALOG (a YAML file) with its includes, checks it, and checks every example file\n"
    "it names against its event. On success prints one summary line to standard output:\n"
    "\n"
    "  messaging: 5 aggregates, 21 events, 72 fields, 3 types\n"
    "\n"
    "and exits 0. Otherwise prints every error found to standard error, sorted by position,\n"
    "as `file:line:col: error: message`, and exits 1. Usage errors exit 2.\n";

static const char render_help[] =
    "usage: eventc render TEMPLATE DATA.json [--partials DIR]\n"
    "\n"
    "Renders TEMPLATE (mustache) against the JSON document DATA.json with standard mustache\n"
    "semantics and prints the result. Partials `{{> name}}` are read from DIR/name.mustache.\n"
    "Use it with the view model printed by `eventc model` to debug templates.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("eventc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'eventc --help'.\n", stderr);
    return EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0)
        fputs(check_help, stdout);
    else if (strcmp(argv[1], "render") == 0)
        fputs(render_help, stdout);
    else if (strcmp(argv[1], "generate") == 0)
        fputs(gen_generate_help, stdout);
    else if (strcmp(argv[1], "model") == 0)
        fputs(gen_model_help, stdout);
    else if (strcmp(argv[1], "compat") == 0)
        fputs(gen_compat_help, stdout);
    else if (strcmp(argv[1], "ce") == 0) {
        char *args[] = {argv[1], "--help", NULL};
        return gen_cmd_ce(2, args);
    } else if (strcmp(argv[1], "help") == 0)
        fputs(usage_text, stdout);
    else
        return usage_error("no help for unknown command '%s'", argv[1]);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(check_help, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error("check: unknown option '%s'", argv[i]);
        if (path)
            return usage_error("check: more than one catalog given ('%s')", argv[i]);
        path = argv[i];
    }
    if (!path)
        return usage_error("check: %s", "missing CATALOG");
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    int status = 0;
    if (!m) {
        gen_diags_print(&diags, stderr);
        fprintf(stderr, "%zu error%s\n", diags.len, diags.len == 1 ? "" : "s");
        status = EXIT_INPUT;
    } else {
        printf("%s: %zu aggregate%s, %zu event%s, %zu field%s, %zu type%s\n", m->name,
               m->n_aggregates, m->n_aggregates == 1 ? "" : "s", m->n_events,
               m->n_events == 1 ? "" : "s", m->n_fields, m->n_fields == 1 ? "" : "s", m->n_types,
               m->n_types == 1 ? "" : "s");
    }
    gen_model_free(m);
    gen_diags_free(&diags);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
        return cmd_help(1, argv + 1);
    if (strcmp(cmd, "--version") == 0) {
        printf("eventc %s\n", EVENTC_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "render") == 0)
        return gen_cmd_render(argc - 1, argv + 1);
    if (strcmp(cmd, "generate") == 0)
        return gen_cmd_generate(argc - 1, argv + 1);
    if (strcmp(cmd, "model") == 0)
        return gen_cmd_model(argc - 1, argv + 1);
    if (strcmp(cmd, "ce") == 0)
        return gen_cmd_ce(argc - 1, argv + 1);
    if (strcmp(cmd, "compat") == 0)
        return gen_cmd_compat(argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}
