# expect: close
total = price * qty +
