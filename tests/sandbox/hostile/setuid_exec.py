# A setuid-root binary from /usr gains nothing: /usr is nosuid, and
# no_new_privs holds anyway.
import json, os, subprocess
r = {}
st = os.stat("/usr/bin/mount")
r["setuid_bit"] = bool(st.st_mode & 0o4000)
p = subprocess.run(["/usr/bin/mount", "-t", "tmpfs", "none", "/tmp"], capture_output=True, text=True)
r["mount_rc"] = p.returncode
r["mount_err"] = p.stderr.strip()[:200]
p = subprocess.run(["/usr/bin/su", "-c", "id -u"], capture_output=True, text=True, input="")
r["su_rc"] = p.returncode
print(json.dumps(r))
