# title: Check if two words are anagrams
# description: Check whether two strings are anagrams of each other (same letters in a different order), ignoring case and spaces.
# keywords: anagram, anagrams, letters, same, rearrange, permutation, words, strings, compare, check

from collections import Counter


def is_anagram(a, b):
    """True if a and b use the same letters the same number of times."""
    def letters(s):
        return Counter(c for c in s.lower() if c.isalnum())
    return letters(a) == letters(b)


if __name__ == "__main__":
    print(is_anagram("listen", "silent"))
    print(is_anagram("Dormitory", "dirty room"))
    print(is_anagram("hello", "world"))
