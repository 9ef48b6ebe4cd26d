# title: Generate a secure random password
# description: Generate a random password or token with the secrets module (a cryptographically secure generator), with letters, digits and symbols.
# keywords: password, passwords, generate, generator, random, secure, secrets, token, strong, characters, passphrase

import secrets
import string


def generate_password(length=16):
    """A random password with at least one lower, upper, digit and symbol."""
    if length < 4:
        raise ValueError("length must be at least 4")
    alphabet = string.ascii_letters + string.digits + "!#$%&*+-=?@^_"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in pw) and any(c.isupper() for c in pw)
                and any(c.isdigit() for c in pw) and any(not c.isalnum() for c in pw)):
            return pw


if __name__ == "__main__":
    pw = generate_password(20)
    print("length:", len(pw))
    print("has a digit:", any(c.isdigit() for c in pw))
    print("url-safe token length:", len(secrets.token_urlsafe(32)) >= 32)
