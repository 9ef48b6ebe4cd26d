# expect: fill word-count
# output: 2
def word_count(text):
    # TODO
    pass


print(word_count("a b a")["a"])
