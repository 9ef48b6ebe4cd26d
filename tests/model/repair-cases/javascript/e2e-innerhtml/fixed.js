const element = { textContent: "", innerHTML: "" };

function greet(name) {
  element.innerHTML = "Hello, " + name;
  return element.textContent || element.innerHTML;
}

const userName = "bob";
console.log(greet(userName));
