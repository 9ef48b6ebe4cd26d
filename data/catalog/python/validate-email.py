# title: Validate an email address with a regex
# description: Check whether a string looks like a valid email address using regular expressions for its parts, with length limits and no catastrophic backtracking.
# keywords: email, e-mail, mail, address, validate, validation, valid, check, regex, regular, expression, pattern

import re

LOCAL = re.compile(r"[A-Za-z0-9._%+-]{1,64}")
LABEL = re.compile(r"[A-Za-z0-9-]{1,63}")
TLD = re.compile(r"[A-Za-z]{2,63}")


def is_valid_email(address):
    """True if address looks like an email address (syntax only, no lookup)."""
    if len(address) > 254 or address.count("@") != 1:
        return False
    local, domain = address.split("@")
    labels = domain.split(".")
    return (LOCAL.fullmatch(local) is not None
            and len(labels) >= 2
            and all(LABEL.fullmatch(x) and x[0] != "-" and x[-1] != "-" for x in labels)
            and TLD.fullmatch(labels[-1]) is not None)


if __name__ == "__main__":
    for a in ["ada@example.com", "first.last+tag@mail.co.uk", "no-at-sign.com", "a@b", "x@y..com"]:
        print(a, is_valid_email(a))
