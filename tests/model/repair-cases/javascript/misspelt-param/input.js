function greet(person) {
  return "Hello, " + persn.name;
}

console.log(greet({ name: "Ada" }));
