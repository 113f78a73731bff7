// The HTTP server, in production (`npm start`) and in development (`npm run dev`, with --dev): Next.js
// behind a thin layer that answers the platform API itself (platform-api.mjs) and decides which
// client address the app sees. Unless TRUST_PROXY=true, headers a client sent to claim another address, host or
// scheme are dropped, so Next.js sets x-forwarded-for to the socket's address (rate limits cannot
// be dodged) and builds its URLs from the Host header alone.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { serverSettings, ServerSettingsError } from '../lib/http/server-settings.mjs';
import { dropClientForwarding, platformApiFor, servePlatformApi } from './platform-api.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let settings;
try {
  settings = serverSettings(process.env);
} catch (error) {
  if (!(error instanceof ServerSettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const { port, bindAddress: hostname, trustProxy } = settings;
const dev = process.argv.includes('--dev');

const app = next({ dev, dir: root, port, hostname: 'localhost' });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  if (!trustProxy) dropClientForwarding(req);
  const platformApi = platformApiFor(req);
  if (platformApi) servePlatformApi(platformApi, req, res);
  else void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`Platform tokens portal on http://localhost:${port}${dev ? ' (development)' : ''}${trustProxy ? ' (trusting proxy headers)' : ''}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
