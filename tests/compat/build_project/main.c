#include "shop.h"

#include <stdio.h>

int main(void)
{
    printf("shop catalog version %lld\n", (long long)shop_catalog.version);
    return 0;
}
