// title: Retry an async operation with exponential backoff
// description: Retry a failing async function (a promise) a limited number of times, waiting longer after each failure, and sleep with a promise.
// keywords: retry, retries, backoff, exponential, async, await, promise, sleep, delay, wait, attempts, failure, timeout

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function retry<T>(fn: (attempt: number) => Promise<T>, attempts = 3, baseMs = 10): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn(i);
    } catch (e) {
      lastError = e;
      if (i + 1 < attempts) await sleep(baseMs * 2 ** i);
    }
  }
  throw lastError;
}

async function main(): Promise<void> {
  const result = await retry(async (attempt) => {
    if (attempt < 2) throw new Error(`attempt ${attempt} failed`);
    return `succeeded on attempt ${attempt}`;
  });
  console.log(result);
  try {
    await retry(async () => {
      throw new Error("always fails");
    }, 2);
  } catch (e) {
    console.log("gave up:", (e as Error).message);
  }
}

void main();
