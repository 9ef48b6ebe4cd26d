// title: Queue class
// description: A queue (first in, first out) class with enqueue, dequeue, peek and size, with O(1) dequeue.
// keywords: queue, fifo, enqueue, dequeue, first, class, data, structure, line

class Queue {
  #items = [];
  #head = 0;

  enqueue(item) {
    this.#items.push(item);
  }

  dequeue() {
    if (this.isEmpty()) throw new Error("dequeue from an empty queue");
    const item = this.#items[this.#head++];
    if (this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  peek() {
    if (this.isEmpty()) throw new Error("peek at an empty queue");
    return this.#items[this.#head];
  }

  isEmpty() {
    return this.size === 0;
  }

  get size() {
    return this.#items.length - this.#head;
  }
}

const q = new Queue();
["a", "b", "c"].forEach((x) => q.enqueue(x));
console.log(q.dequeue(), q.peek(), q.size);
