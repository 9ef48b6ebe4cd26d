import yaml

with_defaults = yaml.load("retries: 3")
print(with_defaults)
