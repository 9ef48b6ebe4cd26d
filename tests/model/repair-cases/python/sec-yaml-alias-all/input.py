import yaml as y

docs = list(y.load_all("a: 1\n---\nb: 2", y.UnsafeLoader))
