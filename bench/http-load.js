#!/usr/bin/env node
// HTTP load generator for bench/network.sh, with nothing but Node's http module. Talks to loopback
// only, runs for a bounded time, and prints one line of JSON on stdout.
//   node bench/http-load.js --port PORT [--seconds 10] [--concurrency 16] [--warmup 1]
//       CONCURRENCY loops, each issuing GET PATH after GET PATH over its own keep-alive connection;
//       requests started during the first WARMUP seconds are not counted. Prints
//       {"mode":"keep-alive","requests","errors","seconds","rps","p50_ms","p99_ms","max_ms",...}
//   node bench/http-load.js --port PORT --connections N
//       N requests one after another, each on a new connection (connect + GET, Connection: close).
//       Prints {"mode":"new-connection","requests","errors","p50_ms","p99_ms",...}
//   node bench/http-load.js --port PORT --wait SECONDS
//       polls GET PATH until it answers 200; exit status 0 when it did, 1 when SECONDS ran out
//       (2 for bad arguments, in every mode).
//   --host 127.0.0.1 (or ::1, localhost)   --path /   --timeout 5 (seconds for one request)
// Latency is measured with process.hrtime.bigint from just before the request is sent to the end of
// the response body. An error is a failed connection, a reset, a timeout or a status other than 2xx.
'use strict';
const http = require('node:http');
const net = require('node:net');
const { parseArgs } = require('node:util');

const { values: opt } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    path: { type: 'string', default: '/' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    connections: { type: 'string' },
    wait: { type: 'string' },
    timeout: { type: 'string', default: '5' },
  },
});

function fail(message) {
  process.stderr.write(`http-load: ${message}\n`);
  process.exitCode = 2;
}

function positive(name, integer) {
  const n = Number(opt[name]);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a ${integer ? 'whole number' : 'number'} >= 0, not '${opt[name]}'`);
  return n;
}

function isLoopback(host) {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) return host === '::1';
  return false;
}

const nowNs = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;

// Nearest-rank percentile of a sorted array.
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const round = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);
  return {
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

// One GET; resolves to { ok, ns } and never rejects.
function get(target, agent, timeoutMs) {
  return new Promise((resolve) => {
    let settled = false;
    const start = nowNs();
    const settle = (ok) => {
      if (settled) return;
      settled = true;
      resolve({ ok, ns: nowNs() - start });
    };
    const req = http.get({ host: target.host, port: target.port, path: target.path, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => settle(res.statusCode >= 200 && res.statusCode < 300));
      res.on('error', () => settle(false));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => settle(false));
  });
}

const sleep = (msec) => new Promise((resolve) => setTimeout(resolve, msec));

async function keepAlive(target, seconds, warmup, concurrency, timeoutMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const measureFrom = nowNs() + BigInt(Math.round(warmup * 1e9));
  const deadline = measureFrom + BigInt(Math.round(seconds * 1e9));
  const latencies = [];
  let errors = 0;
  const loop = async () => {
    for (;;) {
      const started = nowNs();
      if (started >= deadline) return;
      const r = await get(target, agent, timeoutMs);
      const counted = started >= measureFrom;
      if (r.ok) {
        if (counted) latencies.push(ms(r.ns));
      } else {
        if (counted) errors++;
        // A refused or reset connection fails at once; do not spin on it.
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  // Requests started before the deadline are counted, so the window ends when the last one did.
  const elapsed = Math.max(Number(nowNs() - measureFrom) / 1e9, 1e-9);
  agent.destroy();
  return {
    mode: 'keep-alive',
    concurrency,
    requests: latencies.length,
    errors,
    seconds: Math.round(elapsed * 1000) / 1000,
    rps: Math.round((latencies.length / elapsed) * 10) / 10,
    ...summary(latencies),
  };
}

async function newConnections(target, count, timeoutMs) {
  const latencies = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const r = await get(target, false, timeoutMs);
    if (r.ok) latencies.push(ms(r.ns));
    else errors++;
  }
  return { mode: 'new-connection', requests: latencies.length, errors, ...summary(latencies) };
}

async function waitFor(target, seconds) {
  const deadline = nowNs() + BigInt(Math.round(seconds * 1e9));
  for (;;) {
    const r = await get(target, false, 1000);
    if (r.ok) return true;
    if (nowNs() >= deadline) return false;
    await sleep(100);
  }
}

async function main() {
  const port = Number(opt.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail('--port PORT is required (1-65535)');
  if (!isLoopback(opt.host)) return fail(`--host must be a loopback address (127.0.0.0/8, ::1 or localhost), not '${opt.host}'`);
  const target = { host: opt.host, port, path: opt.path };
  let timeoutMs;
  try {
    timeoutMs = positive('timeout', false) * 1000;
    if (opt.wait !== undefined) {
      const ok = await waitFor(target, positive('wait', false));
      if (!ok) {
        process.stderr.write(`http-load: no 200 from http://${opt.host}:${port}${opt.path} within ${opt.wait}s\n`);
        process.exitCode = 1;
      }
      return;
    }
    let result;
    if (opt.connections !== undefined) {
      result = await newConnections(target, positive('connections', true), timeoutMs);
    } else {
      const concurrency = positive('concurrency', true);
      if (concurrency < 1) throw new Error('--concurrency must be at least 1');
      result = await keepAlive(target, positive('seconds', false), positive('warmup', false), concurrency, timeoutMs);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    fail(e.message);
  }
}

main();
