values = [4, 2, 9]
prnt(sorted(values))
