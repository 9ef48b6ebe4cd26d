'use strict';
// Preloaded (node --require) into a run that holds a network grant: sends
// fetch() through the run's egress proxy named by HTTPS_PROXY, as
// Python's urllib and curl do by themselves (Node 20's fetch ignores the
// proxy variables). Plain http/https.request calls are not redirected:
// they fail to connect, as every connection outside the proxy does.
const { ProxyAgent, setGlobalDispatcher } = require('undici');

setGlobalDispatcher(new ProxyAgent(process.env.HTTPS_PROXY));
