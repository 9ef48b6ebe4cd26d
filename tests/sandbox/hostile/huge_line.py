# One 10 MB line without a newline.
import sys
sys.stdout.write("z" * (10 << 20))
