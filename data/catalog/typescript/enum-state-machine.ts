// title: Enum-based state machine
// description: A finite state machine for an order's lifecycle using a string enum and a transition table that rejects invalid transitions.
// keywords: enum, enums, state, machine, fsm, finite, transition, transitions, status, lifecycle, order, workflow

enum OrderState {
  Created = "created",
  Paid = "paid",
  Shipped = "shipped",
  Delivered = "delivered",
  Cancelled = "cancelled",
}

const transitions: Record<OrderState, OrderState[]> = {
  [OrderState.Created]: [OrderState.Paid, OrderState.Cancelled],
  [OrderState.Paid]: [OrderState.Shipped, OrderState.Cancelled],
  [OrderState.Shipped]: [OrderState.Delivered],
  [OrderState.Delivered]: [],
  [OrderState.Cancelled]: [],
};

class Order {
  state = OrderState.Created;

  moveTo(next: OrderState): void {
    if (!transitions[this.state].includes(next)) {
      throw new Error(`cannot go from ${this.state} to ${next}`);
    }
    this.state = next;
  }
}

const order = new Order();
order.moveTo(OrderState.Paid);
order.moveTo(OrderState.Shipped);
console.log(order.state);
try {
  order.moveTo(OrderState.Cancelled);
} catch (e) {
  console.log((e as Error).message);
}
