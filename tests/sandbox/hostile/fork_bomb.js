// A process bomb from node: spawn copies of ourselves without end.
const { spawn } = require('child_process');
let spawned = 0, failed = 0;
function more() {
  for (let i = 0; i < 4; i++) {
    try {
      const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', detached: true });
      c.on('error', () => { failed++; });
      c.unref();
      spawned++;
    } catch (e) { failed++; }
  }
}
const t = setInterval(more, 5);
setTimeout(() => { clearInterval(t); console.log(JSON.stringify({ spawned, failed })); process.exit(0); }, 3000);
