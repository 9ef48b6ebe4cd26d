// title: Capitalize words (title case)
// description: Capitalize the first letter of every word in a sentence, and convert between camelCase, snake_case and kebab-case.
// keywords: capitalize, capitalise, title, case, uppercase, first, letter, words, camelcase, snake, kebab, convert, string

function capitalizeWords(sentence) {
  return sentence.replace(/\b\w/g, (ch) => ch.toUpperCase());
}

function toCamelCase(name) {
  return name.replace(/[-_]+(\w)/g, (_, ch) => ch.toUpperCase());
}

function toSnakeCase(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/-/g, "_").toLowerCase();
}

console.log(capitalizeWords("the quick brown fox"));
console.log(toCamelCase("hello_big-world"));
console.log(toSnakeCase("helloBigWorld"));
