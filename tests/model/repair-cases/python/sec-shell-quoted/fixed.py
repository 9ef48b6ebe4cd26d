import subprocess

subprocess.run(["grep", "-c", "two words", "notes.txt"], check=True)
