/* Catalogs read from a git revision (`git:REV:path` on the command line of `eventc compat`): the
 * files a catalog may read (its YAML files and JSON examples) are extracted from the revision
 * into a temporary folder, where the loader reads them as usual. Runs the `git` and `tar`
 * programs; nothing is written to the repository. */
#ifndef EVENTC_GEN_GITREV_H
#define EVENTC_GEN_GITREV_H

/** Whether `arg` is a `git:REV:path` argument. */
int gen_git_is_spec(const char *arg);

/**
 * Extracts revision REV of `spec` (`git:REV:path`, path relative to the top of the work tree
 * that holds the current folder, as `git show REV:path` reads it) into a new temporary folder.
 *
 * @param dir  receives the folder (malloc'd); remove it with gen_git_remove
 * @param path receives the catalog's path inside it (malloc'd)
 * @param why  receives the reason on failure (malloc'd): not a git work tree, an unknown
 *             revision, a path the revision does not have, git or tar failing
 * @return 0, or -1
 */
int gen_git_extract(const char *spec, char **dir, char **path, char **why);

/** Removes the folder gen_git_extract made, with everything in it; NULL is ignored. */
void gen_git_remove(const char *dir);

#endif
