# title: Merge two dictionaries
# description: Merge two or more dictionaries, shallowly with later values winning, and deeply for nested dictionaries.
# keywords: merge, combine, dictionaries, dictionary, dict, dicts, update, nested, deep, keys, join

def deep_merge(a, b):
    """A new dict with b merged into a; nested dicts are merged, not replaced."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


if __name__ == "__main__":
    defaults = {"host": "localhost", "port": 8080, "tls": {"enabled": False, "verify": True}}
    override = {"port": 9090, "tls": {"enabled": True}}
    print({**defaults, **override})
    print(deep_merge(defaults, override))
