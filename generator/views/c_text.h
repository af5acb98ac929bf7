/* Text of generated C (c_text.c): escaping, wrapping and clang-format's line layouts, shared by
 * every C view. The helpers are public so that unit tests can pin their behaviour. They all return
 * malloc'd strings the caller frees, and exit on memory exhaustion like the rest of the
 * generator. */
#ifndef EVENTC_GEN_C_TEXT_H
#define EVENTC_GEN_C_TEXT_H

#include <stddef.h>
#include <stdint.h>

/** Longest line the generated C may have (the ColumnLimit of .clang-format). */
#define GEN_C_COLUMNS 100
/** Longest line of a generated comment; a little below GEN_C_COLUMNS so that a width counted
 * differently (wide characters) never pushes a comment over the limit. */
#define GEN_C_COMMENT_COLUMNS 96

/**
 * Escapes text for the inside of a C block comment: `*` `/` pairs that would open or close a
 * comment are broken with a backslash (`*\/`, `/\*`), the `?` starting a trigraph is escaped
 * (`?\?/`), tabs and other control characters become spaces, CR LF and CR become LF, and Unicode
 * bidirectional controls (which compilers warn about) are written as `<U+202E>`. Other UTF-8 text
 * is kept as is; invalid UTF-8 bytes become U+FFFD.
 */
char *gen_c_comment_escape(const char *s);

/**
 * Escapes and wraps text for a comment whose first line starts after `first_col` columns and whose
 * next lines start with `indent` blanks and ` * `. Paragraphs (separated by a blank line) are kept
 * and separated by an empty ` *` line; list items (`- `, `* `, `1. `) and indented lines start new
 * lines; other line breaks are reflowed. No line ends with a blank, and no line is longer than
 * GEN_C_COMMENT_COLUMNS unless a single word is. The result has no leading or trailing newline.
 */
char *gen_c_comment_wrap(const char *s, unsigned indent, unsigned first_col);

/**
 * A complete Doxygen comment for a declaration at column `indent`: one line when the text fits,
 * else an opening line, one line per wrapped line of text and a closing line. The first line
 * carries no indentation (the template puts it); the others do. Returns "" for empty text.
 */
char *gen_c_doc_comment(const char *s, unsigned indent);

/**
 * Escapes `n` bytes for the inside of a C string literal: `\` `"` and `?` (trigraphs) get a
 * backslash, LF CR TAB become `\n` `\r` `\t`, other control characters and every byte >= 0x80
 * become three-digit octal escapes (`é` is `\303\251`), so the literal is ASCII. Three-digit
 * escapes never absorb a following digit.
 */
char *gen_c_string_escape(const char *s, size_t n);

/**
 * A complete string literal for text that starts at column `col` and is followed by `tail` columns
 * (`,` or `;`). Text too long for one line is split into adjacent literals, one per line, each
 * aligned at `col` (the layout clang-format keeps), preferably after an escaped newline or a
 * blank and never inside an escape.
 */
char *gen_c_string_literal(const char *s, unsigned col, unsigned tail);

/**
 * Same as gen_c_string_literal for `n` bytes of binary data (NUL bytes included), cut wherever a
 * piece is full.
 */
char *gen_c_bytes_literal(const unsigned char *data, size_t n, unsigned col, unsigned tail);

/**
 * Lays a function declaration or definition out exactly as clang-format (the project's style)
 * breaks it: on one line if it fits, else with the parameters bin-packed after the open
 * parenthesis, or on the next line indented by 4, or with the return type on a line of its own,
 * whichever clang-format's penalties prefer.
 *
 * @param indent  column of the declaration
 * @param ret     the return type with its trailing blank or `*` (`"eventc_status "`, `"const char
 * *"`)
 * @param name    the function name
 * @param params  the parameter declarations
 * @param tail    what follows the closing parenthesis (`";"` or `""`)
 * @return the text; the first line is not indented, the next ones are.
 */
char *gen_c_layout_function(unsigned indent, const char *ret, const char *name,
                            const char *const *params, size_t n_params, const char *tail);

/**
 * Lays a call statement out as clang-format does: `lhs` is `"return "`, `"x = "`, `".member = "`
 * or `""`; after an `=` the line may also break before the call. Same conventions as
 * gen_c_layout_function.
 */
char *gen_c_layout_call(unsigned indent, const char *lhs, const char *fn, const char *const *args,
                        size_t n_args, const char *tail);

/**
 * Lays out `left sep right` (a declaration `type name;`, an assignment `lhs = rhs;`): on one line
 * if it fits, else broken after `left` (trailing blanks of `sep` dropped) with `right` indented
 * by 4 more columns.
 */
char *gen_c_layout_split(unsigned indent, const char *left, const char *sep, const char *right);

/**
 * A struct member declaration `type name;` at column `indent`, broken before the declarator when
 * too long (the pointer's stars go with the name, as clang-format puts them).
 */
char *gen_c_layout_member(unsigned indent, const char *type, const char *name);

/** The shortest C literal that reads back as `v` (`0.5`, `10000.0`, `1e+300`). */
char *gen_c_double_literal(double v);
/** A C literal of type int64_t (`5`, `INT64_C(5000000000)`, `INT64_MIN`). */
char *gen_c_int64_literal(int64_t v);

/** `type` followed by `name`, with a blank unless the type ends with `*`. */
char *gen_c_declaration(const char *type, const char *name);

#endif
