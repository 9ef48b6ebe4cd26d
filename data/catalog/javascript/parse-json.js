// title: Parse and produce JSON
// description: Parse a JSON string safely with JSON.parse, read nested fields, handle invalid JSON, and serialise back with JSON.stringify.
// keywords: json, parse, parsing, stringify, serialize, serialise, deserialize, decode, string, object, invalid

function parseJson(text) {
  try {
    return { value: JSON.parse(text), error: null };
  } catch (e) {
    return { value: null, error: `invalid JSON: ${e.message}` };
  }
}

const ok = parseJson('{"name": "Ada", "skills": ["math", "code"], "age": 36}');
console.log(ok.value.name, ok.value.skills[1], ok.value.age);
console.log(JSON.stringify(ok.value, null, 2));
const bad = parseJson("{not json}");
console.log(bad.error !== null);
