/* Prints the texts of the adversarial catalog as the generated C holds them: run.expected has the
 * same texts as the catalog file says them, so any damage done by escaping shows as a diff. */
#include "adversarial.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    printf("title=[%s]\n", adv_catalog.title);
    printf("description=[%s]\n", adv_catalog.description);
    for (int i = 0; i < ADV_DEFAULT_KIND_COUNT; i++)
        printf("kind %d=[%s]\n", i, adv_default_kind_to_string((adv_default_kind)i));
    const eventc_type_desc *d = &adv_thing_happened_desc;
    for (size_t i = 0; i < d->n_fields; i++) {
        const eventc_field_desc *f = &d->fields[i];
        if (f->value->pattern)
            printf("pattern of %s=[%s]\n", f->name, f->value->pattern);
        if (f->value->const_value)
            printf("constant of %s=[%s]\n", f->name, f->value->const_value);
    }
    printf("event=[%s]\n", adv_event_kind_name(ADV_EVENT_THING_HAPPENED));
    return 0;
}
