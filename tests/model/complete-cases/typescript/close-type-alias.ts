// expect: close
type Id =
