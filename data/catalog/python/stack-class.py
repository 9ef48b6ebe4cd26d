# title: Stack class
# description: A stack (last in, first out) class with push, pop, peek, size and an empty check.
# keywords: stack, lifo, push, pop, peek, top, class, data, structure, last

class Stack:
    """A last-in, first-out stack."""

    def __init__(self):
        self._items = []

    def push(self, item):
        self._items.append(item)

    def pop(self):
        if not self._items:
            raise IndexError("pop from an empty stack")
        return self._items.pop()

    def peek(self):
        if not self._items:
            raise IndexError("peek at an empty stack")
        return self._items[-1]

    def is_empty(self):
        return not self._items

    def __len__(self):
        return len(self._items)


if __name__ == "__main__":
    s = Stack()
    for x in [1, 2, 3]:
        s.push(x)
    print(s.pop(), s.peek(), len(s), s.is_empty())
