// What the wrapper refuses in every request before any schema runs (bodies nested too deep or
// holding too many values, parameters with text PostgreSQL cannot store), and the stored fields'
// refusal of such text. Each gets a 400 naming the field, and the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { SCOPES } from './catalogue';
import { checkBodyValue, MAX_BODY_VALUES } from './input';
import { MAX_JSON_DEPTH } from './services/storage-json';
import { createTestPlatform, insertTestToken, platformRequest, readResponse } from './testing';

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

function refusal(value: unknown): string | null {
  try {
    checkBodyValue(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('checkBodyValue', () => {
  it(`takes ${MAX_JSON_DEPTH} levels of nesting and refuses one more, naming the field and the limit`, () => {
    expect(refusal(JSON.parse(nested(MAX_JSON_DEPTH)))).toBeNull();
    expect(refusal(JSON.parse(nested(MAX_JSON_DEPTH + 1)))).toMatch(/^Invalid request body field '0\.0\.0\.0\.0\.0\.0\.0…': is nested deeper than 64 levels/);
    expect(refusal({ content: JSON.parse(nested(MAX_JSON_DEPTH)) })).toMatch(/^Invalid request body field 'content\.0\.0/);
  });

  // What it costs at that depth against a shallow body: bench/limits.bench.ts.
  it('walks 100,000 levels without using the call stack', () => {
    expect(refusal(JSON.parse(nested(100_000)))).toContain('nested deeper than 64 levels');
  });

  it(`takes ${MAX_BODY_VALUES} values and refuses one more`, () => {
    expect(refusal(Array.from({ length: MAX_BODY_VALUES }, () => 0))).toBeNull();
    expect(refusal({ series: Array.from({ length: MAX_BODY_VALUES }, () => 0) })).toBe(
      `Invalid request body field 'series': takes the body past ${MAX_BODY_VALUES} values (array items and object members), the most a request body may hold`,
    );
    expect(refusal(Array.from({ length: MAX_BODY_VALUES + 1 }, () => 0))).toContain(`Invalid request body: takes the body past ${MAX_BODY_VALUES} values`);
  });

  it('counts nothing in text, however long', () => {
    expect(refusal('x'.repeat(MAX_BODY_VALUES * 2))).toBeNull();
    expect(refusal({ a: 'x'.repeat(MAX_BODY_VALUES * 2) })).toBeNull();
  });

  it('leaves text to the schemas', () => {
    expect(refusal({ name: 'nul\u0000', key: { 'lone \uD800': 1 } })).toBeNull();
  });
});

describe(`bad text and heavy bodies through the platform API (${testBackend})`, () => {
  let database: TestDatabase;
  let platform: ReturnType<typeof createTestPlatform>;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = createTestPlatform(database.db);
    token = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: SCOPES.map((s) => s.name) })).token;
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  async function call(method: string, path: string, body?: unknown) {
    return readResponse(await platform.handle(platformRequest('acme-prod', path, { method, token, body })));
  }
  const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;

  it.each([
    ['NUL in a document name', { name: 'nul\u0000', type: 'dashboard', content: {} }, "field 'name': must not contain the character U+0000"],
    ['a lone surrogate in a document name', { name: 'lone \uD800', type: 'dashboard', content: {} }, "field 'name': must not contain an unpaired UTF-16 surrogate"],
    ['NUL in document content', { name: 'n', type: 'dashboard', content: 'a\u0000' }, "field 'content': must not contain the character U+0000"],
    ['a lone surrogate in a content key', { name: 'n', type: 'dashboard', content: { '\uDC00': 1 } }, "field 'content': has a key that is not storable: it must not contain an unpaired UTF-16 surrogate"],
    ['content nested 10,000 deep', `{"name":"n","type":"dashboard","content":${nested(10_000)}}`, "field 'content.0.0.0.0.0.0.0…': is nested deeper than 64 levels"],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_label, body, text) => {
    const before = await databaseSnapshot(database.db);
    const response = await call('POST', '/document/v1/documents', body);
    expect(response.status).toBe(400);
    expect(message(response)).toContain(text);
    expect(await databaseSnapshot(database.db)).toBe(before);
  });

  it('refuses the same in state values and in a document update', async () => {
    const state = await call('PUT', '/state/v1/apps/my.app/app-states/k', { value: { note: 'a\u0000' } });
    expect(state.status).toBe(400);
    expect(message(state)).toBe("Invalid request body field 'value.note': must not contain the character U+0000");
    const created = await call('POST', '/document/v1/documents', { name: 'n', type: 'dashboard', content: {} });
    const update = await call('PATCH', `/document/v1/documents/${created.body.id as string}?optimistic-locking-version=1`, { content: ['\uD800'] });
    expect(update.status).toBe(400);
    expect(message(update)).toBe("Invalid request body field 'content.0': must not contain an unpaired UTF-16 surrogate");
  });

  it('refuses NUL in path and query parameters, naming the parameter', async () => {
    const key = await call('GET', '/state/v1/apps/my.app/app-states/a%00b');
    expect(key.status).toBe(400);
    expect(message(key)).toBe("Invalid path parameter 'key': must not contain the character U+0000");
    const type = await call('GET', '/document/v1/documents?type=a%00');
    expect(type.status).toBe(400);
    expect(message(type)).toBe("Invalid query parameter 'type': must not contain the character U+0000");
  });

  it('refuses a form of more than 20 parts before the multipart parser reads it', async () => {
    const post = async (body: string) =>
      readResponse(
        await platform.handle(
          platformRequest('acme-prod', '/document/v1/documents', { method: 'POST', token, body, headers: { 'content-type': 'multipart/form-data; boundary=b' } }),
        ),
      );
    const part = (i: number) => `--b\r\nContent-Disposition: form-data; name="p${i}"\r\n\r\nx\r\n`;
    // Counted before parsing: an unfinished form of too many parts is refused for its parts.
    const unfinished = await post(Array.from({ length: 21 }, (_, i) => part(i)).join(''));
    expect(unfinished.status).toBe(400);
    expect(message(unfinished)).toBe('Invalid request body: more than 20 parts.');
    const many = await post(`${Array.from({ length: 16_000 }, (_, i) => part(i)).join('')}--b--\r\n`);
    expect(many.status).toBe(400);
    expect(message(many)).toBe('Invalid request body: more than 20 parts.');
    const quoted = await readResponse(
      await platform.handle(
        platformRequest('acme-prod', '/document/v1/documents', {
          method: 'POST',
          token,
          body: Array.from({ length: 21 }, (_, i) => part(i)).join(''),
          headers: { 'content-type': 'multipart/form-data; boundary="b"' },
        }),
      ),
    );
    expect(message(quoted)).toBe('Invalid request body: more than 20 parts.');
  });

  it('refuses a body with too many values before any schema or analyzer sees it', async () => {
    const response = await call('POST', '/davis/analyzers/v1/analyzers/statistics:execute', { series: Array.from({ length: MAX_BODY_VALUES + 1 }, () => 1) });
    expect(response.status).toBe(400);
    expect(message(response)).toContain(`field 'series': takes the body past ${MAX_BODY_VALUES} values`);
    const ingest = await call('POST', '/storage/ingest/v1/logs', Array.from({ length: MAX_BODY_VALUES + 1 }, () => 0));
    expect(ingest.status).toBe(400);
    expect(message(ingest)).toContain(`Invalid request body: takes the body past ${MAX_BODY_VALUES} values`);
  });

  it('holds a workflow task to the same limits', async () => {
    const workflow = await call('POST', '/automation/v1/workflows', {
      title: 'Keep',
      tasks: [{ name: 'keep', action: 'state.set', input: { appId: 'my.app', key: 'k', value: JSON.parse(nested(10, '"{{ input.value }}"')) } }],
    });
    expect(workflow.status).toBe(201);
    // The workflow and the run input are each shallow enough; the task's body, made of both, is not.
    const value = JSON.parse(nested(MAX_JSON_DEPTH - 4)) as unknown;
    const run = await call('POST', `/automation/v1/workflows/${workflow.body.id as string}/run`, { input: { value } });
    expect(run.status).toBe(201);
    const task = (run.body.tasks as { error?: { status: number; message: string } }[])[0]!;
    expect(task.error).toEqual({ status: 400, message: expect.stringContaining('is nested deeper than 64 levels') });
  });
});
