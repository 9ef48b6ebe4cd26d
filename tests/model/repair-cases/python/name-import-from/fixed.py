from math import sqrt

print(sqrt(16) + floor(2.5))
