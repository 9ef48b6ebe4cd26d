eval("print('hi')")
