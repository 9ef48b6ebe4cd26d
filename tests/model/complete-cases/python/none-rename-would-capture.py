# expect: none
def reverse_words(reversed):
    pass
