// title: Debounce a function
// description: Debounce a function so that it runs only after calls have stopped for a given delay, with a cancel method.
// keywords: debounce, debouncing, delay, wait, timer, settimeout, rate, limit, events, input, resize, typing

function debounce(fn, waitMs) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, waitMs);
  };
  debounced.cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  return debounced;
}

const save = debounce((text) => console.log("saved:", text), 30);
save("h");
save("he");
save("hello");
setTimeout(() => console.log("done"), 80);
