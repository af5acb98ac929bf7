/* The table of compat rules (compat_rules.h). */
#include "compat_rules.h"
#include "base/util.h"

#include <string.h>

static const gen_compat_rule rules[] = {
#define GEN_COMPAT_RULE_ROW_(id, cat, dirs, text) {#id, cat, dirs, text},
    GEN_COMPAT_RULES(GEN_COMPAT_RULE_ROW_)
#undef GEN_COMPAT_RULE_ROW_
};

const gen_compat_rule *gen_compat_rule_get(gen_compat_rule_id id)
{
    return (size_t)id < GEN_RULE_COUNT ? &rules[id] : NULL;
}

const gen_compat_rule *gen_compat_rule_find(const char *id)
{
    for (size_t i = 0; i < GEN_RULE_COUNT; i++)
        if (strcmp(rules[i].id, id) == 0)
            return &rules[i];
    return NULL;
}

const char *gen_compat_rule_suggest(const char *id)
{
    gen_suggester s;
    gen_suggest_init(&s, id);
    for (size_t i = 0; i < GEN_RULE_COUNT; i++)
        gen_suggest_consider(&s, rules[i].id);
    return s.best;
}
