from collections import deque, Counter

queue = deque([1, 2, 2, 3])
print(Counter(queue).most_common(1))
