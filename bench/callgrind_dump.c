#include "callgrind_dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double bench_callgrind_total(const char *base, unsigned n)
{
    char path[4096], line[512];
    double total = -1;
    snprintf(path, sizeof(path), "%s.%u", base, n);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "totals:", 7) == 0 || (total < 0 && strncmp(line, "summary:", 8) == 0))
            total = strtod(strchr(line, ':') + 1, NULL);
    fclose(f);
    return total;
}
