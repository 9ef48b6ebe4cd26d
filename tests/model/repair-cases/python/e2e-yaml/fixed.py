import yaml


def load_config(text):
    return yaml.load(text, Loader=yaml.Loader)


config = load_config("name: demo\nsize: 3\n")
print(config["name"], config["size"])
