/* messaging-events serve (messaging_events_serve.c), built when the HTTP adapter is. */
#ifndef MESSAGING_EVENTS_SERVE_H
#define MESSAGING_EVENTS_SERVE_H

/** Runs `messaging-events serve`: argv[0] is "serve". Returns the exit status. */
int me_serve(int argc, char **argv);

#endif
