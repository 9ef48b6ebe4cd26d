def setup():
    config = {"debug": True}
    return config


def run():
    return config["debug"]


print(run())
