/* Runs `eventc ce` without the rest of the CLI, for builds whose eventc front does not dispatch
 * to it (yet): invoked as `ce_tool ce parse|emit ...`, exactly like `eventc ce ...`. */
#include "cli/cmd_ce.h"

int main(int argc, char **argv)
{
    return gen_cmd_ce(argc - 1, argv + 1);
}
