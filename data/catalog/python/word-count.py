# title: Count words in a text
# description: Count how many times each word occurs in a text, case-insensitively, and list the most common words.
# keywords: word, words, count, counter, frequency, frequencies, occurrences, text, common, histogram, tally

import re
from collections import Counter


def word_count(text):
    """Return a Counter of the lower-cased words in text."""
    return Counter(re.findall(r"[a-z0-9']+", text.lower()))


if __name__ == "__main__":
    text = "The cat sat on the mat. The mat was flat, and the cat was happy."
    counts = word_count(text)
    print(sum(counts.values()), "words")
    for word, n in counts.most_common(3):
        print(word, n)
