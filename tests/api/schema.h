/*
 * A small JSON Schema checker for the OpenAPI document's schemas, enough
 * for the keywords data/openapi.json uses: $ref (to #/components/schemas),
 * type, nullable, enum, required, properties, additionalProperties, items,
 * minimum, minLength, pattern. The tests use it to hold every real
 * response against the document.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

/*
 * Check `value` against `schema` (resolving $ref inside `doc`). Returns 1 if
 * it conforms, else 0 with a description of the first mismatch in `why`.
 */
int schema_check(const json_t *doc, const json_t *schema, const json_t *value, const char *path,
                 char *why, size_t whylen);
