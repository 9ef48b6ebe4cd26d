# title: Caesar cipher
# description: Encrypt and decrypt text with a Caesar cipher (shift letters by a fixed amount); a teaching example, not real encryption.
# keywords: caesar, cipher, shift, rot13, rotate, encrypt, decrypt, encode, decode, letters, alphabet

def caesar(text, shift):
    """Shift each letter of text by shift places, keeping case; other characters stay."""
    out = []
    for ch in text:
        if "a" <= ch <= "z":
            out.append(chr((ord(ch) - 97 + shift) % 26 + 97))
        elif "A" <= ch <= "Z":
            out.append(chr((ord(ch) - 65 + shift) % 26 + 65))
        else:
            out.append(ch)
    return "".join(out)


if __name__ == "__main__":
    secret = caesar("Hello, World!", 3)
    print(secret)
    print(caesar(secret, -3))
    print(caesar("Why did the chicken cross the road?", 13))
