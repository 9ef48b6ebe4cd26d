width = 4
    height = 5
print(width * height)
