# title: Character frequency
# description: Count how often each character occurs in a string and find the most frequent and the first non-repeating character.
# keywords: character, characters, char, frequency, count, occurrences, letters, most, common, first, non-repeating, unique, string

from collections import Counter


def char_frequency(text):
    """A Counter of the characters in text."""
    return Counter(text)


def first_unique_char(text):
    """The first character that occurs exactly once in text, or None."""
    counts = Counter(text)
    for ch in text:
        if counts[ch] == 1:
            return ch
    return None


if __name__ == "__main__":
    print(char_frequency("mississippi").most_common(2))
    print(first_unique_char("swiss"))
