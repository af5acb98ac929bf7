/* messaging-events to-cloudevent / from-cloudevent: messaging events as CloudEvents messages,
 * through the converters eventc generates (messaging_cloudevents.h). */
#ifndef MESSAGING_EVENTS_CE_H
#define MESSAGING_EVENTS_CE_H

/**
 * Runs `to-cloudevent [--strict] --binding http|kafka|json [--mode binary|structured] FILE`;
 * argv[0] is the command name. Prints the message on standard output.
 * @return 0, 1 for an invalid event (one line on standard error), 2 for a usage error or an
 *         unreadable file.
 */
int me_to_cloudevent(int argc, char **argv);

/**
 * Runs `from-cloudevent [--strict] --binding http|kafka|json FILE`; argv[0] is the command name.
 * Prints the domain event's canonical JSON on standard output.
 * @return as me_to_cloudevent.
 */
int me_from_cloudevent(int argc, char **argv);

#endif
