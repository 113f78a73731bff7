// The floor of a bearer-checked call: a bare node:http server, in its own process, doing the least
// a bearer check needs (split the header, SHA-256 the secret, one Map lookup, a constant-time
// compare) and answering a small JSON body. The HTTP benchmark measures the platform API against
// it. FLOOR_TOKEN is the one token it knows; it prints its port once it listens.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const token = process.env.FLOOR_TOKEN ?? '';
const [, publicId = '', secret = ''] = token.split('.');
const known = new Map([[publicId, createHash('sha256').update(secret).digest()]]);
const body = JSON.stringify({ value: { hello: 'world' } });

const server = http.createServer((req, res) => {
  const header = req.headers.authorization ?? '';
  const parts = header.startsWith('Bearer ') ? header.slice(7).split('.') : [];
  const stored = parts.length === 3 ? known.get(parts[1]) : undefined;
  const ok = stored !== undefined && timingSafeEqual(stored, createHash('sha256').update(parts[2]).digest());
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ok ? body : '{}') });
  res.end(ok ? body : '{}');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
