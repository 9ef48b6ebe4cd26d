# title: Graph traversal (BFS and DFS)
# description: Breadth-first search and depth-first search over a graph stored as an adjacency list, and the shortest path by number of edges.
# keywords: graph, bfs, dfs, breadth, depth, first, search, traversal, traverse, adjacency, shortest, path, nodes, edges, visit

from collections import deque


def bfs(graph, start):
    """Nodes reachable from start, in breadth-first order."""
    seen, order, queue = {start}, [], deque([start])
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in graph.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


def dfs(graph, start):
    """Nodes reachable from start, in depth-first order."""
    seen, order, stack = set(), [], [start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(reversed(graph.get(node, [])))
    return order


def shortest_path(graph, start, goal):
    """A shortest path from start to goal as a list of nodes, or None."""
    prev, queue = {start: None}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = prev[node]
            return path[::-1]
        for nxt in graph.get(node, []):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


if __name__ == "__main__":
    g = {"A": ["B", "C"], "B": ["D"], "C": ["D", "E"], "D": ["F"], "E": ["F"], "F": []}
    print(bfs(g, "A"))
    print(dfs(g, "A"))
    print(shortest_path(g, "A", "F"))
