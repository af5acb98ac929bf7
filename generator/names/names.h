/* Names: the one place that decides how catalog names become C identifiers and other spellings.
 * The checker uses it to refuse names that would collide or be reserved; the back ends use it to
 * write code. */
#ifndef EVENTC_GEN_NAMES_H
#define EVENTC_GEN_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/** `^[A-Z][A-Za-z0-9]*$` */
bool gen_is_pascal(const char *s);
/** `^[a-z][a-z0-9]*(_[a-z0-9]+)*$` */
bool gen_is_snake(const char *s);
/** PascalCase -> snake_case: a word starts at an upper-case letter that follows a lower-case
 * letter or digit, or that precedes a lower-case letter after an upper-case one
 * (`HTTPRequest` -> `http_request`, `CustomerCreated` -> `customer_created`). snake_case input
 * is returned unchanged. Caller frees. */
char *gen_snake(const char *s);
/** snake_case or PascalCase -> UPPER_SNAKE. Caller frees. */
char *gen_upper(const char *s);
/** snake_case or PascalCase -> PascalCase (`provider_kind` -> `ProviderKind`). Caller frees. */
char *gen_pascal(const char *s);
/** snake_case -> lower words for CloudEvents types and prose (`customer_created` ->
 * `customer.created` is done by callers); here: true when `s` is a C or C++ keyword, or a standard
 * macro that would break code when used as a member name (errno, NULL, bool, ...). */
bool gen_is_reserved_word(const char *s);

#endif
