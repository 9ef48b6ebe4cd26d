# expect: close
print("hello
