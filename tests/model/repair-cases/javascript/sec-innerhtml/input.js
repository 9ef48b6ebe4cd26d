const output = document.getElementById("output");

function show(name) {
  output.innerHTML = "Hello, " + name;
}
