total = 0
for i in range(5)  # add them up
    total += i
print(total)
