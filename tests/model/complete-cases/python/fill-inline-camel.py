# expect: fill reverse-string
# output: yx
def reverseString(s): ...

print(reverseString("xy"))
