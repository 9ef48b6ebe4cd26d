// title: Singly linked list
// description: A generic singly linked list class with append, prepend, remove, reverse in place and iteration.
// keywords: linked, list, node, nodes, singly, append, prepend, insert, remove, delete, reverse, traverse, class, generic, data, structure

interface ListNode<T> {
  value: T;
  next: ListNode<T> | null;
}

class LinkedList<T> implements Iterable<T> {
  private head: ListNode<T> | null = null;

  append(value: T): void {
    const node: ListNode<T> = { value, next: null };
    if (!this.head) {
      this.head = node;
      return;
    }
    let cur = this.head;
    while (cur.next) cur = cur.next;
    cur.next = node;
  }

  prepend(value: T): void {
    this.head = { value, next: this.head };
  }

  remove(value: T): boolean {
    let prev: ListNode<T> | null = null;
    for (let cur = this.head; cur; prev = cur, cur = cur.next) {
      if (cur.value === value) {
        if (prev) prev.next = cur.next;
        else this.head = cur.next;
        return true;
      }
    }
    return false;
  }

  reverse(): void {
    let prev: ListNode<T> | null = null;
    let cur = this.head;
    while (cur) {
      const next: ListNode<T> | null = cur.next;
      cur.next = prev;
      prev = cur;
      cur = next;
    }
    this.head = prev;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let cur = this.head; cur; cur = cur.next) yield cur.value;
  }
}

const list = new LinkedList<number>();
[1, 2, 3, 4].forEach((x) => list.append(x));
list.prepend(0);
list.remove(2);
console.log([...list]);
list.reverse();
console.log([...list]);
