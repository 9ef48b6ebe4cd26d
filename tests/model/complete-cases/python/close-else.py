# expect: close
if ready:
    go()
else
