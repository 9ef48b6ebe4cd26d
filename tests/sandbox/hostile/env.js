// Only our environment: the driver's fake secret must be absent.
const fs = require('fs');
console.log(JSON.stringify({ env: process.env, hostname: require('os').hostname(),
  environ_has_secret: fs.readFileSync('/proc/self/environ', 'latin1').includes('hunter2'),
  pids: fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number) }));
