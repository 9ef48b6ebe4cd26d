# title: Validate an email address with a regex
# description: Check whether a string looks like a valid email address using a regular expression, with a length limit.
# keywords: email, e-mail, mail, address, validate, validation, valid, check, regex, regular, expression, pattern

import re

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def is_valid_email(address):
    """True if address looks like an email address (syntax only)."""
    return len(address) <= 254 and EMAIL.fullmatch(address) is not None


if __name__ == "__main__":
    for a in ["ada@example.com", "first.last+tag@mail.co.uk", "no-at-sign.com", "a@b", "x@y..com"]:
        print(a, is_valid_email(a))
