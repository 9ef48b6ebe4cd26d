# Real workload: a multiprocessing pool (fork, pipes, semaphores in /dev/shm).
import multiprocessing
def sq(x):
    return x * x
if __name__ == "__main__":
    with multiprocessing.Pool(3) as p:
        print("pool", sum(p.map(sq, range(100))))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as p:
        print("spawn", sum(p.map(abs, range(-10, 10))))
