interface Point {
  x: number;
  y: number;
}

function norm(p: Piont): number {
  return Math.hypot(p.x, p.y);
}

console.log(norm({ x: 3, y: 4 }));
