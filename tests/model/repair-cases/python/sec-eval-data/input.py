"""Read numbers."""
import sys


def parse(line):
    return eval(line.strip())
