// expect: close
enum Color { Red, Green
