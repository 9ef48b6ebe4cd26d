// title: Caesar cipher
// description: Encrypt and decrypt text with a Caesar cipher (shift letters by a fixed amount); a teaching example, not real encryption.
// keywords: caesar, cipher, shift, rot13, rotate, encrypt, decrypt, encode, decode, letters, alphabet

function caesar(text: string, shift: number): string {
  const k = ((shift % 26) + 26) % 26;
  return text.replace(/[a-z]/gi, (ch) => {
    const base = ch <= "Z" ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + k) % 26) + base);
  });
}

const secret = caesar("Hello, World!", 3);
console.log(secret);
console.log(caesar(secret, -3));
console.log(caesar("Why did the chicken cross the road?", 13));
