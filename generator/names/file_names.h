/* Names of the files the back ends write, decided in one place, and the check that no two outputs
 * of a catalog would get the same name. The checker runs the check, so `eventc check` refuses a
 * catalog whose outputs would overwrite one another; the back ends take their names from here. */
#ifndef EVENTC_GEN_FILE_NAMES_H
#define EVENTC_GEN_FILE_NAMES_H

#include "base/diag.h"
#include "model/model.h"

/** The index page of the docs target. */
#define GEN_DOCS_INDEX_PAGE "index.md"

/** The docs page of aggregate `a`: its name in snake_case, `.md` (`conversation.md`). Caller
 * frees. */
char *gen_docs_page_name(const gen_aggregate *a);

/**
 * Reports every aggregate whose docs page would be the index page or another aggregate's page
 * (`Index`; `HTTPThing` and `HttpThing`), at the later declaration.
 */
void gen_check_file_names(const gen_model *m, gen_diags *diags);

#endif
