'use strict';
// Preloaded (node --require) into a run that holds a network grant, so that
// ordinary Node code reaches the run's egress proxy (HTTPS_PROXY), as
// Python's urllib and curl do by themselves from the proxy variables:
//   - fetch(): undici's ProxyAgent as the global dispatcher (Node 20's
//     fetch ignores the variables);
//   - http.request/get and https.request/get with the default agents: each
//     connection is a CONNECT tunnel through the proxy (TLS inside it for
//     https), so the proxy checks every destination either way.
// Code that brings its own agent or opens raw sockets gets no help, and
// fails to connect like anything else that bypasses the proxy.
const http = require('http');
const https = require('https');
const net = require('net');
const tls = require('tls');
const { ProxyAgent, setGlobalDispatcher } = require('undici');

const proxy = new URL(process.env.HTTPS_PROXY);
setGlobalDispatcher(new ProxyAgent(proxy.href));

// Open a tunnel to host:port and hand back the socket once the proxy said 200.
function tunnel(host, port, done) {
  const s = net.connect(Number(proxy.port), proxy.hostname);
  let head = '';
  const fail = (err) => { s.destroy(); done(err); };
  s.once('error', fail);
  s.on('data', function onData(chunk) {
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > 16384) fail(new Error('proxy: oversized reply'));
      return;
    }
    s.removeListener('data', onData);
    s.removeListener('error', fail);
    const status = head.slice(0, head.indexOf('\r\n'));
    if (!/^HTTP\/1\.[01] 200 /.test(status)) {
      fail(new Error(`proxy refused ${host}:${port}: ${status}`));
      return;
    }
    const rest = Buffer.from(head.slice(end + 4), 'latin1');
    if (rest.length) s.unshift(rest);
    done(null, s);
  });
  const target = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
}

class TunnelAgent extends http.Agent {
  constructor(secure) {
    super({ keepAlive: false });
    this.secure = secure;
    this.defaultPort = secure ? 443 : 80;
    this.protocol = secure ? 'https:' : 'http:';
  }

  createConnection(options, callback) {
    const host = options.hostname || options.host || 'localhost';
    const port = Number(options.port) || this.defaultPort;
    tunnel(host, port, (err, socket) => {
      if (err) return callback(err);
      if (!this.secure) return callback(null, socket);
      const secured = tls.connect({ ...options, socket, servername: options.servername || host });
      secured.once('secureConnect', () => callback(null, secured));
      secured.once('error', callback);
    });
  }
}

http.globalAgent = new TunnelAgent(false);
https.globalAgent = new TunnelAgent(true);
