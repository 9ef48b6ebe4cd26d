const output = document.getElementById("output");

function show(name) {
  output.textContent = "Hello, " + name;
}
