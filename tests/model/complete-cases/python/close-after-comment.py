# expect: close
x = 1  # a comment without a newline
y = (x
