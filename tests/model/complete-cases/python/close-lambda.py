# expect: close
value = compute(
    lambda x:
