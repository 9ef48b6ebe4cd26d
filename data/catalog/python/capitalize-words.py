# title: Capitalize words (title case)
# description: Capitalize the first letter of every word in a sentence, and convert between snake_case, camelCase and kebab-case.
# keywords: capitalize, capitalise, title, case, uppercase, first, letter, words, camelcase, snake, kebab, convert, string

import re


def capitalize_words(sentence):
    """Capitalize the first letter of each space-separated word."""
    return " ".join(w[:1].upper() + w[1:] for w in sentence.split(" "))


def snake_to_camel(name):
    """'hello_big_world' -> 'helloBigWorld'."""
    first, *rest = name.split("_")
    return first + "".join(w.capitalize() for w in rest)


def camel_to_snake(name):
    """'helloBigWorld' -> 'hello_big_world'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


if __name__ == "__main__":
    print(capitalize_words("the quick brown fox"))
    print(snake_to_camel("hello_big_world"))
    print(camel_to_snake("helloBigWorld"))
