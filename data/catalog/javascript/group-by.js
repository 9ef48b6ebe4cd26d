// title: Group an array of objects by a key
// description: Group the items of an array by a property or a key function into an object of arrays, and count items per group.
// keywords: group, groupby, grouping, array, objects, key, property, category, bucket, partition, count, reduce

function groupBy(items, keyFn) {
  const groups = new Map();
  for (const item of items) {
    const key = keyFn(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return Object.fromEntries(groups);
}

const people = [
  { name: "Ada", team: "core" },
  { name: "Bo", team: "web" },
  { name: "Cy", team: "core" },
];
const byTeam = groupBy(people, (p) => p.team);
console.log(Object.keys(byTeam), byTeam.core.map((p) => p.name));
