"""Word statistics."""
import re
import json

words = re.findall(r"[a-z]+", "the cat and the hat")
print(json.dumps(sorted(set(words))))
