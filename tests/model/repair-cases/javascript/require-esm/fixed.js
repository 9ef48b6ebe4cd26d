import { strict as assert } from "assert";
import * as util from "util";

assert.equal(1, 1);
console.log(util.inspect({ ok: true }));
