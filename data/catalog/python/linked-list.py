# title: Singly linked list
# description: A singly linked list class with append, prepend, find, remove, reverse in place and iteration.
# keywords: linked, list, node, nodes, singly, append, prepend, insert, remove, delete, reverse, traverse, class, data, structure

class LinkedList:
    """A singly linked list."""

    class _Node:
        def __init__(self, value, next_node=None):
            self.value = value
            self.next = next_node

    def __init__(self):
        self.head = None

    def append(self, value):
        node = self._Node(value)
        if self.head is None:
            self.head = node
            return
        cur = self.head
        while cur.next:
            cur = cur.next
        cur.next = node

    def prepend(self, value):
        self.head = self._Node(value, self.head)

    def remove(self, value):
        prev, cur = None, self.head
        while cur:
            if cur.value == value:
                if prev:
                    prev.next = cur.next
                else:
                    self.head = cur.next
                return True
            prev, cur = cur, cur.next
        return False

    def reverse(self):
        prev, cur = None, self.head
        while cur:
            cur.next, prev, cur = prev, cur, cur.next
        self.head = prev

    def __iter__(self):
        cur = self.head
        while cur:
            yield cur.value
            cur = cur.next


if __name__ == "__main__":
    items = LinkedList()
    for x in [1, 2, 3, 4]:
        items.append(x)
    items.prepend(0)
    items.remove(2)
    print(list(items))
    items.reverse()
    print(list(items))
