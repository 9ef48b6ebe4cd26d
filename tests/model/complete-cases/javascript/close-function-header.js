// expect: close
function foo(a, b
