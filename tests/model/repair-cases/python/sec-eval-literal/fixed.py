import ast

settings = ast.literal_eval("{'depth': 3, 'names': ['a', 'b']}")
print(settings["depth"])
