// A small task queue with retries, the size and shape of a typical generated answer.
"use strict";

const DEFAULT_RETRIES = 3;
const DEFAULT_DELAY_MS = 50;

class Task {
  constructor(id, fn, { retries = DEFAULT_RETRIES, priority = 0 } = {}) {
    this.id = id;
    this.fn = fn;
    this.retries = retries;
    this.priority = priority;
    this.attempts = 0;
    this.result = undefined;
    this.error = null;
  }

  async run() {
    this.attempts += 1;
    try {
      this.result = await this.fn();
      this.error = null;
      return true;
    } catch (err) {
      this.error = err;
      return false;
    }
  }

  canRetry() {
    return this.attempts <= this.retries;
  }
}

class Queue {
  constructor({ concurrency = 2, delayMs = DEFAULT_DELAY_MS } = {}) {
    this.concurrency = concurrency;
    this.delayMs = delayMs;
    this.pending = [];
    this.done = new Map();
    this.failed = new Map();
    this.running = 0;
  }

  add(id, fn, options) {
    if (this.done.has(id) || this.pending.some((t) => t.id === id)) {
      throw new Error(`duplicate task ${id}`);
    }
    this.pending.push(new Task(id, fn, options));
    this.pending.sort((a, b) => b.priority - a.priority);
    return this;
  }

  static sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async worker() {
    while (this.pending.length > 0) {
      const task = this.pending.shift();
      this.running += 1;
      const ok = await task.run();
      this.running -= 1;
      if (ok) {
        this.done.set(task.id, task.result);
      } else if (task.canRetry()) {
        await Queue.sleep(this.delayMs * task.attempts);
        this.pending.push(task);
      } else {
        this.failed.set(task.id, task.error);
      }
    }
  }
  async drain() {
    const workers = [];
    for (let i = 0; i < this.concurrency; i += 1) {
      workers.push(this.worker());
    }
    await Promise.all(workers);
    return { done: Object.fromEntries(this.done), failed: [...this.failed.keys()] };
  }
}
function flaky(rate, value) {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls * rate < 1) {
      throw new Error(`flaky call ${calls}`);
    }
    return value;
  };
}
async function main() {
  const q = new Queue({ concurrency: 3, delayMs: 1 });
  q.add("a", async () => 1).add("b", flaky(0.5, 2), { priority: 5 }).add("c", async () => 3);
  const summary = await q.drain();
  console.log(JSON.stringify(summary));
  return summary;
}
module.exports = { Task, Queue, flaky, main };
