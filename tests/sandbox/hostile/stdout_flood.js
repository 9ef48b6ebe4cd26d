// Write to stdout forever, as fast as node can.
const line = 'n'.repeat(8191) + '\n';
function pump() { while (process.stdout.write(line)) {} process.stdout.once('drain', pump); }
pump();
