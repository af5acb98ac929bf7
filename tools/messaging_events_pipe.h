/* messaging-events pipe (messaging_events_pipe.c). */
#ifndef MESSAGING_EVENTS_PIPE_H
#define MESSAGING_EVENTS_PIPE_H

/** Runs `messaging-events pipe`: argv[0] is "pipe". Returns the exit status. */
int me_pipe(int argc, char **argv);

#endif
