# title: Count vowels in a string
# description: Count the vowels (a, e, i, o, u) in a string, in total and per vowel.
# keywords: vowel, vowels, count, counting, letters, consonants, string, text, aeiou

def count_vowels(text):
    """Return (total, {vowel: count}) for the vowels in text."""
    counts = {v: 0 for v in "aeiou"}
    for ch in text.lower():
        if ch in counts:
            counts[ch] += 1
    return sum(counts.values()), counts


if __name__ == "__main__":
    total, per = count_vowels("Programming is fun and educational")
    print(total, per)
