import yaml

with_defaults = yaml.safe_load("retries: 3")
print(with_defaults)
