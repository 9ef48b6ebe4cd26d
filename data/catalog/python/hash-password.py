# title: Hash and verify a password
# description: Hash a password with a random salt using PBKDF2-HMAC-SHA256 from hashlib, and verify it with a constant-time comparison.
# keywords: hash, hashing, password, passwords, verify, salt, pbkdf2, hashlib, hmac, secure, store, login, authentication

import hashlib
import hmac
import secrets

ITERATIONS = 200_000


def hash_password(password):
    """Return 'salt$hash' (hex) for password."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return salt.hex() + "$" + digest.hex()


def verify_password(password, stored):
    """True if password matches the stored 'salt$hash'."""
    salt_hex, digest_hex = stored.split("$")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt_hex), ITERATIONS)
    return hmac.compare_digest(digest.hex(), digest_hex)


if __name__ == "__main__":
    stored = hash_password("correct horse battery staple")
    print(verify_password("correct horse battery staple", stored))
    print(verify_password("wrong guess", stored))
