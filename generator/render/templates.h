/* The mustache templates of the template-driven back ends. The files of templates/ are compiled
 * into the binary (generator/embed_templates.cmake turns them into byte arrays), so `eventc` works
 * from any folder; `--templates DIR` replaces same-named files with DIR's copies
 * (`DIR/c/header.mustache` replaces the built-in `c/header.mustache`), partials included. */
#ifndef EVENTC_GEN_TEMPLATES_H
#define EVENTC_GEN_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "base/util.h"
#include "render.h"

/** One built-in template: its path under templates/ and its bytes. */
typedef struct gen_builtin_template {
    const char *name; /**< "c/header.mustache" */
    const unsigned char *data;
    size_t len;
} gen_builtin_template;

/** Every built-in template, sorted by name, ending with an entry whose name is NULL. */
extern const gen_builtin_template gen_builtin_templates[];

typedef struct gen_loaded_template gen_loaded_template;

/** Templates as one back end sees them: the built-in ones, with the overrides of one folder. */
typedef struct gen_template_set {
    const char *override_dir; /**< borrowed; NULL when there are no overrides */
    gen_loaded_template *loaded;
} gen_template_set;

/** Prepares a set; `override_dir` (may be NULL) is borrowed and must outlive the set. */
void gen_templates_init(gen_template_set *t, const char *override_dir);

/** Releases everything the set loaded. */
void gen_templates_free(gen_template_set *t);

/**
 * Finds template `name` ("c/header.mustache"): `override_dir/name` when that file exists, else the
 * built-in one.
 *
 * @param len    receives the length of the text
 * @param origin receives the path to name in diagnostics: the override file, or
 *               "templates/<name>" for a built-in template; may be NULL
 * @param errbuf receives "path: reason" when an override exists but cannot be read
 * @return the text (owned by the set, valid until gen_templates_free), or NULL when there is no
 *         such template or the override cannot be read (errbuf says which; empty when missing)
 */
const char *gen_templates_get(gen_template_set *t, const char *name, size_t *len,
                              const char **origin, char *errbuf, size_t errlen);

/**
 * Iterates over the templates read from the override folder so far: pass NULL for the first,
 * then the previous one. Returns NULL after the last.
 */
gen_loaded_template *gen_templates_overrides(gen_template_set *t, gen_loaded_template *prev);

/** The path an override was read from (valid until gen_templates_free). */
const char *gen_templates_origin(const gen_loaded_template *l);

/**
 * Finds the files of the override folder that no template of eventc uses: every `*.mustache`
 * file must be a built-in template (`c/header.mustache`) or a partial that a template of its
 * folder includes (`{{> name}}` in a built-in template or in an override). A misspelled file
 * (`c/haeder.mustache`) or one outside the templates' folders would otherwise be silently
 * ignored. Other files (a README) are not looked at.
 *
 * @param report receives one line per such file, GCC style: "path: error: ..." with the closest
 *               template name when one is close
 * @return the number of such files; 0 without an override folder
 */
size_t gen_templates_check_overrides(gen_template_set *t, gen_str *report);

/**
 * Renders template `name` over `data`. Partials `{{> x}}` are the templates `x.mustache` of the
 * same folder (`c/x.mustache`), overrides included; a missing partial renders as nothing.
 *
 * @param out_len receives the length of the result
 * @param errbuf  receives a GCC-style "file:line:col: error: message" (or "file: error: ...")
 * @return the rendered text (malloc'd, the caller frees it), or NULL on error
 */
char *gen_templates_render(gen_template_set *t, const char *name, json_object *data,
                           size_t *out_len, char *errbuf, size_t errlen);

/**
 * gen_templates_render with the text handed to `write` in pieces as it is produced
 * (gen_render_to).
 *
 * @return 0, or -1 with the message in `errbuf` (empty when `write` stopped the rendering)
 */
int gen_templates_render_to(gen_template_set *t, const char *name, json_object *data,
                            gen_render_write_fn write, void *wctx, char *errbuf, size_t errlen);

#endif
