import { strict as assert } from "assert";

assert.equal(1, 1);
console.log(util.inspect({ ok: true }));
