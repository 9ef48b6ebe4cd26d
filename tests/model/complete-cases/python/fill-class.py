# expect: fill stack-class
# output: 2 1
class Stack:
    pass


s = Stack()
s.push(1)
s.push(2)
print(s.pop(), s.peek())
