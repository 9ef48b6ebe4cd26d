# title: Hello, World!
# description: The classic first program that prints Hello, World! and greets a name.
# keywords: hello, world, greeting, greet, first, print, starter, beginner

def greet(name):
    """Return a greeting for name."""
    return f"Hello, {name}!"


if __name__ == "__main__":
    print("Hello, World!")
    print(greet("Ada"))
