// Writes outside the scratch areas fail from node too.
const fs = require('fs');
const token = JSON.parse(fs.readFileSync(0, 'utf8')).token;
const r = {};
for (const d of ['/', '/usr', '/usr/lib', '/etc', '/proc', '/dev', '/bin']) {
  const p = `${d === '/' ? '' : d}/skitty-escape-${token}`;
  try { fs.writeFileSync(p, 'x'); r[p] = 'written'; } catch (e) { r[p] = e.code; }
}
for (const d of ['/tmp', '/work', '/dev/shm']) {
  fs.writeFileSync(`${d}/ok-${token}`, 'fine'); r[d] = 'written';
}
console.log(JSON.stringify(r));
