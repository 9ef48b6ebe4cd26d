import subprocess

subprocess.call(["echo", "hi"])
