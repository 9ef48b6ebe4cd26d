primes = [2, 3, 5,
          7, 11]
print(sum(primes))
