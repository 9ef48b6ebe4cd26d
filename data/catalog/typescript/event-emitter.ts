// title: Typed event emitter (publish and subscribe)
// description: An event emitter whose event names and payloads are checked by the type system, with on, off and emit.
// keywords: event, events, emitter, publish, subscribe, pubsub, pub, sub, listener, listeners, observer, typed, on, off, emit

type Listener<T> = (payload: T) => void;

class TypedEmitter<Events extends Record<string, unknown>> {
  private listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    (this.listeners[event] ??= new Set()).add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners[event]?.delete(listener);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners[event] ?? [])]) listener(payload);
  }
}

const bus = new TypedEmitter<{ login: { user: string }; logout: undefined }>();
const off = bus.on("login", ({ user }) => console.log("hello", user));
bus.emit("login", { user: "Ada" });
off();
bus.emit("login", { user: "Bo" });
console.log("done");
