/* The mustache renderer the C and docs back ends use to turn a JSON view model into text, and the
 * `eventc render` command that exposes it for debugging templates. */
#ifndef EVENTC_GEN_RENDER_H
#define EVENTC_GEN_RENDER_H

#include <stddef.h>

#include <json-c/json.h>

/** How deep partials may include partials before rendering fails (a recursive partial whose data
 * never runs out would otherwise loop forever). */
#define GEN_RENDER_MAX_PARTIAL_DEPTH 100

/** How deep sections may nest inside one template. */
#define GEN_RENDER_MAX_SECTION_DEPTH 200

/**
 * Looks up a partial for gen_render.
 *
 * @param ctx   the `ctx` given to gen_render
 * @param name  the partial's name as written in the tag, padding trimmed
 * @param len   receives the length of the returned text
 * @return the text of partial `name` (not necessarily NUL-terminated), or NULL when there is none,
 *         which renders as the empty string. The memory stays owned by the callback and must stay
 *         valid until gen_render returns.
 */
typedef const char *(*gen_partial_fn)(void *ctx, const char *name, size_t *len);

/**
 * Renders a mustache template with the semantics of the mustache specification: escaped and raw
 * variables, sections, inverted sections, comments, partials (indented when standalone), set
 * delimiters, dotted names and the implicit iterator `{{.}}`. Lambdas are not supported.
 *
 * Falsey values: a missing name, null, false, 0, "" and the empty array. A lazy list
 * (base/lazy_list.h) is a list of its items in sections: each is built when the section reaches it
 * and released before the next. Numbers print as JSON
 * writes them (integers plainly, doubles in their shortest exact form such as 1.21); objects and
 * arrays interpolate as compact JSON.
 *
 * @param tmpl     the template text, `len` bytes, need not be NUL-terminated; borrowed
 * @param data     the view model, borrowed and never modified; NULL renders like an empty object
 * @param partials looks partials up; NULL means no partial exists
 * @param ctx      passed to `partials`
 * @param out_len  receives the length of the result (may be NULL)
 * @param errbuf   receives "line:col: message" on failure (1-based, in `tmpl`; an error inside a
 *                 partial points at the tag in `tmpl` that included it and names the partial and
 *                 the position inside it); may be NULL
 * @param errlen   size of errbuf
 * @return a malloc'd NUL-terminated string the caller frees, or NULL on a template error (unclosed
 *         tag or section, mismatched section end, bad delimiters, invalid name, partials nested
 *         deeper than GEN_RENDER_MAX_PARTIAL_DEPTH) or when memory runs out.
 */
char *gen_render(const char *tmpl, size_t len, struct json_object *data, gen_partial_fn partials,
                 void *ctx, size_t *out_len, char *errbuf, size_t errlen);

/**
 * Receives the text of gen_render_to in pieces, in order.
 *
 * @return 0, or -1 to stop the rendering
 */
typedef int (*gen_render_write_fn)(void *ctx, const char *data, size_t len);

/**
 * gen_render, with the text handed to `write` in pieces of up to 64 KiB as it is produced instead
 * of returned whole: rendering a large file holds one piece of it. On a template error the pieces
 * already written are the beginning of a text that will not be completed.
 *
 * @return 0, or -1 on the errors of gen_render (`errbuf` filled) or when `write` stopped the
 *         rendering (`errbuf` holds the empty string)
 */
int gen_render_to(const char *tmpl, size_t len, struct json_object *data, gen_partial_fn partials,
                  void *ctx, gen_render_write_fn write, void *wctx, char *errbuf, size_t errlen);

/**
 * The `eventc render TEMPLATE DATA.json [--partials DIR]` command. Partials are read from
 * `DIR/<name>.mustache` (DIR defaults to the template's directory); a missing file renders as the
 * empty string.
 *
 * @param argc number of arguments
 * @param argv arguments; argv[0] is "render"
 * @return 0 when the rendering was printed to stdout, 1 on a template, data or I/O error (reported
 *         on stderr as "file:line:col: error: message" when there is a position), 2 on a usage
 *         error.
 */
int gen_cmd_render(int argc, char **argv);

#endif
