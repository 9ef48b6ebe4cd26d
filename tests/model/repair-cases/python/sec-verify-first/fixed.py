import requests

resp = requests.get(url="https://example.org")
