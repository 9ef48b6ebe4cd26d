const parts: string[] = ["a", "b"];
console.log(path.join(...parts));
