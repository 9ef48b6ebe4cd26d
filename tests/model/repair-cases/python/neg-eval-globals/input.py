def run(src):
    return eval(src, {"x": 1})
