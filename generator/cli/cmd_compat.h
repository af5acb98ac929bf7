/* `eventc compat`: the schema-evolution check of two versions of a catalog. */
#ifndef EVENTC_GEN_CMD_COMPAT_H
#define EVENTC_GEN_CMD_COMPAT_H

/** Help text of `eventc compat` (for `eventc help compat`). */
extern const char gen_compat_help[];

/**
 * `eventc compat OLD NEW [--mode backward|forward|full|none] [--transitive OLDER...]
 * [--format text|json|github]`: loads and checks both catalogs (either may be `git:REV:path`),
 * compares them (and NEW with each OLDER) and prints every break with a witness.
 *
 * @return 0 when compatible (or mode none), 1 when a break is not accepted by NEW, 2 on a usage
 *         error or a catalog that cannot be read or checked (its errors printed on stderr).
 */
int gen_cmd_compat(int argc, char **argv);

#endif
