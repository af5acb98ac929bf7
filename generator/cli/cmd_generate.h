/* `eventc generate` and `eventc model`: the commands of the template-driven back ends. */
#ifndef EVENTC_GEN_CMD_GENERATE_H
#define EVENTC_GEN_CMD_GENERATE_H

/** Help text of `eventc generate` (for `eventc help generate`). */
extern const char gen_generate_help[];
/** Help text of `eventc model`. */
extern const char gen_model_help[];

/**
 * `eventc generate CATALOG -o DIR [--target c[,...]] [--templates DIR] [--check]`: loads and checks
 * the catalog, renders every requested target (default: all of them) and writes the files that
 * changed (DIR/c/<catalog>.h and .c for the C target). With --check it writes nothing and lists
 * the files that are out of date.
 *
 * @param argc number of arguments
 * @param argv arguments; argv[0] is the command name
 * @return 0 on success (with --check: everything is current); 1 when the catalog or a template
 *         has errors (printed on stderr as `file:line:col: error: message`), a file cannot be
 *         written, or (--check) a file is out of date; 2 on a usage error.
 */
int gen_cmd_generate(int argc, char **argv);

/**
 * `eventc model CATALOG`: prints the C view model, the JSON document the C templates are rendered
 * over, so that users can write their own templates.
 *
 * @return 0, 1 on catalog errors, 2 on a usage error (same conventions as gen_cmd_generate).
 */
int gen_cmd_model(int argc, char **argv);

#endif
