// expect: close
class Box<T> {
  constructor(private value: T) {}
  get(): T {
    return this.value
