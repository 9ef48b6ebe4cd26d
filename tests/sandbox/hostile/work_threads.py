# Real workload: threads with a shared queue.
import queue, threading
q, out = queue.Queue(), []
def worker():
    while True:
        x = q.get()
        if x is None:
            return
        out.append(x * x)
ts = [threading.Thread(target=worker) for _ in range(8)]
for t in ts: t.start()
for i in range(1000): q.put(i)
for t in ts: q.put(None)
for t in ts: t.join()
print("threads", sum(out))
