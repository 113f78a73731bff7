import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { generateToken } from '@/lib/tokens/format';
import { createTestPlatform, insertTestToken } from './testing';

// 10,000 random and malformed Authorization headers: every one is a 401 with the error shape,
// never a 500, and none of them makes the verifier ask the database.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** A small deterministic generator, so that a failure can be reproduced. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UNICODE = ['é', 'ß', 'Ж', '中', '😀', '\u200b', '\u00a0', 'İ', 'ﬀ', '\ufeff', '٣'];

function headerValues(validToken: string, count: number): string[] {
  const r = random(20_260_101);
  const chars = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[r.int(alphabet.length)]).join('');
  const mutate = (token: string) => {
    const i = r.int(token.length);
    const choices = [
      () => token.slice(0, i) + token.slice(i + 1),
      () => token.slice(0, i) + r.pick(ALNUM.split('')) + token.slice(i + 1),
      () => token.slice(0, i) + r.pick(UNICODE) + token.slice(i + 1),
      () => token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2),
      () => token + r.pick(['A', '.', ' x', ',', '=']),
      () => token.toLowerCase(),
    ];
    return r.pick(choices)();
  };
  const generators: (() => string)[] = [
    () => '',
    () => ' '.repeat(r.int(10)),
    () => 'Bearer',
    () => 'Bearer ',
    () => `Bearer ${'A'.repeat(r.int(100_000))}`,
    () => 'x'.repeat(r.int(200_000)),
    () => `Bearer ${chars(r.int(200), ALNUM + '.-_~+/=')}`,
    () => `Bearer dt0s16.${chars(24, ALNUM)}.${chars(64, ALNUM)}`,
    () => `Bearer ${mutate(validToken)}`,
    () => `${r.pick(['Basic', 'Token', 'bearer:', 'Bearer:', 'Bear', 'Bearerdt0s16', 'OAuth', 'Digest'])} ${validToken}`,
    () => `Bearer ${validToken}, Bearer ${validToken}`,
    () => `Bearer ${validToken},${generateToken().token}`,
    () => `Bearer ${Array.from({ length: 1 + r.int(40) }, () => r.pick(UNICODE)).join('')}`,
    () => `${r.pick(UNICODE)}Bearer ${validToken}`,
    () => `Bearer ${validToken.replace('dt0s16', r.pick(['dt0s15', 'DT0S16', 'dt0s1', 'dt0c01']))}`,
    () => `Bearer ${validToken.replace(/\./g, r.pick(['', '-', '..', ':']))}`,
    () => `Bearer\t${validToken}x`,
    () => `Bearer  ${validToken} ${validToken}`,
    () => String.fromCharCode(...Array.from({ length: r.int(300) }, () => 32 + r.int(95))),
  ];
  const values: string[] = [];
  while (values.length < count) {
    const value = r.pick(generators)();
    // A mutation can give the token back unchanged (a swap of two equal characters).
    if (value === `Bearer ${validToken}`) continue;
    // Only what an HTTP client can send: Headers refuses the rest before any handler runs.
    try {
      new Headers({ authorization: value });
    } catch {
      continue;
    }
    values.push(value);
  }
  return values;
}

it('answers 401 to 10,000 random and malformed Authorization headers, never a 500', async () => {
  const valid = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  const { handle, unsubscribe } = createTestPlatform(database.db, {
    subscribe: false,
    getDb: () => Promise.reject(new Error('no header here may reach the database')),
  });
  const values = headerValues(valid.token, 10_000);
  const statuses = new Map<number, number>();
  for (const value of values) {
    const request = new Request('http://localhost/e/acme-prod/platform/document/v1/documents', {
      headers: value === '' ? {} : { authorization: value },
    });
    const response = await handle(request);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status !== 401) {
      throw new Error(`${response.status} for ${JSON.stringify(value.slice(0, 200))}: ${await response.text()}`);
    }
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(401);
  }
  unsubscribe();
  expect(statuses).toEqual(new Map([[401, 10_000]]));
});

it('answers 401 to the same header sent several times', async () => {
  const valid = await insertTestToken(database.db, { scopes: ['document:documents:read'] });
  const { handle, unsubscribe } = createTestPlatform(database.db, { subscribe: false });
  const headers = new Headers();
  headers.append('authorization', `Bearer ${valid.token}`);
  headers.append('authorization', `Bearer ${valid.token}`);
  const response = await handle(new Request('http://localhost/e/acme-prod/platform/document/v1/documents', { headers }));
  unsubscribe();
  expect(response.status).toBe(401);
});
