import subprocess

subprocess.call(["echo", "hi"], shell=True)
