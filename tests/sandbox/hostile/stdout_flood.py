# Write to stdout forever.
import sys
line = b"y" * 1023 + b"\n"
while True:
    sys.stdout.buffer.write(line)
