// The parts of undici the Transport uses, and nothing else: undici's index also loads fetch, WebSocket, EventSource,
// the cache stores and the mocks, a megabyte of code that every registry command would compile at start to never run.
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

export { default as Agent } from 'undici/lib/dispatcher/agent.js';
export { default as EnvHttpProxyAgent } from 'undici/lib/dispatcher/env-http-proxy-agent.js';
export { default as ProxyAgent } from 'undici/lib/dispatcher/proxy-agent.js';

// As undici's index does: request() and connect() are methods of every dispatcher (a ProxyAgent tunnels with connect()).
Object.assign(Dispatcher.prototype, api);
export { default as buildConnector } from 'undici/lib/core/connect.js';
