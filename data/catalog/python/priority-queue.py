# title: Priority queue with heapq
# description: A priority queue (min-heap) with heapq, popping the smallest priority first, and finding the k largest items.
# keywords: priority, queue, heap, heapq, min, minimum, smallest, largest, top, k, push, pop, scheduling

import heapq


class PriorityQueue:
    """Items popped in order of priority (lowest first), ties in insertion order."""

    def __init__(self):
        self._heap = []
        self._count = 0

    def push(self, item, priority):
        heapq.heappush(self._heap, (priority, self._count, item))
        self._count += 1

    def pop(self):
        return heapq.heappop(self._heap)[2]

    def __len__(self):
        return len(self._heap)


if __name__ == "__main__":
    pq = PriorityQueue()
    pq.push("write docs", 3)
    pq.push("fix bug", 1)
    pq.push("review", 2)
    print([pq.pop() for _ in range(len(pq))])
    print(heapq.nlargest(3, [5, 1, 9, 3, 7, 2]))
