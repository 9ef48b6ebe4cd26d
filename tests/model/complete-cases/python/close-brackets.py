# expect: close
data = {"a": [1, 2, (3,
