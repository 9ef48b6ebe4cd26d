// title: Parse JSON with type checking
// description: Parse a JSON string safely, narrow the unknown result to a typed object with a type guard, and report invalid JSON.
// keywords: json, parse, parsing, stringify, type, guard, unknown, narrow, validate, interface, decode, invalid, string, object

interface Person {
  name: string;
  age: number;
  skills: string[];
}

function isPerson(v: unknown): v is Person {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === "string" &&
    typeof o.age === "number" &&
    Array.isArray(o.skills) &&
    o.skills.every((s) => typeof s === "string")
  );
}

function parsePerson(text: string): Person | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  return isPerson(value) ? value : "JSON does not describe a person";
}

const ok = parsePerson('{"name": "Ada", "age": 36, "skills": ["math", "code"]}');
if (typeof ok !== "string") console.log(ok.name, ok.age, ok.skills.join("+"));
console.log(parsePerson('{"name": 1}'));
console.log(typeof parsePerson("{not json}") === "string");
