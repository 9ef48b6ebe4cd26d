import math

radius = 2.0
print(round(math.pi * radius ** 2, 3))
