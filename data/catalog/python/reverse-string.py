# title: Reverse a string
# description: Reverse the characters of a string, and reverse the order of the words in a sentence.
# keywords: reverse, reversed, backwards, flip, invert, mirror, string, str, text, characters, letters, words, sentence, slice

def reverse_string(s):
    """Return s with its characters in reverse order."""
    return s[::-1]


def reverse_words(sentence):
    """Return the words of sentence in reverse order."""
    return " ".join(reversed(sentence.split()))


if __name__ == "__main__":
    print(reverse_string("hello"))
    print(reverse_string("Sheikh-Kitty"))
    print(reverse_words("the quick brown fox"))
