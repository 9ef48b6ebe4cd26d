# title: Run-length encoding (string compression)
# description: Compress a string with run-length encoding (aaabb becomes a3b2) and decode it back.
# keywords: run, length, encoding, rle, compress, compression, decompress, decode, encode, repeated, characters, string

import re


def rle_encode(text):
    """'aaabcc' -> 'a3b1c2'."""
    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append(f"{text[i]}{j - i}")
        i = j
    return "".join(out)


def rle_decode(encoded):
    """'a3b1c2' -> 'aaabcc' (characters must not be digits)."""
    return "".join(ch * int(n) for ch, n in re.findall(r"(\D)(\d+)", encoded))


if __name__ == "__main__":
    packed = rle_encode("aaabccddddd")
    print(packed)
    print(rle_decode(packed))
