// expect: close
try {
  run();
