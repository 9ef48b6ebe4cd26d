// expect: close
if (x > 1)
