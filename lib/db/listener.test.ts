import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ChangeListener, parseChanges } from './listener';

describe('parseChanges', () => {
  it('reads a JSON array of changes', () => {
    expect(parseChanges(JSON.stringify([{ kind: 'token', publicId: 'A'.repeat(24) }, { kind: 'account', accountId: 'acme' }]))).toEqual([
      { kind: 'token', publicId: 'A'.repeat(24) },
      { kind: 'account', accountId: 'acme' },
    ]);
    expect(parseChanges('[]')).toEqual([]);
    expect(parseChanges(JSON.stringify([{ kind: 'environment', accountId: 'acme', environmentId: 'acme-qa' }]))).toEqual([
      { kind: 'environment', accountId: 'acme', environmentId: 'acme-qa' },
    ]);
  });

  it.each([undefined, '', 'not json', '{}', '[1]', '[null]', '[{"kind":"token","publicId":"short"}]', '[{"kind":"everything"}]', '[{"kind":"environment","accountId":"acme"}]'])(
    'refuses %j',
    (payload) => {
      expect(parseChanges(payload)).toBeNull();
    },
  );
});

describe('ChangeListener', () => {
  it('keeps retrying with backoff while the server is unreachable, and stops when told', async () => {
    // A port that accepts and at once closes connections: every attempt fails.
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const messages: string[] = [];
    const states: boolean[] = [];
    const listener = new ChangeListener({
      connectionString: `postgres://nobody@127.0.0.1:${port}/none`,
      onChanges: () => undefined,
      onConnectionChange: (connected) => states.push(connected),
      minBackoffMs: 10,
      maxBackoffMs: 40,
      log: (m) => messages.push(m),
    });
    listener.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await listener.stop();
    const attempts = messages.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.close();
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(messages.length).toBe(attempts);
    expect(states).toEqual([]);
    expect(listener.isConnected).toBe(false);
  });
});
