# Write to stderr forever, with a little on stdout first.
import sys
print("hello")
while True:
    sys.stderr.write("e" * 4096)
