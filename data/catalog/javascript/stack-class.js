// title: Stack class
// description: A stack (last in, first out) class with push, pop, peek, size and an empty check.
// keywords: stack, lifo, push, pop, peek, top, class, data, structure, last

class Stack {
  #items = [];

  push(item) {
    this.#items.push(item);
  }

  pop() {
    if (this.#items.length === 0) throw new Error("pop from an empty stack");
    return this.#items.pop();
  }

  peek() {
    if (this.#items.length === 0) throw new Error("peek at an empty stack");
    return this.#items[this.#items.length - 1];
  }

  isEmpty() {
    return this.#items.length === 0;
  }

  get size() {
    return this.#items.length;
  }
}

const s = new Stack();
[1, 2, 3].forEach((x) => s.push(x));
console.log(s.pop(), s.peek(), s.size, s.isEmpty());
