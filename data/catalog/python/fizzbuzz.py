# title: FizzBuzz
# description: Print the numbers from 1 to n, with Fizz for multiples of 3, Buzz for multiples of 5 and FizzBuzz for multiples of both.
# keywords: fizzbuzz, fizz, buzz, multiples, divisible, three, five, interview, classic, loop

def fizzbuzz(n):
    """Return the FizzBuzz sequence from 1 to n as a list of strings."""
    out = []
    for i in range(1, n + 1):
        if i % 15 == 0:
            out.append("FizzBuzz")
        elif i % 3 == 0:
            out.append("Fizz")
        elif i % 5 == 0:
            out.append("Buzz")
        else:
            out.append(str(i))
    return out


if __name__ == "__main__":
    for line in fizzbuzz(15):
        print(line)
