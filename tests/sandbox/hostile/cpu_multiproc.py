# Four processes spin for 1.5 s of wall time each: the CPU quota (one core)
# must hold them to about one core in total.
import multiprocessing, time
def spin(_):
    end = time.time() + 1.5
    while time.time() < end:
        pass
    return 1
if __name__ == "__main__":
    with multiprocessing.Pool(4) as p:
        print(sum(p.map(spin, range(4))))
