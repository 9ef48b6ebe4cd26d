vale = 1
value = 2
print(valu)
