/* Any pattern and subject into the pattern engine: the compiled program, the one-shot search
 * and the ASCII automaton must agree, and nothing may crash or run long. The first byte splits
 * the input into pattern and subject. */
#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t plen = data[0] % (size);
    const char *pattern = (const char *)data + 1;
    if (plen > size - 1)
        plen = size - 1;
    const char *subject = pattern + plen;
    size_t slen = size - 1 - plen;
    if (!eventc_utf8_check(subject, slen, NULL))
        return 0; /* subjects are validated UTF-8 by the decoder before matching */
    eventc_regex *re = NULL;
    if (eventc_regex_compile(pattern, plen, NULL, &re, NULL) != EVENTC_OK) {
        if (eventc_regex_search(pattern, plen, subject, slen) >= 0)
            abort(); /* what does not compile cannot match */
        return 0;
    }
    int a = eventc_regex_test(re, subject, slen);
    int b = eventc_regex_search(pattern, plen, subject, slen);
    if (a != b)
        abort();
    static eventc_regex_dfa_storage dfa;
    if (eventc_regex_dfa_build(pattern, plen, &dfa) == EVENTC_OK) {
        int c = eventc_regex_dfa_test(&dfa.dfa, subject, slen);
        if (c >= 0 && c != a)
            abort();
    }
    eventc_regex_free(re);
    return 0;
}
