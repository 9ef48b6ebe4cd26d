# expect: fill gcd-lcm
def gcd(a, b)
