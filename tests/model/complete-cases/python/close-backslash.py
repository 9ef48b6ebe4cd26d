# expect: close
s = "it ends in a backslash \
