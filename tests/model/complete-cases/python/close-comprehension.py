# expect: close
items = [x for x in range(10) if x %
