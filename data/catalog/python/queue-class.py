# title: Queue class
# description: A queue (first in, first out) class with enqueue, dequeue, peek and size, backed by collections.deque.
# keywords: queue, fifo, enqueue, dequeue, deque, first, class, data, structure, line

from collections import deque


class Queue:
    """A first-in, first-out queue."""

    def __init__(self):
        self._items = deque()

    def enqueue(self, item):
        self._items.append(item)

    def dequeue(self):
        if not self._items:
            raise IndexError("dequeue from an empty queue")
        return self._items.popleft()

    def peek(self):
        if not self._items:
            raise IndexError("peek at an empty queue")
        return self._items[0]

    def is_empty(self):
        return not self._items

    def __len__(self):
        return len(self._items)


if __name__ == "__main__":
    q = Queue()
    for x in ["a", "b", "c"]:
        q.enqueue(x)
    print(q.dequeue(), q.peek(), len(q))
