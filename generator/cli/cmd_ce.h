/* `eventc ce`: reads and writes CloudEvents messages from files, for debugging bindings and for
 * the tests that check the runtime against the official SDK. */
#ifndef EVENTC_GEN_CMD_CE_H
#define EVENTC_GEN_CMD_CE_H

/**
 * Runs `eventc ce parse|emit|eval ...`; argv[0] is "ce". Prints results to standard output and
 * problems to standard error.
 * @return 0 on success, 1 for an invalid message or event (or an unreadable file), 2 for a usage
 *         error.
 */
int gen_cmd_ce(int argc, char **argv);

/**
 * Runs `eventc ce eval EXPRESSION [EVENT.json]` (cmd_ce_eval.c); argv[0] is "ce", argv[1] "eval".
 * Prints {"result": ..., "error": ...} and exits 0 whatever the expression gives.
 * @return 0 evaluated, 1 for an unreadable or invalid event file, 2 for a usage error.
 */
int gen_cmd_ce_eval(int argc, char **argv);

/** The help text of `eventc ce eval` after its usage line. */
extern const char gen_ce_eval_help[];

#endif
