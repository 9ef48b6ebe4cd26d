# Real workload: sqlite in /tmp with WAL, and subprocess.
import sqlite3, subprocess
db = sqlite3.connect("/tmp/t.db")
db.execute("pragma journal_mode=wal")
db.execute("create table t(x)")
db.executemany("insert into t values (?)", [(i,) for i in range(1000)])
db.commit()
print("sqlite", db.execute("select sum(x) from t").fetchone()[0])
print("subprocess", subprocess.run(["/bin/echo", "hi"], capture_output=True, text=True).stdout.strip())
