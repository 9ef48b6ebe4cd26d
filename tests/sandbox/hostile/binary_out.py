# Binary garbage on both streams: NUL bytes, invalid UTF-8, terminal escapes.
import os, sys
data = bytes(range(256)) * 4 + b"\x1b]0;pwned\x07\x1b[2J\xff\xfe\x00"
sys.stdout.buffer.write(data)
sys.stderr.buffer.write(data[::-1])
