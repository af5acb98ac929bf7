#include "names.h"
#include "base/util.h"

#include <stdlib.h>

#include <ctype.h>
#include <string.h>

bool gen_is_pascal(const char *s)
{
    if (!s || !(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p))
            return false;
    return true;
}

bool gen_is_snake(const char *s)
{
    if (!s || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (const char *p = s; *p; p++) {
        if (*p == '_') {
            if (p[1] == '\0' || p[1] == '_')
                return false;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
            return false;
        }
    }
    return true;
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower_or_digit(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char *gen_snake(const char *s)
{
    gen_str out;
    gen_str_init(&out);
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_upper(c)) {
            bool boundary =
                i > 0 && (is_lower_or_digit(s[i - 1]) ||
                          (is_upper(s[i - 1]) && i + 1 < n && s[i + 1] >= 'a' && s[i + 1] <= 'z'));
            if (boundary && out.len && out.data[out.len - 1] != '_')
                gen_str_putc(&out, '_');
            gen_str_putc(&out, (char)(c - 'A' + 'a'));
        } else {
            gen_str_putc(&out, c);
        }
    }
    return gen_str_detach(&out);
}

char *gen_upper(const char *s)
{
    char *snake = gen_snake(s);
    for (char *p = snake; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return snake;
}

char *gen_pascal(const char *s)
{
    char *snake = gen_snake(s);
    gen_str out;
    gen_str_init(&out);
    bool up = true;
    for (const char *p = snake; *p; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        gen_str_putc(&out, up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
        up = false;
    }
    free(snake);
    return gen_str_detach(&out);
}

/* The keywords of every dialect the generated code is compiled in: C11, C23 (`typeof`,
 * `typeof_unqual`, `constexpr`, `nullptr`, `alignas`...), the GNU dialects (`typeof`, `asm`, and
 * the system macros `unix`, `linux`, `i386` they predefine) and C++ (the generated header is
 * usable from C++); and identifiers that standard headers define as macros or types and that
 * would break a member declaration. */
static const char *const reserved[] = {"alignas",
                                       "alignof",
                                       "and",
                                       "and_eq",
                                       "asm",
                                       "auto",
                                       "bitand",
                                       "bitor",
                                       "bool",
                                       "break",
                                       "case",
                                       "catch",
                                       "char",
                                       "char8_t",
                                       "char16_t",
                                       "char32_t",
                                       "class",
                                       "compl",
                                       "complex",
                                       "concept",
                                       "const",
                                       "consteval",
                                       "constexpr",
                                       "constinit",
                                       "const_cast",
                                       "continue",
                                       "co_await",
                                       "co_return",
                                       "co_yield",
                                       "decltype",
                                       "default",
                                       "delete",
                                       "do",
                                       "double",
                                       "dynamic_cast",
                                       "else",
                                       "enum",
                                       "errno",
                                       "explicit",
                                       "export",
                                       "extern",
                                       "false",
                                       "float",
                                       "for",
                                       "friend",
                                       "goto",
                                       "i386",
                                       "if",
                                       "imaginary",
                                       "inline",
                                       "int",
                                       "linux",
                                       "long",
                                       "mutable",
                                       "namespace",
                                       "new",
                                       "noexcept",
                                       "noreturn",
                                       "not",
                                       "not_eq",
                                       "nullptr",
                                       "operator",
                                       "or",
                                       "or_eq",
                                       "private",
                                       "protected",
                                       "public",
                                       "register",
                                       "reinterpret_cast",
                                       "requires",
                                       "restrict",
                                       "return",
                                       "short",
                                       "signed",
                                       "sizeof",
                                       "static",
                                       "static_assert",
                                       "static_cast",
                                       "stderr",
                                       "stdin",
                                       "stdout",
                                       "struct",
                                       "switch",
                                       "template",
                                       "this",
                                       "thread_local",
                                       "throw",
                                       "true",
                                       "try",
                                       "typedef",
                                       "typeid",
                                       "typename",
                                       "typeof",
                                       "typeof_unqual",
                                       "union",
                                       "unix",
                                       "unsigned",
                                       "using",
                                       "virtual",
                                       "void",
                                       "volatile",
                                       "wchar_t",
                                       "while",
                                       "xor",
                                       "xor_eq",
                                       NULL};

bool gen_is_reserved_word(const char *s)
{
    for (const char *const *p = reserved; *p; p++)
        if (strcmp(*p, s) == 0)
            return true;
    return false;
}
