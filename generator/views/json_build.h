/* Building JSON documents with json-c where running out of memory ends the program (as every
 * allocation of the generator does): the view models and the back ends that write JSON or YAML
 * trees share these. */
#ifndef EVENTC_GEN_JSON_BUILD_H
#define EVENTC_GEN_JSON_BUILD_H

#include <json-c/json.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline json_object *jcheck(json_object *o)
{
    if (!o) {
        fputs("eventc: error: out of memory\n", stderr);
        exit(1);
    }
    return o;
}

static inline json_object *jobj(void)
{
    return jcheck(json_object_new_object());
}

static inline json_object *jarr(void)
{
    return jcheck(json_object_new_array());
}

static inline void jset(json_object *o, const char *key, json_object *v)
{
    if (json_object_object_add(o, key, v) != 0)
        jcheck(NULL);
}

static inline void jpush(json_object *a, json_object *v)
{
    if (json_object_array_add(a, v) != 0)
        jcheck(NULL);
}

static inline json_object *jstring(const char *s)
{
    return jcheck(json_object_new_string(s));
}

/* Adds a string, or null when `s` is NULL. */
static inline void jstr(json_object *o, const char *key, const char *s)
{
    jset(o, key, s ? jstring(s) : NULL);
}

/* Adds a malloc'd string (null when NULL) and frees it. */
static inline void jown(json_object *o, const char *key, char *s)
{
    jstr(o, key, s);
    free(s);
}

static inline void jint(json_object *o, const char *key, int64_t v)
{
    jset(o, key, jcheck(json_object_new_int64(v)));
}

static inline void jbool(json_object *o, const char *key, bool v)
{
    jset(o, key, jcheck(json_object_new_boolean(v)));
}

/* Appends a malloc'd string and frees it. */
static inline void jpush_own(json_object *a, char *s)
{
    jpush(a, jstring(s));
    free(s);
}

#endif
