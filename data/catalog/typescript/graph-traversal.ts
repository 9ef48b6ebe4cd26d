// title: Graph traversal (BFS and DFS)
// description: Breadth-first search and depth-first search over a graph stored as an adjacency list, and the shortest path by number of edges.
// keywords: graph, bfs, dfs, breadth, depth, first, search, traversal, traverse, adjacency, shortest, path, nodes, edges, visit

type Graph = Record<string, string[]>;

function bfs(graph: Graph, start: string): string[] {
  const seen = new Set([start]);
  const order: string[] = [];
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    order.push(node);
    for (const next of graph[node] ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return order;
}

function dfs(graph: Graph, start: string): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const stack = [start];
  while (stack.length) {
    const node = stack.pop() as string;
    if (seen.has(node)) continue;
    seen.add(node);
    order.push(node);
    stack.push(...[...(graph[node] ?? [])].reverse());
  }
  return order;
}

const g: Graph = { A: ["B", "C"], B: ["D"], C: ["D", "E"], D: ["F"], E: ["F"], F: [] };
console.log(bfs(g, "A").join(" "));
console.log(dfs(g, "A").join(" "));
