# Many threads, each holding memory: together past the limit.
import threading, time
held = []
def grab():
    held.append(bytearray(12 << 20))
    time.sleep(30)
for i in range(40):
    try:
        threading.Thread(target=grab, daemon=True).start()
    except RuntimeError:
        break
time.sleep(30)
