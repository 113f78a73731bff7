// Every endpoint of the catalogue gets malformed bodies, fields and parameters from a caller with
// every scope and permission: the answer is never a 5xx; a refusal is a 4xx whose message names the
// field, the parameter or the body, and it changes nothing in the database. Each field of a valid
// request (the endpoint's example body, with parameters naming things that exist) gets the wrong
// type, NUL and lone surrogates (refused, or accepted without storing anything), huge and deeply
// nested values (refused, naming the limit), SQL and HTML.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { documents } from '@/lib/db/schema';
import { databaseSnapshot } from '@/lib/db/snapshot';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { fillPath, pathParamNames, SCOPES } from './catalogue';
import { MAX_BODY_VALUES } from './input';
import { ENDPOINTS, type Endpoint } from './registry';
import { MAX_JSON_DEPTH } from './services/storage-json';
import { accountRequest, createTestPlatform, endpointRequest, insertTestToken, platformRequest, readResponse } from './testing';

const BODIES: unknown[] = [
  '',
  'not json',
  '{"unterminated": ',
  'null',
  '[]',
  '42',
  '"text"',
  { name: null, type: 42, content: ['x'], query: {}, value: 'x', tasks: 'x', series: 'x' },
  { name: 'x'.repeat(200_000) },
  { name: 'nul\u0000', query: 'fetch logs | filter a == "\u0000"' },
  { name: 'lone \uD800', content: { '\uDC00': 1 } },
  { query: "fetch logs | filter x == ''; drop table documents; --" },
  { query: 'fetch nothing | limit -1' },
  { query: 'fetch logs | limit 99999999999999999999' },
  [{ timestamp: 'not a date' }, { timestamp: '-271821-04-20T00:00:00Z' }, 'x', null],
  Array.from({ length: 3000 }, (_, i) => ({ i })),
];

/** Query parameters a call cannot go without, sent with every request to it. */
const REQUIRED_QUERY: Record<string, string> = {
  'app-settings.sdk.objects.update': 'optimistic-locking-version=1',
  'app-settings.sdk.objects.delete': 'optimistic-locking-version=1',
};

const PARAMS = ['x', '%00', '..%2F..%2Fetc', 'a'.repeat(5000), '00000000-0000-0000-0000-000000000000', '<script>'];

/** Bodies no endpoint takes: each is refused, naming the body. */
const UNREADABLE: unknown[] = ['', 'not json', '{"unterminated": ', `${'['.repeat(10_000)}${']'.repeat(10_000)}`];

const DEEP = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
const MANY = `[${Array.from({ length: MAX_BODY_VALUES + 1 }, () => '0').join(',')}]`;
/** Text PostgreSQL cannot store: refused, or accepted without being stored. */
const UNSTORABLE = ['nul\u0000byte', 'lone \uD800 surrogate', 'lone \uDC00'];
const ODD_TEXT = ['', '   ', 'x'.repeat(100_000), "'; drop table documents; --", '<script>alert(1)</script>', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ‮reversed‬ 🙂'];

/** Values of another type than the valid one. */
function wrongTypes(valid: unknown): unknown[] {
  if (typeof valid === 'string') return [null, 42, true, {}, ['a']];
  if (typeof valid === 'number') return [null, 'x', '1', {}, [1]];
  if (typeof valid === 'boolean') return ['yes', null, 1];
  if (Array.isArray(valid)) return ['x', null, 42, { 0: 'a' }, [null], [{}]];
  if (valid && typeof valid === 'object') return ['x', null, 42, [1]];
  return [null, 'x', {}];
}

type Call = { status: number; body: Record<string, unknown> };
const messageOf = (r: Call) => (r.body.error as { message?: string } | undefined)?.message ?? '';

describe(`malformed requests to every platform endpoint (${testBackend})`, () => {
  let database: TestDatabase;
  let platform: ReturnType<typeof createTestPlatform>;
  let token: string;
  /** The token the endpoint of a token's own rotation is called with: each rotation hands on the next. */
  let selfToken: string;
  let documentId: string;
  /** Path parameters that name things that exist, per endpoint. */
  const validParams = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = createTestPlatform(database.db);
    token = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: SCOPES.map((s) => s.name) })).token;
    selfToken = (await insertTestToken(database.db, { owner: 'admin@example.com' })).token;
    await buildWorld();
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  /** A change of a document names the version it is made at: the document's current one, so that a good request succeeds. */
  async function withVersion(endpoint: Endpoint, query: string): Promise<string> {
    if (endpoint.service !== 'document' || !(endpoint.query instanceof z.ZodObject) || !('optimistic-locking-version' in endpoint.query.shape)) return query;
    const [row] = await database.db.select({ version: documents.version }).from(documents).where(eq(documents.id, documentId));
    return `${query}${query ? '&' : '?'}optimistic-locking-version=${row?.version ?? 1}`;
  }

  async function send(endpoint: Endpoint, path: string, body: unknown, query = ''): Promise<Call> {
    const rotatesItself = endpoint.id === 'account-management.platform-tokens.self-rotate';
    // An app settings call of the original's API names its app in a header, and a change its version in the query.
    const headers = endpoint.service === 'app-settings' && endpoint.headerParams ? { 'app-id': 'hello-world' } : undefined;
    const required = REQUIRED_QUERY[endpoint.id];
    const fullQuery = await withVersion(endpoint, required ? `?${required}${query ? `&${query.slice(1)}` : ''}` : query);
    const call = { method: endpoint.method, token: rotatesItself ? selfToken : token, body, headers };
    const request = endpointRequest(endpoint, 'acme-prod', `${path}${fullQuery}`, call);
    const response: Call = await readResponse(await platform.handle(request)).catch(() => ({ status: 599, body: {} }));
    if (response.status === 201 && rotatesItself) selfToken = response.body.token as string;
    // A generated token is deleted again, so that the creator's limit is never what refuses the next one.
    if (response.status === 201 && endpoint.id === 'account-management.platform-tokens.create') {
      await must('DELETE', `/iam/v1/accounts/acme/platform-tokens/${response.body.tokenId as string}`, undefined, true);
    }
    // So is a service user, so that the next one may take its email.
    if (response.status === 201 && endpoint.id === 'account-management.service-users.create') {
      await must('DELETE', `/iam/v1/accounts/acme/service-users/${response.body.uid as string}`, undefined, true);
    }
    return response;
  }

  async function must(method: string, path: string, body?: unknown, atRoot = false): Promise<Record<string, unknown>> {
    const call = { method, token, body };
    const response = await readResponse(await platform.handle(atRoot ? accountRequest(path, call) : platformRequest('acme-prod', path, call)));
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    return response.body;
  }

  async function buildWorld() {
    const document = await must('POST', '/document/v1/documents', { name: 'Bad input', type: 'dashboard', content: {} });
    documentId = document.id as string;
    await must('PUT', '/state/v1/apps/bad.input/app-states/k', { value: 1 });
    await must('PUT', '/state/v1/apps/bad.input/user-app-states/k', { value: 1 });
    const setting = await must('POST', '/settings/v1/objects', { schemaId: 'builtin:ownership.teams', value: { name: 'Bad input', identifier: 'bad-input' } });
    await must('POST', '/app-engine/registry/v1/apps', { id: 'hello-world' });
    await must('POST', '/app-engine/registry/v1/apps', { id: 'text-tools' });
    const appSetting = await must('POST', '/app-settings/v1/apps/hello-world/objects', { schemaId: 'greeting', value: { salutation: 'Hi' } });
    const workflow = await must('POST', '/automation/v1/workflows', {
      title: 'Bad input',
      tasks: [{ name: 'note', action: 'notification.send', input: { title: 'ran' } }],
    });
    const execution = await must('POST', `/automation/v1/workflows/${workflow.id as string}/run`, {});
    const managed = await insertTestToken(database.db, { owner: 'admin@example.com' });
    const byEndpoint: Record<string, Record<string, string>> = {
      'document.documents.get': { id: document.id as string },
      'document.documents.metadata.get': { id: document.id as string },
      'document.documents.content.get': { id: document.id as string },
      'document.documents.update': { id: document.id as string },
      'document.documents.replace': { id: document.id as string },
      'document.documents.metadata.update': { id: document.id as string },
      'document.documents.content.update': { id: document.id as string },
      'document.documents.delete': { id: document.id as string },
      'settings.objects.update': { id: setting.objectId as string },
      'settings.objects.delete': { id: setting.objectId as string },
      'app-settings.objects.update': { appId: 'hello-world', id: appSetting.objectId as string },
      'app-settings.objects.delete': { appId: 'hello-world', id: appSetting.objectId as string },
      'app-settings.sdk.objects.get': { objectId: appSetting.objectId as string },
      'app-settings.sdk.objects.update': { objectId: appSetting.objectId as string },
      'app-settings.sdk.objects.delete': { objectId: appSetting.objectId as string },
      'settings.classic.objects.get': { objectId: setting.objectId as string },
      'settings.classic.objects.update': { objectId: setting.objectId as string },
      'settings.classic.objects.delete': { objectId: setting.objectId as string },
      'settings.classic.schemas.get': { schemaId: 'builtin:ownership.teams' },
      'automation.workflows.get': { id: workflow.id as string },
      'automation.workflows.update': { id: workflow.id as string },
      'automation.workflows.delete': { id: workflow.id as string },
      'automation.workflows.run': { id: workflow.id as string },
      'automation.executions.get': { id: execution.id as string },
      'automation.executions.tasks.list': { executionId: execution.id as string },
      'automation.executions.tasks.get': { executionId: execution.id as string, id: 'note' },
      'automation.executions.tasks.result': { executionId: execution.id as string, id: 'note' },
      'app-engine.functions.run': { appId: 'text-tools', function: 'word-count' },
      'davis.analyzers.execute': { name: 'linear-forecast' },
    };
    for (const endpoint of ENDPOINTS) if (pathParamNames(endpoint.path).includes('tokenId')) byEndpoint[endpoint.id] = { tokenId: managed.tokenId };
    for (const endpoint of ENDPOINTS) {
      const names = pathParamNames(endpoint.path);
      const given = byEndpoint[endpoint.id] ?? {};
      const appId = endpoint.service === 'app-settings' ? 'hello-world' : 'bad.input';
      const fallback = (n: string) => (n === 'appId' ? appId : n === 'key' ? 'k' : n === 'accountId' ? 'acme' : n === 'email' ? 'alice@example.com' : 'x');
      validParams.set(endpoint.id, Object.fromEntries(names.map((n) => [n, given[n] ?? fallback(n)])));
    }
  }

  /** The example body, or the one the valid parameters need. */
  function validBody(endpoint: Endpoint): unknown {
    if (endpoint.id === 'app-engine.functions.run') return { text: 'two words' };
    return endpoint.exampleBody;
  }

  /**
   * Checks one answer: never a 5xx; a refusal names what `names` matches and leaves the database
   * as it was. Returns the answer for further checks.
   */
  async function refusalOrSuccess(
    label: string,
    run: () => Promise<Call>,
    names: RegExp,
    options: { whetherChanged?: boolean } = {},
  ): Promise<{ response: Call; changed: boolean }> {
    // A use of the token noted earlier is written first, so that only this request can change anything.
    await platform.lastUsed.flush();
    const before = await databaseSnapshot(database.db);
    const response = await run();
    // An accepted request may change things; whether it did is only looked at when asked.
    const changed = response.status >= 400 || options.whetherChanged ? (await databaseSnapshot(database.db)) !== before : true;
    expect(response.status, label).toBeLessThan(500);
    if (response.status >= 400) {
      expect(messageOf(response), label).toMatch(names);
      expect(changed, `${label}: a refusal changed the database`).toBe(false);
    }
    return { response, changed };
  }

  const BODY = /^Invalid request body|request body is larger|^Too many records/;

  for (const endpoint of ENDPOINTS) {
    // An endpoint that takes no body (query:cancel) ignores one sent anyway.
    const hasBody = (endpoint.method === 'POST' || endpoint.method === 'PUT' || endpoint.method === 'PATCH') && (endpoint.body !== undefined || endpoint.formBody !== undefined);
    it(`${endpoint.method} ${endpoint.path}`, async () => {
      const names = pathParamNames(endpoint.path);
      const params = validParams.get(endpoint.id)!;
      const validPath = fillPath(endpoint.path, params);
      const body = hasBody ? validBody(endpoint) : undefined;

      // A hostile value in each path parameter: a 400 naming it, or a 404 saying what is not there.
      for (const name of names) {
        for (const value of PARAMS) {
          const path = fillPath(endpoint.path, { ...params, [name]: '\u0001' }).replace('%01', value);
          const label = `${endpoint.method} ${path.slice(0, 80)}`;
          // The account in the path is the token's to match before anything is read: another is refused (403).
          const named = new RegExp(`path parameter '${name}'|^No |not installed|has no function|no analyzer${name === 'accountId' ? '|does not belong to account' : ''}`);
          const { response } = await refusalOrSuccess(label, () => send(endpoint, path, body), named);
          if (response.status === 400) expect(messageOf(response), label).toContain(`path parameter '${name}'`);
        }
      }

      // Query parameters that are not numbers or page keys, or hold NUL (where the endpoint takes any).
      const takesQuery = endpoint.query !== undefined;
      for (const query of takesQuery ? ['?limit=abc', '?limit=0', '?cursor=%FF%FE', '?page-key=nope', '?type=%00', '?limit=1&limit=2'] : []) {
        const label = `${endpoint.method} ${validPath.slice(0, 80)}${query}`;
        const { response } = await refusalOrSuccess(label, () => send(endpoint, validPath, body, query), /query parameter '/);
        expect(response.status, label).toBe(400);
      }
      // A parameter the endpoint does not name, on every endpoint alike: a 400 naming it and what
      // the endpoint takes; __proto__ is one like any other.
      for (const unnamed of ['notAParameter', '__proto__']) {
        const label = `${endpoint.method} ${validPath.slice(0, 80)}?${unnamed}=1`;
        const { response } = await refusalOrSuccess(label, () => send(endpoint, validPath, body, `?${unnamed}=1`), /(path|query) parameter '/);
        expect(response.status, label).toBe(400);
        // Unless refused first for what the valid request lacks here: an ID of nothing there, a required request token.
        const lacking = new RegExp(`^Invalid (path parameter '|query parameter '(?!${unnamed}))`).test(messageOf(response));
        if (!lacking) {
          expect(messageOf(response), label).toMatch(
            new RegExp(`^Invalid query parameter '${unnamed}': is not a parameter of this endpoint; it takes (none|[\\w-]+((, [\\w-]+)* and [\\w-]+)?)$`),
          );
        }
      }

      if (!hasBody) return;
      for (const unreadable of UNREADABLE) {
        const label = `${endpoint.method} ${validPath.slice(0, 80)} ${JSON.stringify(unreadable).slice(0, 40)}`;
        const { response } = await refusalOrSuccess(label, () => send(endpoint, validPath, unreadable), BODY);
        expect(response.status, label).toBe(400);
      }
      for (const heavy of [DEEP, MANY]) {
        const label = `${endpoint.method} ${validPath.slice(0, 80)} ${heavy.slice(0, 20)}`;
        const { response } = await refusalOrSuccess(label, () => send(endpoint, validPath, heavy), BODY);
        expect(response.status, label).toBe(400);
        expect(messageOf(response), label).toContain(heavy === DEEP ? `${MAX_JSON_DEPTH} levels` : `${MAX_BODY_VALUES} values`);
      }
      for (const whole of BODIES) {
        const label = `${endpoint.method} ${validPath.slice(0, 80)} ${JSON.stringify(whole)?.slice(0, 80)}`;
        await refusalOrSuccess(label, () => send(endpoint, validPath, whole), /^Invalid request body|request body is larger|^Too many records|^There is no|^The app|^No /);
      }

      if (!body || typeof body !== 'object' || Array.isArray(body)) return;
      const valid = body as Record<string, unknown>;
      for (const [field, value] of Object.entries(valid)) {
        const namesField = new RegExp(`(field|parameter) '${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[.'…]`);
        const label = (v: unknown) => `${endpoint.method} ${validPath.slice(0, 60)} ${field} = ${JSON.stringify(v)?.slice(0, 40)}`;
        const withField = (v: unknown) => ({ ...valid, [field]: v });
        for (const wrong of wrongTypes(value)) {
          await refusalOrSuccess(label(wrong), () => send(endpoint, validPath, withField(wrong)), namesField);
        }
        for (const text of UNSTORABLE) {
          const { response, changed } = await refusalOrSuccess(label(text), () => send(endpoint, validPath, withField(text)), namesField, { whetherChanged: true });
          if (response.status < 400) expect(changed, `${label(text)}: stored text PostgreSQL cannot hold`).toBe(false);
          if (response.status >= 400) expect(response.status, label(text)).toBe(400);
        }
        for (const text of ODD_TEXT) {
          await refusalOrSuccess(label(text), () => send(endpoint, validPath, withField(text)), namesField);
        }
        const raw = (inner: string) => JSON.stringify(valid).replace(/\}$/, `,${JSON.stringify(field)}:${inner}}`);
        for (const [heavy, limit] of [[DEEP, `${MAX_JSON_DEPTH} levels`], [MANY, `${MAX_BODY_VALUES} values`]] as const) {
          const text = raw(heavy);
          const { response } = await refusalOrSuccess(label(heavy.slice(0, 10)), () => send(endpoint, validPath, text), namesField);
          expect(response.status, label(heavy.slice(0, 10))).toBe(400);
          expect(messageOf(response), label(heavy.slice(0, 10))).toContain(limit);
        }
      }
    });
  }
});
