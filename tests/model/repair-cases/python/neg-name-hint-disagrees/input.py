count = 1
cont = 2
print(conut)
