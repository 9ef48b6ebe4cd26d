# expect: fill reverse-string
# output: cba
def reverse_string(text):
    pass


print(reverse_string("abc"))
