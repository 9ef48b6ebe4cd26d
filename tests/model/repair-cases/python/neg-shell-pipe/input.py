import subprocess

subprocess.run("ps aux | grep python", shell=True)
