// title: Generate a secure random password
// description: Generate a random password or token with crypto.getRandomValues (a cryptographically secure generator), without modulo bias.
// keywords: password, passwords, generate, generator, random, secure, crypto, token, strong, characters, getrandomvalues

function randomIndex(n: number): number {
  // Rejection sampling: values at or above the largest multiple of n are drawn again.
  const limit = Math.floor(0x100000000 / n) * n;
  const buf = new Uint32Array(1);
  do {
    globalThis.crypto.getRandomValues(buf);
  } while (buf[0] >= limit);
  return buf[0] % n;
}

function generatePassword(length = 16): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-=?@^_";
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomIndex(alphabet.length)];
  return out;
}

const pw = generatePassword(20);
console.log("length:", pw.length);
console.log("only allowed characters:", /^[A-Za-z0-9!#$%&*+\-=?@^_]+$/.test(pw));
