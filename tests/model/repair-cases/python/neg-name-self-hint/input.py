class Box:
    def __init__(self, length):
        self.length = length

    def double(self):
        return lenght * 2


lengths = 3
print(Box(2).double())
