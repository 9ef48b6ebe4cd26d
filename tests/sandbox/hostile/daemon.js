// A detached child that outlives node: must be dead when the result returns.
const { spawn } = require('child_process');
const c = spawn('/bin/sh', ['-c', 'trap "" TERM HUP; while :; do sleep 0.2; done'], { detached: true, stdio: 'ignore' });
c.unref();
console.log('left a daemon', c.pid);
