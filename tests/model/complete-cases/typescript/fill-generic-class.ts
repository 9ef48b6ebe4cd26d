// expect: fill stack-class
// output: 2
class Stack<T> {
}
const s = new Stack<number>();
s.push(2);
console.log(s.pop());
