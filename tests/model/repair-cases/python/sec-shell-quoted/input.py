import subprocess

subprocess.run('grep -c "two words" notes.txt', shell=True, check=True)
