print("starting")
count = 3
print(count)
