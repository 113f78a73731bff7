import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessages, users } from '@/lib/db/schema';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { createTestPlatform, grantTestPolicy, insertTestToken, platformRequest, readResponse } from '../testing';

let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let alice: string;
let exporter: string;

const WORKFLOWS = '/automation/v1/workflows';
const AUTOMATION = ['automation:workflows:read', 'automation:workflows:write', 'automation:workflows:run'];
const STORAGE_READ = ['storage:buckets:read', 'storage:bizevents:read'];

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  alice = (
    await insertTestToken(database.db, {
      scopes: [...AUTOMATION, ...STORAGE_READ, 'storage:bizevents:write', 'state:app-states:read', 'state:app-states:write', 'email:emails:send'],
    })
  ).token;
  exporter = (
    await insertTestToken(database.db, {
      owner: 'exporter@service.example.com',
      creator: 'admin@example.com',
      scopes: ['automation:workflows:read', 'automation:workflows:run', ...STORAGE_READ, 'email:emails:send', 'state:app-states:write'],
    })
  ).token;
  await call('POST', '/storage/ingest/v1/bizevents', [
    { 'event.type': 'purchase', amount: 20 },
    { 'event.type': 'purchase', amount: 5 },
    { 'event.type': 'refund', amount: 5 },
  ]);
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

async function call(method: string, path: string, body?: unknown, token = alice, environmentId = 'acme-prod') {
  return readResponse(await platform.handle(platformRequest(environmentId, path, { method, token, body })));
}
const message = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;

interface Execution {
  id: string;
  state: string;
  tasks: { name: string; state: string; result?: Record<string, unknown>; error?: { status: number; message: string } }[];
}

async function createWorkflow(tasks: unknown[], title = 'Export') {
  const response = await call('POST', WORKFLOWS, { title, tasks });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

async function run(workflowId: string, token: string, input?: unknown) {
  const response = await call('POST', `${WORKFLOWS}/${workflowId}/run`, input === undefined ? {} : { input }, token);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as unknown as Execution;
}

describe('workflows', () => {
  it('creates and lists workflows of the environment', async () => {
    const id = await createWorkflow([{ name: 'count', action: 'storage.query', input: { query: 'fetch bizevents | summarize count()' } }], 'Count events');
    const list = await call('GET', WORKFLOWS);
    const [owner] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'alice@example.com'));
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.results).toContainEqual(expect.objectContaining({ id, title: 'Count events', owner: owner!.id }));
    expect((await call('GET', WORKFLOWS, undefined, alice, 'acme-staging')).body).toEqual({ count: 0, results: [] });
  });

  it('takes a workflow without tasks, as the original platform does, and runs it to success', async () => {
    const response = await call('POST', WORKFLOWS, { title: 'Nothing yet', tasks: [] });
    expect(response.status).toBe(201);
    expect(response.body.tasks).toEqual({});
    expect((await run(response.body.id as string, alice)).state).toBe('SUCCESS');
  });

  it.each([
    ['tasks that are neither a list nor an object', { title: 'x', tasks: 'export' }, "'tasks': must be an object of tasks by name (or an array of tasks)"],
    ['an unknown action', { title: 'x', tasks: [{ name: 'a', action: 'shell.exec', input: {} }] }, "'tasks.0.action': must be one of storage.query, state.set, email.send, notification.send"],
    ['a repeated name', { title: 'x', tasks: [{ name: 'a', action: 'storage.query', input: { query: 'fetch logs' } }, { name: 'a', action: 'storage.query', input: { query: 'fetch logs' } }] }, "'tasks.1.name': repeats the task name 'a'"],
    ['a reference to a later task', { title: 'x', tasks: [{ name: 'a', action: 'email.send', input: { to: 'a@example.com', subject: 's', body: '{{ tasks.b.records }}' } }, { name: 'b', action: 'storage.query', input: { query: 'fetch logs' } }] }, "'tasks.0.input': refers to 'tasks.b.records'"],
    ['a query that does not parse', { title: 'x', tasks: [{ name: 'a', action: 'storage.query', input: { query: 'fetch logz' } }] }, "'tasks.0.input': Invalid input field 'query': Query error at line 1, column 7"],
    ['a bad email input', { title: 'x', tasks: [{ name: 'a', action: 'email.send', input: { to: 'nobody', subject: 's', body: 'b' } }] }, "'tasks.0.input': Invalid input field 'to'"],
  ])('refuses %s with a 400 naming the field', async (_label, body, text) => {
    const response = await call('POST', WORKFLOWS, body);
    expect(response.status).toBe(400);
    expect(message(response)).toContain(text);
  });

  it('needs automation:workflows:write of the token and the owner', async () => {
    const response = await call('POST', WORKFLOWS, { title: 'x', tasks: [{ name: 'a', action: 'storage.query', input: { query: 'fetch logs' } }] }, exporter);
    expect(response.status).toBe(403);
    expect(message(response)).toContain("'automation:workflows:write'");
  });
});

describe('runs', () => {
  it('runs the tasks in order, passing results on, and records the execution', async () => {
    const id = await createWorkflow([
      { name: 'export', action: 'storage.query', input: { query: 'fetch bizevents | filter event.type == "{{ input.type }}" | sort amount desc | fields amount' } },
      { name: 'keep', action: 'state.set', input: { appId: 'exporter', key: 'last-export', value: '{{ tasks.export.records }}' } },
      { name: 'mail', action: 'email.send', input: { to: 'finance@example.com', subject: 'Export of {{ input.type }}', body: 'Records: {{ tasks.export.records }}' } },
    ]);
    const execution = await run(id, exporter, { type: 'purchase' });
    // The exporter's policies grant storage and email, but not state:app-states:write.
    expect(execution.state).toBe('ERROR');
    expect(execution.tasks.map((t) => t.state)).toEqual(['SUCCESS', 'ERROR', 'SKIPPED']);
    expect(execution.tasks[0]!.result!.records).toEqual([{ amount: 20 }, { amount: 5 }]);
    expect(execution.tasks[1]!.error).toEqual({ status: 403, message: expect.stringContaining("lacks the permission 'state:app-states:write'") });

    // Alice's policies grant the state but not email: her run gets one task further.
    const aliceRun = await run(id, alice, { type: 'purchase' });
    expect(aliceRun.tasks.map((t) => t.state)).toEqual(['SUCCESS', 'SUCCESS', 'ERROR']);
    expect(aliceRun.tasks[2]!.error!.message).toContain("lacks the permission 'email:emails:send'");
    const state = await call('GET', '/state/v1/apps/exporter/app-states/last-export');
    expect(state.body.value).toEqual([{ amount: 20 }, { amount: 5 }]);
  });

  it('runs with the scopes of the token that runs it', async () => {
    const id = await createWorkflow([{ name: 'export', action: 'storage.query', input: { query: 'fetch bizevents' } }]);
    const narrow = (await insertTestToken(database.db, { scopes: ['automation:workflows:run', 'automation:workflows:read', 'storage:buckets:read'] })).token;
    const execution = await run(id, narrow);
    expect(execution.tasks[0]!.error).toEqual({ status: 403, message: "Missing scope 'storage:bizevents:read': the token was not generated with it." });
    const noBuckets = (await insertTestToken(database.db, { scopes: ['automation:workflows:run', 'storage:bizevents:read'] })).token;
    expect((await run(id, noBuckets)).tasks[0]!.error!.message).toContain("Missing scope 'storage:buckets:read'");
  });

  it('sends a referenced result as JSON text where the endpoint takes text', async () => {
    const id = await createWorkflow([
      { name: 'export', action: 'storage.query', input: { query: 'fetch bizevents | filter amount > 10 | fields amount' } },
      { name: 'mail', action: 'email.send', input: { to: 'finance@example.com', subject: 'Big purchases', body: '{{ tasks.export.records }}' } },
    ]);
    const execution = await run(id, exporter);
    expect(execution.state).toBe('SUCCESS');
    const mail = execution.tasks[1]!.result as { id: string; status: string };
    expect(mail.status).toBe('stored');
    const [row] = await database.db.select({ body: emailMessages.body }).from(emailMessages).where(eq(emailMessages.id, mail.id));
    expect(row!.body).toBe(JSON.stringify([{ amount: 20 }], null, 2));
  });

  it('sends a value as JSON without indentation when indenting would take it past the body limit', async () => {
    // 62 levels deep, each of 150,000 numbers indents by 124 spaces: about 20 MB of text for 300 KB of JSON.
    let nested: unknown = Array.from({ length: 150_000 }, () => 0);
    for (let i = 0; i < 61; i++) nested = [nested];
    const id = await createWorkflow([{ name: 'mail', action: 'email.send', input: { to: 'finance@example.com', subject: 'Deep', body: ['{{ input.nested }}', '{{ input.nested }}'] } }]);
    const execution = await run(id, exporter, { nested });
    expect(execution.state).toBe('SUCCESS');
    const [row] = await database.db.select({ body: emailMessages.body }).from(emailMessages).where(eq(emailMessages.id, (execution.tasks[0]!.result as { id: string }).id));
    expect(row!.body).toBe(JSON.stringify([nested, nested]));
  });

  it('holds a task to the body limit of a direct call', async () => {
    const id = await createWorkflow([{ name: 'keep', action: 'state.set', input: { appId: 'x', key: 'big', value: '{{ input.big }}{{ input.big }}' } }]);
    const execution = await run(id, alice, { big: 'x'.repeat(600_000) });
    expect(execution.tasks[0]!.error).toEqual({ status: 413, message: "The input of task 'keep', its references resolved, is larger than 1048576 bytes, the largest body its action takes." });
    // Fewer characters than the limit, but more bytes: the body's own check refuses it.
    const wide = await run(id, alice, { big: 'é'.repeat(300_000) });
    expect(wide.tasks[0]!.error).toEqual({ status: 413, message: 'The request body is larger than 1048576 bytes.' });
  });

  it('takes a resolved input just under the body limit', async () => {
    const id = await createWorkflow([{ name: 'keep', action: 'state.set', input: { appId: 'x', key: 'edge', value: '{{ input.big }}{{ input.big }}' } }]);
    // The body is {"value":"…"}: its 12 other bytes and the value's characters make exactly the limit.
    const big = 'x'.repeat((1024 * 1024 - 12) / 2);
    const execution = await run(id, alice, { big });
    expect(execution.tasks[0]!.state).toBe('SUCCESS');
    expect(((await call('GET', '/state/v1/apps/x/app-states/edge')).body.value as string).length).toBe(1024 * 1024 - 12);
  });

  it('refuses, without writing them out, many references to one large string', async () => {
    const body = Array.from({ length: 60_000 }, () => '{{input.a}}');
    const id = await createWorkflow([{ name: 'mail', action: 'email.send', input: { to: 'a@example.com', subject: 's', body } }]);
    const execution = await run(id, exporter, { a: 'x'.repeat(1_000_000) });
    expect(execution.state).toBe('ERROR');
    expect(execution.tasks[0]!.error).toEqual({ status: 413, message: "The input of task 'mail', its references resolved, is larger than 2097152 bytes, the largest body its action takes." });
  });

  it('counts an object referred to many times as often as it is referred to', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `record ${i}` }));
    const many = (n: number) => Array.from({ length: n }, () => '{{ input.records }}');
    const id = await createWorkflow([
      { name: 'few', action: 'state.set', input: { appId: 'x', key: 'few', value: many(10) } },
      { name: 'many', action: 'state.set', input: { appId: 'x', key: 'many', value: many(1000) } },
    ]);
    const execution = await run(id, alice, { records });
    expect(execution.tasks.map((t) => t.state)).toEqual(['SUCCESS', 'ERROR']);
    expect((await call('GET', '/state/v1/apps/x/app-states/few')).body.value).toEqual(Array.from({ length: 10 }, () => records));
    expect(execution.tasks[1]!.error).toEqual({ status: 413, message: "The input of task 'many', its references resolved, is larger than 1048576 bytes, the largest body its action takes." });
  });

  it('resolves at most 1000 references in a task', async () => {
    const id = await createWorkflow([{ name: 'keep', action: 'state.set', input: { appId: 'x', key: 'refs', value: '{{ input.a }}'.repeat(1001) } }]);
    const execution = await run(id, alice, { a: 'x' });
    expect(execution.tasks[0]!.error).toEqual({ status: 400, message: "The input of task 'keep' has more than 1000 references, the most a task resolves." });
  });

  it('records a reference to nothing as a task error', async () => {
    const id = await createWorkflow([{ name: 'mail', action: 'state.set', input: { appId: 'x', key: 'k', value: '{{ input.missing }}' } }]);
    const execution = await run(id, alice);
    expect(execution.tasks[0]!.error).toEqual({ status: 400, message: "'{{ input.missing }}' refers to nothing." });
  });

  it('passes on the result of a task named like an object property (__proto__) as any other', async () => {
    const id = await createWorkflow([
      { name: '__proto__', action: 'storage.query', input: { query: 'fetch bizevents | filter event.type == "purchase" | sort amount desc | fields amount' } },
      { name: 'keep', action: 'state.set', input: { appId: 'exporter', key: 'proto-export', value: '{{ tasks.__proto__.records }}' } },
    ]);
    const execution = await run(id, alice);
    expect(execution.tasks.map((t) => t.state)).toEqual(['SUCCESS', 'SUCCESS']);
    expect((await call('GET', '/state/v1/apps/exporter/app-states/proto-export')).body.value).toEqual([{ amount: 20 }, { amount: 5 }]);
  });

  it('lets only the identity that ran it read an execution back', async () => {
    const id = await createWorkflow([{ name: 'export', action: 'storage.query', input: { query: 'fetch bizevents | summarize count(), by: {event.type}' } }]);
    const execution = await run(id, exporter);
    expect(execution.state).toBe('SUCCESS');
    const fetched = await call('GET', `/automation/v1/executions/${execution.id}`, undefined, exporter);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ id: execution.id, workflow: id, state: 'SUCCESS' });
    expect((fetched.body.tasks as Execution['tasks'])[0]!.result!.records).toEqual([
      { 'event.type': 'purchase', 'count()': 2 },
      { 'event.type': 'refund', 'count()': 1 },
    ]);
    expect((await call('GET', `/automation/v1/executions/${execution.id}`, undefined, alice)).status).toBe(404);
    expect((await call('GET', `/automation/v1/executions/${execution.id}`, undefined, exporter, 'acme-staging')).status).toBe(404);
  });

  it("needs the read scopes of what the execution's tasks read to read it back", async () => {
    const id = await createWorkflow([
      { name: 'export', action: 'storage.query', input: { query: 'fetch bizevents | summarize count()' } },
      { name: 'mail', action: 'email.send', input: { to: 'finance@example.com', subject: 'Count', body: '{{ tasks.export.records }}' } },
    ]);
    const execution = await run(id, exporter);
    expect(execution.state).toBe('SUCCESS');
    const path = `/automation/v1/executions/${execution.id}`;
    // Another token of the same owner, with the automation scope only.
    const owner = { owner: 'exporter@service.example.com', creator: 'admin@example.com' };
    const automationOnly = (await insertTestToken(database.db, { ...owner, scopes: ['automation:workflows:read'] })).token;
    const refused = await call('GET', path, undefined, automationOnly);
    expect(refused.status).toBe(403);
    expect(message(refused)).toBe(
      "Missing scope 'storage:buckets:read': the token was not generated with it. The execution holds what its task 'export' read.",
    );
    // Each task on its own too: the mail's result echoes the records its body was made of.
    for (const task of [`${path}/tasks/mail`, `${path}/tasks/mail/result`, `${path}/tasks/export/result`]) {
      const alone = await call('GET', task, undefined, automationOnly);
      expect([task, alone.status, message(alone)]).toEqual([
        task,
        403,
        "Missing scope 'storage:buckets:read': the token was not generated with it. The execution holds what its task 'export' read.",
      ]);
    }
    const otherTable = (await insertTestToken(database.db, { ...owner, scopes: ['automation:workflows:read', 'storage:buckets:read', 'storage:logs:read'] })).token;
    expect(message(await call('GET', path, undefined, otherTable))).toContain("Missing scope 'storage:bizevents:read'");
    expect(message(await call('GET', `${path}/tasks/mail/result`, undefined, otherTable))).toContain("Missing scope 'storage:bizevents:read'");
    const reader = (await insertTestToken(database.db, { ...owner, scopes: ['automation:workflows:read', 'storage:buckets:read', 'storage:bizevents:read'] })).token;
    expect((await call('GET', path, undefined, reader)).status).toBe(200);
    expect((await call('GET', `${path}/tasks/mail/result`, undefined, reader)).status).toBe(200);
  });

  it('needs the owner’s permission for the queried table to read an execution back', async () => {
    const id = await createWorkflow([{ name: 'export', action: 'storage.query', input: { query: 'fetch bizevents | summarize count()' } }]);
    const execution = await run(id, exporter);
    await grantTestPolicy(database.db, 'acme', 'exporter@service.example.com', 'DENY storage:buckets:read WHERE storage:table = "bizevents";');
    const refused = await call('GET', `/automation/v1/executions/${execution.id}`, undefined, exporter);
    expect(refused.status).toBe(403);
    expect(message(refused)).toContain("lacks the permission 'storage:buckets:read' in environment 'acme-prod' (a policy denies it)");
  });

  it('refuses to run a workflow of another environment, and bad input', async () => {
    const id = await createWorkflow([{ name: 'a', action: 'storage.query', input: { query: 'fetch logs' } }]);
    expect((await call('POST', `${WORKFLOWS}/${id}/run`, {}, alice, 'acme-staging')).status).toBe(404);
    const bad = await call('POST', `${WORKFLOWS}/${id}/run`, { input: [1] }, alice);
    expect(bad.status).toBe(400);
    expect(message(bad)).toContain("'input'");
  });
});
