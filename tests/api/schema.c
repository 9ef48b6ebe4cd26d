/*
 * A small JSON Schema checker for the OpenAPI document (see schema.h).
 */
#include "config.h"

#include "schema.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static int fail(char *why, size_t n, const char *path, const char *msg)
{
    snprintf(why, n, "%s: %s", *path ? path : "(root)", msg);
    return 0;
}

static const json_t *resolve(const json_t *doc, const json_t *schema)
{
    const char *ref = json_string_value(json_object_get(schema, "$ref"));
    if (!ref || strncmp(ref, "#/components/schemas/", 21) != 0)
        return schema;
    return json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
                           ref + 21);
}

static int type_ok(const char *type, const json_t *v)
{
    if (!strcmp(type, "object"))
        return json_is_object(v);
    if (!strcmp(type, "array"))
        return json_is_array(v);
    if (!strcmp(type, "string"))
        return json_is_string(v);
    if (!strcmp(type, "integer"))
        return json_is_integer(v);
    if (!strcmp(type, "number"))
        return json_is_number(v);
    if (!strcmp(type, "boolean"))
        return json_is_boolean(v);
    return 0;
}

int schema_check(const json_t *doc, const json_t *schema, const json_t *value, const char *path,
                 char *why, size_t whylen)
{
    schema = resolve(doc, schema);
    if (!schema)
        return fail(why, whylen, path, "unresolvable $ref");
    if (json_is_null(value))
        return json_is_true(json_object_get(schema, "nullable"))
                   ? 1
                   : fail(why, whylen, path, "null where a value is required");

    const char *type = json_string_value(json_object_get(schema, "type"));
    if (type && !type_ok(type, value)) {
        char msg[64];
        snprintf(msg, sizeof(msg), "expected %s", type);
        return fail(why, whylen, path, msg);
    }
    json_t *en = json_object_get(schema, "enum");
    if (en) {
        size_t i;
        json_t *e;
        int found = 0;
        json_array_foreach(en, i, e) found |= json_equal(e, (json_t *)value);
        if (!found)
            return fail(why, whylen, path, "value not in enum");
    }
    json_t *min = json_object_get(schema, "minimum");
    if (min && json_is_number(value) && json_number_value(value) < json_number_value(min))
        return fail(why, whylen, path, "below minimum");
    json_t *minlen = json_object_get(schema, "minLength");
    if (minlen && json_is_string(value) &&
        json_string_length(value) < (size_t)json_integer_value(minlen))
        return fail(why, whylen, path, "shorter than minLength");
    const char *pattern = json_string_value(json_object_get(schema, "pattern"));
    if (pattern && json_is_string(value)) {
        regex_t re;
        if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
            return fail(why, whylen, path, "bad pattern in schema");
        int m = regexec(&re, json_string_value(value), 0, NULL, 0);
        regfree(&re);
        if (m != 0)
            return fail(why, whylen, path, "does not match pattern");
    }
    if (json_is_object(value)) {
        size_t i;
        json_t *req;
        json_array_foreach(json_object_get(schema, "required"), i, req)
        {
            if (!json_object_get(value, json_string_value(req))) {
                char msg[128];
                snprintf(msg, sizeof(msg), "missing required '%s'", json_string_value(req));
                return fail(why, whylen, path, msg);
            }
        }
        json_t *props = json_object_get(schema, "properties");
        json_t *extra = json_object_get(schema, "additionalProperties");
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)value, key, v)
        {
            char sub[512];
            snprintf(sub, sizeof(sub), "%s/%s", path, key);
            json_t *ps = json_object_get(props, key);
            if (!ps && json_is_object(extra))
                ps = extra;
            if (ps && !schema_check(doc, ps, v, sub, why, whylen))
                return 0;
        }
    }
    json_t *items = json_object_get(schema, "items");
    if (items && json_is_array(value)) {
        size_t i;
        json_t *v;
        json_array_foreach(value, i, v)
        {
            char sub[512];
            snprintf(sub, sizeof(sub), "%s/%zu", path, i);
            if (!schema_check(doc, items, v, sub, why, whylen))
                return 0;
        }
    }
    return 1;
}
