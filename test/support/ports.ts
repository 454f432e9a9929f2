// Published ports seen from the host: a free port to publish on, and an HTTP GET retried until the
// service answers or the time is up (a container's server takes a moment to listen after `run -d`).
import * as http from 'node:http';
import * as net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export function httpGet(port: number, o: {path?: string; timeoutMs?: number} = {}): Promise<{status: number; body: string}> {
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  const once = () => new Promise<{status: number; body: string}>((resolve, reject) => {
    const req = http.get({host: '127.0.0.1', port, path: o.path ?? '/', timeout: 3000, agent: false}, (res) => {
      let body = '';
      res.on('data', (b) => (body += b));
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
  const attempt = async (): Promise<{status: number; body: string}> => {
    try {
      return await once();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
      return attempt();
    }
  };
  return attempt();
}
