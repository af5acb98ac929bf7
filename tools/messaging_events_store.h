/* messaging-events store and outbox (messaging_events_store.c), and the helpers of
 * messaging_events.c they share. */
#ifndef MESSAGING_EVENTS_STORE_H
#define MESSAGING_EVENTS_STORE_H

#include "messaging.h"

#include <stdio.h>

/** Runs `messaging-events store ...`: argv[0] is "store". Returns the exit status. */
int me_store(int argc, char **argv);

/** Runs `messaging-events outbox ...`: argv[0] is "outbox". Returns the exit status. */
int me_outbox(int argc, char **argv);

/** From messaging_events.c: decodes one event file ("-": standard input); 0, 1 (invalid, err
 *  says why) or 2 (unreadable, errno says why). */
int me_decode_file(const char *path, const eventc_decode_options *opts, msg_event *ev,
                   eventc_error *err);
/** Prints `PATH: error: <formatted error>` / `PATH: error: cannot read: <reason>` to @p out. */
void me_print_error(FILE *out, const char *path, const eventc_error *err);
void me_print_read_error(FILE *out, const char *path, int errnum);
/** Flushes standard output: @p status, or 2 when the output could not be written. */
int me_finish_output(int status);

#endif
