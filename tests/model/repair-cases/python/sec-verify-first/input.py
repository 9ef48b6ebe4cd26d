import requests

resp = requests.get(verify=False, url="https://example.org")
