// Real workload: an HTTP server and client on the run's own loopback.
const http = require('http');
const srv = http.createServer((req, res) => res.end('hello over loopback'));
srv.listen(0, '127.0.0.1', () => {
  http.get({ host: 'localhost', port: srv.address().port }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => { console.log(body); srv.close(); });
  });
});
