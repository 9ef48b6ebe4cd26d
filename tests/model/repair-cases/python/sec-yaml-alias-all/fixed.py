import yaml as y

docs = list(y.safe_load_all("a: 1\n---\nb: 2"))
