// title: Deep clone an object
// description: Make a deep copy of an object or array (nested objects, arrays, dates, maps and sets), with structuredClone and a hand-written version.
// keywords: deep, clone, copy, cloning, object, objects, nested, duplicate, structuredclone, immutable

function deepClone(value) {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [deepClone(k), deepClone(v)]));
  if (value instanceof Set) return new Set([...value].map((v) => deepClone(v)));
  if (Array.isArray(value)) return value.map((v) => deepClone(v));
  const out = {};
  for (const key of Object.keys(value)) {
    out[key] = deepClone(value[key]);
  }
  return out;
}

const original = { name: "Ada", tags: ["x", "y"], meta: { born: new Date(Date.UTC(1815, 11, 10)) } };
const copy = deepClone(original);
copy.tags.push("z");
copy.meta.born.setUTCFullYear(2000);
console.log(original.tags.length, copy.tags.length);
console.log(original.meta.born.getUTCFullYear(), copy.meta.born.getUTCFullYear());
console.log(structuredClone({ a: [1, { b: 2 }] }).a[1].b);
