// title: Event emitter (publish and subscribe)
// description: A small event emitter class with on, off, once and emit, for publish/subscribe between parts of a program.
// keywords: event, events, emitter, publish, subscribe, pubsub, pub, sub, listener, listeners, observer, on, off, emit, once

class EventEmitter {
  #listeners = new Map();

  on(event, listener) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  once(event, listener) {
    const off = this.on(event, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  emit(event, ...args) {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(...args);
  }
}

const bus = new EventEmitter();
bus.on("greet", (name) => console.log("hello", name));
bus.once("greet", (name) => console.log("first greeting for", name));
bus.emit("greet", "Ada");
bus.emit("greet", "Bo");
