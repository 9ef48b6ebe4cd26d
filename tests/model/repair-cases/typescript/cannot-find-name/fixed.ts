import * as path from "path";

const parts: string[] = ["a", "b"];
console.log(path.join(...parts));
