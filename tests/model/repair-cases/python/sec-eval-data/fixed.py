"""Read numbers."""
import sys
import ast


def parse(line):
    return ast.literal_eval(line.strip())
