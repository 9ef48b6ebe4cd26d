// Four worker threads spinning for 1.5 s of wall time: the CPU quota must
// hold the process to about one core.
const { Worker } = require('worker_threads');
let left = 4;
for (let i = 0; i < 4; i++) {
  const w = new Worker('const end = Date.now() + 1500; while (Date.now() < end) {}', { eval: true });
  w.on('exit', () => { if (--left === 0) console.log('done'); });
}
