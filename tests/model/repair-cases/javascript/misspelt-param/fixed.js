function greet(person) {
  return "Hello, " + person.name;
}

console.log(greet({ name: "Ada" }));
