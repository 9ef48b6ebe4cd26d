// title: Group an array of objects by a key
// description: Group the items of an array by a property or a key function into a record of arrays, typed with generics.
// keywords: group, groupby, grouping, array, objects, key, property, category, bucket, partition, reduce, generic, record

function groupBy<T, K extends PropertyKey>(items: readonly T[], keyFn: (item: T) => K): Record<K, T[]> {
  const groups = {} as Record<K, T[]>;
  for (const item of items) {
    const key = keyFn(item);
    (groups[key] ??= []).push(item);
  }
  return groups;
}

interface Person {
  name: string;
  team: "core" | "web";
}

const people: Person[] = [
  { name: "Ada", team: "core" },
  { name: "Bo", team: "web" },
  { name: "Cy", team: "core" },
];
const byTeam = groupBy(people, (p) => p.team);
console.log(Object.keys(byTeam), byTeam.core.map((p) => p.name));
