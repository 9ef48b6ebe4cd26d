// A typed event store with projections, the size and shape of a typical generated answer.
export type EventKind = "created" | "renamed" | "archived";

export interface StoredEvent<T = unknown> {
  readonly id: number;
  readonly stream: string;
  readonly kind: EventKind;
  readonly at: Date;
  readonly data: T;
}

export interface Projection<S> {
  initial(): S;
  apply(state: S, event: StoredEvent): S;
}

interface Named {
  name: string;
  archived: boolean;
}

export class EventStore {
  private events: StoredEvent[] = [];
  private nextId = 1;
  private listeners = new Set<(e: StoredEvent) => void>();

  append<T>(stream: string, kind: EventKind, data: T, at: Date = new Date()): StoredEvent<T> {
    if (!stream) {
      throw new Error("stream must not be empty");
    }
    const event: StoredEvent<T> = { id: this.nextId++, stream, kind, at, data };
    this.events.push(event);
    this.listeners.forEach((fn) => fn(event));
    return event;
  }

  read(stream: string, from = 0): StoredEvent[] {
    return this.events.filter((e) => e.stream === stream && e.id > from);
  }

  subscribe(fn: (e: StoredEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  project<S>(stream: string, p: Projection<S>): S {
    return this.read(stream).reduce((s, e) => p.apply(s, e), p.initial());
  }

  get size(): number {
    return this.events.length;
  }
}

export const nameProjection: Projection<Named> = {
  initial: () => ({ name: "", archived: false }),
  apply(state: Named, event: StoredEvent): Named {
    switch (event.kind) {
      case "created":
      case "renamed": {
        const data = event.data as { name?: string };
        return { ...state, name: data.name ?? state.name };
      }
      case "archived":
        return { ...state, archived: true };
      default:
        return state;
    }
  },
};

export function countByKind(events: readonly StoredEvent[]): Record<EventKind, number> {
  const counts: Record<EventKind, number> = { created: 0, renamed: 0, archived: 0 };
  for (const e of events) {
    counts[e.kind] += 1;
  }
  return counts;
}

export function demo(): Named {
  const store = new EventStore();
  const seen: number[] = [];
  const stop = store.subscribe((e) => seen.push(e.id));
  store.append("doc-1", "created", { name: "draft" });
  store.append("doc-1", "renamed", { name: "final" });
  stop();
  store.append("doc-1", "archived", {});
  const state = store.project("doc-1", nameProjection);
  if (seen.length !== 2) {
    throw new Error(`expected 2 events, saw ${seen.length}`);
  }
  return state;
}

export function summary(store: EventStore): string {
  const n = store.size;
  return n === 1 ? "1 event" : `${n} events`;
}

export default EventStore;
