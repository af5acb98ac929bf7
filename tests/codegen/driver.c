/* Runs `generate` and `model` for the tests while the eventc command line does not dispatch them
 * yet (tests/codegen/tool.cmake picks the real eventc as soon as it does). */
#include "cmd_generate.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "generate") == 0)
        return gen_cmd_generate(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "model") == 0)
        return gen_cmd_model(argc - 1, argv + 1);
    fputs("usage: eventc_gen_driver generate|model ...\n", stderr);
    return 2;
}
