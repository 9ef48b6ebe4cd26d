# title: Parse and produce JSON
# description: Parse a JSON string into Python objects safely, read nested fields, handle invalid JSON, and serialise back to JSON.
# keywords: json, parse, parsing, load, loads, decode, dumps, serialize, serialise, deserialize, string, object, dict, invalid

import json


def parse_json(text):
    """Parse text as JSON; return (value, None) or (None, error message)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as e:
        return None, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"


if __name__ == "__main__":
    value, error = parse_json('{"name": "Ada", "skills": ["math", "code"], "age": 36}')
    print(value["name"], value["skills"][1], value["age"])
    print(json.dumps(value, sort_keys=True))
    value, error = parse_json("{not json}")
    print(error)
