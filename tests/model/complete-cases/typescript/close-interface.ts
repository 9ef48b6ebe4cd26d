// expect: close
interface Shape
