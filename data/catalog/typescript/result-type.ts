// title: Result type for error handling
// description: A discriminated union Result type (ok or error) for returning errors without exceptions, with exhaustive narrowing.
// keywords: result, either, error, handling, discriminated, union, ok, err, type, narrowing, exhaustive, exceptions

type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

function safeDivide(a: number, b: number): Result<number> {
  if (b === 0) return { ok: false, error: "division by zero" };
  return { ok: true, value: a / b };
}

function describe(r: Result<number>): string {
  return r.ok ? `value ${r.value}` : `error: ${r.error}`;
}

console.log(describe(safeDivide(10, 4)));
console.log(describe(safeDivide(1, 0)));
