def parse(text):
    return eval(text)


values = parse("[1, 2, 3]")
print(sum(value))
