items = [3, 1, 2]
  for item in sorted(items):
      print(item)
print("done")
