// title: Throttle a function
// description: Throttle a function so that it runs at most once per interval, however often it is called.
// keywords: throttle, throttling, rate, limit, interval, once, per, timer, events, scroll

function throttle(fn, intervalMs) {
  let last = -Infinity;
  return (...args) => {
    const now = Date.now();
    if (now - last >= intervalMs) {
      last = now;
      fn(...args);
    }
  };
}

let calls = 0;
const onScroll = throttle(() => {
  calls++;
}, 1000);
for (let i = 0; i < 100; i++) onScroll();
console.log("ran", calls, "time(s) for 100 calls");
