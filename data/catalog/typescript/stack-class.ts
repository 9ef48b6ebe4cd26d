// title: Stack class
// description: A generic stack (last in, first out) class with push, pop, peek, size and an empty check.
// keywords: stack, lifo, push, pop, peek, top, class, generic, data, structure, last

class Stack<T> {
  private items: T[] = [];

  push(item: T): void {
    this.items.push(item);
  }

  pop(): T {
    const item = this.items.pop();
    if (item === undefined) throw new Error("pop from an empty stack");
    return item;
  }

  peek(): T | undefined {
    return this.items[this.items.length - 1];
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  get size(): number {
    return this.items.length;
  }
}

const s = new Stack<number>();
[1, 2, 3].forEach((x) => s.push(x));
console.log(s.pop(), s.peek(), s.size, s.isEmpty());
