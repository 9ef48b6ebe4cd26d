// title: Debounce a function
// description: Debounce a function so that it runs only after calls have stopped for a given delay, typed with generics, with a cancel method.
// keywords: debounce, debouncing, delay, wait, timer, settimeout, rate, limit, events, input, resize, typing, generic

function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, waitMs);
  };
  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return Object.assign(debounced, { cancel });
}

const save = debounce((text: string) => console.log("saved:", text), 30);
save("h");
save("he");
save("hello");
setTimeout(() => console.log("done"), 80);
