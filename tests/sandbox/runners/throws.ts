interface P { x: number }
const p: P = { x: 41 };
console.log(p.x + 1);
if (process.argv.length > 5) throw new Error("never");
function fail(): never { throw new Error("boom at line 6") }
fail();
