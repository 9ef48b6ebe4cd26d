import requests

resp = requests.post(
    "https://example.org/api",
    json={"a": 1},
    timeout=10,
)
