settings = eval("{'depth': 3, 'names': ['a', 'b']}")
print(settings["depth"])
