/* Makefile-style dependency files: which input files a generated output was made from, so that a
 * build system (Make, Ninja, CMake's DEPFILE) reruns the generator when any of them changes. */
#ifndef EVENTC_GEN_DEPFILE_H
#define EVENTC_GEN_DEPFILE_H

#include "model/model.h"

/**
 * Builds the text of a depfile for @p target: one rule `target: dep1 dep2 ...` (one dependency per
 * continuation line, ending with a newline) listing every file the outputs depend on: the catalog
 * and every file it includes (m->files, in load order), then every example file of every event
 * (m->events[i]->examples[j].resolved), each path once. Relative dependency paths are made
 * absolute against the current working directory (the build tool reads the depfile from its own
 * directory); @p target is written as given, since it must match the output as the build tool
 * spells it. Spaces and `#` are escaped with a backslash, `$` is doubled, as Make, Ninja and
 * CMake read them.
 *
 * @return the text, owned by the caller (free()), or NULL with errno set: EINVAL when a path (or
 *         the target) holds a newline or is empty, which a depfile cannot express; the error of
 *         getcwd() when the working directory is unknown.
 */
char *gen_depfile_text(const gen_model *m, const char *target);

/**
 * Writes gen_depfile_text(m, target) to @p path, only when the file does not already hold exactly
 * that text (its modification time is left alone otherwise). The file is replaced atomically:
 * written to a temporary file next to it, then renamed over it.
 *
 * @return 0 on success; -1 on failure with errno set (EINVAL: unrepresentable path; otherwise the
 *         error of the failing file operation), in which case @p path is left as it was.
 */
int gen_write_depfile(const gen_model *m, const char *target, const char *path);

#endif
