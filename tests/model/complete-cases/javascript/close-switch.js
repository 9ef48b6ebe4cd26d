// expect: close
switch (k) {
  case 1:
