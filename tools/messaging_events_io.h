/* messaging-events publish and consume (messaging_events_io.c). */
#ifndef MESSAGING_EVENTS_IO_H
#define MESSAGING_EVENTS_IO_H

/** Runs `messaging-events publish`: argv[0] is "publish". Returns the exit status. */
int me_publish(int argc, char **argv);

/** Runs `messaging-events consume`: argv[0] is "consume". Returns the exit status. */
int me_consume(int argc, char **argv);

#endif
