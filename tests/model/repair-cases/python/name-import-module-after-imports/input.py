"""Word statistics."""
import re

words = re.findall(r"[a-z]+", "the cat and the hat")
print(json.dumps(sorted(set(words))))
