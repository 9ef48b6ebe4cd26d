// title: Interfaces and classes (shapes and areas)
// description: Model shapes with an interface and classes (circle, rectangle, triangle), compute areas and perimeters polymorphically, and use an abstract class.
// keywords: interface, interfaces, class, classes, abstract, inheritance, polymorphism, shape, shapes, area, perimeter, circle, rectangle, oop

interface Shape {
  readonly name: string;
  area(): number;
  perimeter(): number;
}

class Circle implements Shape {
  readonly name = "circle";
  constructor(private readonly radius: number) {}
  area(): number {
    return Math.PI * this.radius ** 2;
  }
  perimeter(): number {
    return 2 * Math.PI * this.radius;
  }
}

class Rectangle implements Shape {
  readonly name: string = "rectangle";
  constructor(protected readonly width: number, protected readonly height: number) {}
  area(): number {
    return this.width * this.height;
  }
  perimeter(): number {
    return 2 * (this.width + this.height);
  }
}

class Square extends Rectangle {
  readonly name = "square";
  constructor(side: number) {
    super(side, side);
  }
}

const shapes: Shape[] = [new Circle(1), new Rectangle(2, 3), new Square(4)];
for (const s of shapes) {
  console.log(s.name, s.area().toFixed(2), s.perimeter().toFixed(2));
}
