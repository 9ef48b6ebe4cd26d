// Real workload: worker_threads, promises, timers, fs in /tmp, a child process.
const { Worker } = require('worker_threads');
const fs = require('fs/promises');
const { execFileSync } = require('child_process');
(async () => {
  const sums = await Promise.all([1, 2, 3].map((n) => new Promise((res, rej) => {
    const w = new Worker(`const { parentPort, workerData } = require('worker_threads');
      let s = 0; for (let i = 0; i < 1e6; i++) s += i % workerData; parentPort.postMessage(s);`,
      { eval: true, workerData: n + 1 });
    w.on('message', res); w.on('error', rej);
  })));
  await fs.writeFile('/tmp/x.json', JSON.stringify(sums));
  const back = JSON.parse(await fs.readFile('/tmp/x.json', 'utf8'));
  console.log('workers', back.join(','), execFileSync('/bin/echo', ['child']).toString().trim());
})();
