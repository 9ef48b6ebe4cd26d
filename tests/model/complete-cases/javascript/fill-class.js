// expect: fill stack-class
// output: 2 1
class Stack {
}
const s = new Stack();
s.push(1);
s.push(2);
console.log(s.pop(), s.peek());
