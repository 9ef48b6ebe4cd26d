import requests

resp = requests.get("https://example.org")
