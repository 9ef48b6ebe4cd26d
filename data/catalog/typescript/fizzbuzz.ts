// title: FizzBuzz
// description: Print the numbers from 1 to n, with Fizz for multiples of 3, Buzz for multiples of 5 and FizzBuzz for multiples of both.
// keywords: fizzbuzz, fizz, buzz, multiples, divisible, three, five, interview, classic, loop

function fizzbuzz(n: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (i % 15 === 0) out.push("FizzBuzz");
    else if (i % 3 === 0) out.push("Fizz");
    else if (i % 5 === 0) out.push("Buzz");
    else out.push(String(i));
  }
  return out;
}

for (const line of fizzbuzz(15)) {
  console.log(line);
}
