text = """first line
print(text)
