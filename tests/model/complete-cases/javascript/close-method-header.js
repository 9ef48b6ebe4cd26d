// expect: close
class A {
  foo(x)
