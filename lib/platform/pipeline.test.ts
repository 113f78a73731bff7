// A call over HTTP and a workflow task's call run through the same pipeline (pipeline.ts): a
// check made there — here the refusal of text PostgreSQL cannot store in a parameter, which
// workflow tasks used not to get — applies to both, with the same status and the field named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { defineEndpoint, ok, type AnyEndpointDefinition } from './endpoint';
import { createPlatformAnswerer, createPlatformHandler } from './handler';
import type { PlatformAnswer } from './errors';
import { ENDPOINTS } from './registry';
import { invokeEndpoint } from './services/automation-invoke';
import { grantTestPolicy, insertTestToken, platformRequest, readResponse } from './testing';
import { VerificationCache } from './verification-cache';
import { PlatformError } from './errors';

const target = defineEndpoint({
  id: 'document.pipeline.target',
  service: 'document',
  method: 'POST',
  path: '/document/v1/pipeline-target/{name}',
  scopes: ['document:documents:read'],
  summary: 'Echoes its input',
  params: z.object({ name: z.string() }),
  body: z.object({ n: z.number() }),
  responses: { 200: { description: 'The input', schema: z.object({ name: z.string(), n: z.number() }) } },
  async handle({ params, body }) {
    return ok({ name: params.name, n: body.n });
  },
});

/** Calls `target` from inside, as a workflow task does, with the input the HTTP request carries. */
const caller = defineEndpoint({
  id: 'iam.pipeline.caller',
  service: 'iam',
  method: 'POST',
  path: '/iam/v1/pipeline-caller',
  scopes: ['iam:effective-permissions:read'],
  summary: 'Calls the target as a task would',
  body: z.object({ name: z.string(), body: z.unknown() }),
  responses: { 200: { description: 'The status and body of the inner call', schema: z.object({ status: z.int(), body: z.unknown() }) } },
  async handle({ body }, ctx) {
    try {
      return ok(await invokeEndpoint(target, { params: { name: body.name }, body: body.body }, ctx));
    } catch (error) {
      if (error instanceof PlatformError) return ok({ status: error.status, body: { error: { code: error.status, message: error.message } } });
      throw error;
    }
  },
});

describe(`a call that waits for nothing is answered at once (${testBackend})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('from memory, the answer is a value rather than a promise; every check still runs', async () => {
    const open = Promise.resolve(database.db);
    const answer = createPlatformAnswerer({ getDb: () => open, cache: new VerificationCache({ ttlMs: 60_000 }), endpoints: ENDPOINTS });
    const { token } = await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['iam:effective-permissions:read'], environmentIds: ['acme-prod'] });
    const call = (as: string, environment = 'acme-prod') => answer(platformRequest(environment, '/iam/v1/effective-permissions', { token: as }));
    // The first call reads the token and the owner's policies.
    const first = call(token);
    expect(first).toBeInstanceOf(Promise);
    expect((await first).status).toBe(200);
    const cached = call(token);
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toMatchObject({ status: 200 });
    expect(JSON.parse(String((cached as PlatformAnswer).body))).toMatchObject({ environmentId: 'acme-prod', scopes: ['iam:effective-permissions:read'] });
    // Refusals still come, with their status and message.
    expect(await call(token, 'acme-dev')).toMatchObject({ status: 403 });
    const wrongSecret = call(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    expect(await wrongSecret).toMatchObject({ status: 401 });
  });
});

describe(`one pipeline for HTTP calls and workflow tasks (${testBackend})`, () => {
  let database: TestDatabase;
  let handle: (request: Request) => Promise<Response>;
  let token: string;
  let withoutTargetScope: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const endpoints: AnyEndpointDefinition[] = [target, caller];
    handle = createPlatformHandler({ getDb: async () => database.db, cache: new VerificationCache({ ttlMs: 60_000 }), endpoints });
    await grantTestPolicy(database.db, 'acme', 'alice@example.com', 'ALLOW document:documents:read, iam:effective-permissions:read;');
    const scopes = ['document:documents:read', 'iam:effective-permissions:read'];
    token = (await insertTestToken(database.db, { owner: 'alice@example.com', scopes, environmentIds: ['acme-prod'] })).token;
    withoutTargetScope = (
      await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['iam:effective-permissions:read'], environmentIds: ['acme-prod'] })
    ).token;
  });
  afterAll(async () => {
    await database.close();
  });

  async function direct(name: string, body: unknown, as = token) {
    const path = `/document/v1/pipeline-target/${encodeURIComponent(name)}`;
    return readResponse(await handle(platformRequest('acme-prod', path, { method: 'POST', token: as, body })));
  }

  async function viaTask(name: string, body: unknown, as = token) {
    const r = await readResponse(await handle(platformRequest('acme-prod', '/iam/v1/pipeline-caller', { method: 'POST', token: as, body: { name, body } })));
    expect(r.status).toBe(200);
    return r.body as { status: number; body: { error?: { message: string } } };
  }

  it('runs the endpoint either way', async () => {
    expect(await direct('ok', { n: 1 })).toMatchObject({ status: 200, body: { name: 'ok', n: 1 } });
    expect(await viaTask('ok', { n: 1 })).toEqual({ status: 200, body: { name: 'ok', n: 1 } });
  });

  it('refuses a parameter PostgreSQL cannot store on both paths, naming it', async () => {
    const http = await direct('a\u0000b', { n: 1 });
    expect(http.status).toBe(400);
    expect((http.body as { error: { message: string } }).error.message).toBe("Invalid path parameter 'name': must not contain the character U+0000");
    const task = await viaTask('a\u0000b', { n: 1 });
    expect(task.status).toBe(400);
    expect(task.body.error?.message).toBe("Invalid input field 'name': must not contain the character U+0000");
  });

  it('refuses a body field of the wrong type, and a missing scope, on both paths', async () => {
    expect(await direct('x', { n: 'one' })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("field 'n'") } } });
    expect(await viaTask('x', { n: 'one' })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("field 'n'") } } });
    const http = await direct('x', { n: 1 }, withoutTargetScope);
    expect(http.status).toBe(403);
    const task = await viaTask('x', { n: 1 }, withoutTargetScope);
    expect(task.status).toBe(403);
    expect(task.body.error?.message).toBe((http.body as { error: { message: string } }).error.message);
  });
});
