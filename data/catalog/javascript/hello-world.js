// title: Hello, World!
// description: The classic first program that prints Hello, World! and greets a name.
// keywords: hello, world, greeting, greet, first, print, console, log, starter, beginner

function greet(name) {
  return `Hello, ${name}!`;
}

console.log("Hello, World!");
console.log(greet("Ada"));
