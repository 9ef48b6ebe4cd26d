// Validate SARIF logs against the official SARIF 2.1.0 JSON schema (the
// final RTM.5 schema as shipped by @microsoft/jest-sarif), with ajv.
//
//   node tests/check/validate-sarif.js FILE...
//
// Prints "valid FILE" or the schema errors, and exits 1 if any file fails.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const Ajv = require("ajv");

const root = path.resolve(__dirname, "..", "..");
const schemaPath = path.join(root, "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
// The schema is draft-04, which ajv 6 supports with its meta-schema added.
const ajv = new Ajv({ schemaId: "id", allErrors: true, jsonPointers: true, logger: false });
ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json"));
const validate = ajv.compile(schema);

let bad = 0;
for (const file of process.argv.slice(2)) {
  const log = JSON.parse(fs.readFileSync(file, "utf8"));
  if (validate(log)) {
    console.log(`valid ${file}`);
  } else {
    bad++;
    console.log(`INVALID ${file}`);
    for (const e of validate.errors.slice(0, 20)) console.log(`  ${e.dataPath} ${e.message}`);
  }
}
process.exit(bad ? 1 : 0);
