// title: Singly linked list
// description: A singly linked list class with append, prepend, remove, reverse in place and iteration.
// keywords: linked, list, node, nodes, singly, append, prepend, insert, remove, delete, reverse, traverse, class, data, structure

class LinkedList {
  constructor() {
    this.head = null;
  }

  append(value) {
    const node = { value, next: null };
    if (!this.head) {
      this.head = node;
      return;
    }
    let cur = this.head;
    while (cur.next) cur = cur.next;
    cur.next = node;
  }

  prepend(value) {
    this.head = { value, next: this.head };
  }

  remove(value) {
    let prev = null;
    for (let cur = this.head; cur; prev = cur, cur = cur.next) {
      if (cur.value === value) {
        if (prev) prev.next = cur.next;
        else this.head = cur.next;
        return true;
      }
    }
    return false;
  }

  reverse() {
    let prev = null;
    let cur = this.head;
    while (cur) {
      const next = cur.next;
      cur.next = prev;
      prev = cur;
      cur = next;
    }
    this.head = prev;
  }

  *[Symbol.iterator]() {
    for (let cur = this.head; cur; cur = cur.next) yield cur.value;
  }
}

const list = new LinkedList();
[1, 2, 3, 4].forEach((x) => list.append(x));
list.prepend(0);
list.remove(2);
console.log([...list]);
list.reverse();
console.log([...list]);
