// title: Deep clone an object
// description: Make a deep copy of an object or array (nested objects, arrays, dates, maps and sets), typed with generics.
// keywords: deep, clone, copy, cloning, object, objects, nested, duplicate, structuredclone, immutable, generic

function deepClone<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [deepClone(k), deepClone(v)])) as T;
  }
  if (value instanceof Set) return new Set([...value].map((v) => deepClone(v))) as T;
  if (Array.isArray(value)) return value.map((v) => deepClone(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = deepClone(v);
  return out as T;
}

const original = { name: "Ada", tags: ["x", "y"], meta: { born: new Date(Date.UTC(1815, 11, 10)) } };
const copy = deepClone(original);
copy.tags.push("z");
copy.meta.born.setUTCFullYear(2000);
console.log(original.tags.length, copy.tags.length);
console.log(original.meta.born.getUTCFullYear(), copy.meta.born.getUTCFullYear());
