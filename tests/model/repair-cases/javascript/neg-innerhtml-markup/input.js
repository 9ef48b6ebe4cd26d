const list = document.querySelector("ul");

function add(item) {
  list.innerHTML += "<li>" + item + "</li>";
}
