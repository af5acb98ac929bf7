/* `eventc ce`: reads and writes CloudEvents messages from files, for debugging bindings and for
 * the tests that check the runtime against the official SDK. */
#ifndef EVENTC_GEN_CMD_CE_H
#define EVENTC_GEN_CMD_CE_H

/**
 * Runs `eventc ce parse|emit ...`; argv[0] is "ce". Prints results to standard output and
 * problems to standard error.
 * @return 0 on success, 1 for an invalid message or event (or an unreadable file), 2 for a usage
 *         error.
 */
int gen_cmd_ce(int argc, char **argv);

#endif
