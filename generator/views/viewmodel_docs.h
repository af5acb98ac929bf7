/* The view model of the docs back end: a JSON document holding the catalog's documentation as
 * ready Markdown pieces (table cells escaped, code spans fenced, Mermaid lines of each lifecycle),
 * rendered by templates/docs/index.mustache and aggregate.mustache. Like the C view model it is
 * the one place that decides how catalog text becomes Markdown, so the templates stay logic-less.
 *
 * The Markdown helpers are public so that unit tests can pin their behaviour. They return malloc'd
 * strings the caller frees, and exit on memory exhaustion like the rest of the generator. */
#ifndef EVENTC_GEN_VIEWMODEL_DOCS_H
#define EVENTC_GEN_VIEWMODEL_DOCS_H

#include "base/diag.h"
#include "model/model.h"
#include "viewmodel.h"

#include <json-c/json.h>

/**
 * Builds the docs view model of a checked model: `index` (the data of index.md) and `pages` (one
 * entry per aggregate: its file name `file` and the data of its page; a lazy list, built page by
 * page, with `opt->lazy`). Example files are read to be shown on the pages.
 *
 * @param m     the model, borrowed
 * @param opt   the source path for the banner and the generator version, borrowed
 * @param diags receives errors: an example that cannot be read, an aggregate whose page would
 *              have the index's file name
 * @return a new json-c object (release with json_object_put), or NULL when an error was recorded.
 */
json_object *gen_viewmodel_docs(const gen_model *m, const gen_vm_options *opt, gen_diags *diags);

/**
 * Text for one GitHub-flavoured Markdown table cell: `|` becomes `\|`, line breaks become `<br>`,
 * and leading and trailing blanks are dropped. Other Markdown stays as written.
 */
char *gen_md_cell(const char *s);

/**
 * A code span holding `s` exactly: fenced with one more backtick than the longest run of backticks
 * inside, and padded with a blank when `s` starts or ends with a backtick. Line breaks become
 * blanks (a code span is one line).
 */
char *gen_md_code(const char *s);

/**
 * A fenced code block holding `text` with info string `info`: the fence is three backticks, or one
 * more than the longest run of backticks in `text`. Trailing line breaks of `text` are dropped; the
 * block ends with the closing fence and a newline.
 */
char *gen_md_code_block(const char *text, const char *info);

/** The GitHub anchor of a heading made of letters and digits only: the lower-cased text. */
char *gen_md_anchor(const char *heading);

#endif
