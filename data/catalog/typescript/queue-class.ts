// title: Queue class
// description: A generic queue (first in, first out) class with enqueue, dequeue, peek and size, with O(1) dequeue.
// keywords: queue, fifo, enqueue, dequeue, first, class, generic, data, structure, line

class Queue<T> {
  private items: T[] = [];
  private head = 0;

  enqueue(item: T): void {
    this.items.push(item);
  }

  dequeue(): T {
    if (this.isEmpty()) throw new Error("dequeue from an empty queue");
    const item = this.items[this.head++];
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    return this.isEmpty() ? undefined : this.items[this.head];
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  get size(): number {
    return this.items.length - this.head;
  }
}

const q = new Queue<string>();
["a", "b", "c"].forEach((x) => q.enqueue(x));
console.log(q.dequeue(), q.peek(), q.size);
