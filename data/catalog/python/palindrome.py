# title: Check if a string is a palindrome
# description: Check whether a word, sentence or number reads the same forwards and backwards, ignoring case, spaces and punctuation.
# keywords: palindrome, palindromic, same, forwards, backwards, reverse, check, string, word, sentence, number

def is_palindrome(text):
    """True if text reads the same both ways, ignoring case and non-alphanumerics."""
    cleaned = [c.lower() for c in str(text) if c.isalnum()]
    return cleaned == cleaned[::-1]


if __name__ == "__main__":
    for sample in ["racecar", "A man, a plan, a canal: Panama", "hello", 12321]:
        print(repr(sample), is_palindrome(sample))
