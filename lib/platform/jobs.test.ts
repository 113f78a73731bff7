import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { tokenInput } from '@/lib/tokens/test-support';
import { createTestPlatform, platformRequest, readResponse } from './testing';

// The three jobs of PRODUCT.md §1 end to end, each with a token generated the way the portal
// generates it and then nothing but HTTP calls to the platform API, as a script would make them.

const NOW = new Date();
let database: TestDatabase;
let platform: ReturnType<typeof createTestPlatform>;
let demo: DemoIdentities;

beforeAll(async () => {
  database = await createTestDatabase();
  platform = createTestPlatform(database.db);
  demo = await demoIdentities(database.db);
});
afterAll(async () => {
  platform.unsubscribe();
  await database.close();
});

function client(token: string) {
  return async (method: string, environmentId: string, path: string, body?: unknown) =>
    readResponse(await platform.handle(platformRequest(environmentId, path, { method, token, body })));
}

describe(`the three jobs (${testBackend})`, () => {
  it('(a) a script ingests business events and queries them back', async () => {
    const { token } = await generatePlatformToken(
      database.db,
      demo.actor('alice@example.com'),
      tokenInput({ name: 'Checkout events', scopes: ['storage:bizevents:write', 'storage:buckets:read', 'storage:bizevents:read'] }),
      NOW,
    );
    const api = client(token);
    const events = Array.from({ length: 25 }, (_, i) => ({
      'event.type': i % 5 === 0 ? 'refund' : 'purchase',
      'event.provider': 'checkout',
      amount: 10 + i,
      currency: i < 8 ? 'EUR' : 'USD',
    }));
    const ingest = await api('POST', 'acme-prod', '/storage/ingest/v1/bizevents', events);
    expect(ingest).toMatchObject({ status: 202, body: { ingested: 25 } });

    const query = await api('POST', 'acme-prod', '/storage/query/v1/query:execute', {
      query: 'fetch bizevents | filter event.type == "purchase" | summarize purchases = count(), by: {currency} | sort purchases desc',
    });
    expect(query.status).toBe(200);
    expect((query.body.result as { records: unknown[] }).records).toEqual([
      { currency: 'USD', purchases: 14 },
      { currency: 'EUR', purchases: 6 },
    ]);
    const top = await api('POST', 'acme-prod', '/storage/query/v1/query:execute', {
      query: 'fetch bizevents | sort amount desc | limit 2 | fields amount, event.type',
    });
    expect((top.body.result as { records: unknown[] }).records).toEqual([
      { amount: 34, 'event.type': 'purchase' },
      { amount: 33, 'event.type': 'purchase' },
    ]);
    // The token reaches acme-prod only.
    expect((await api('POST', 'acme-staging', '/storage/ingest/v1/bizevents', events)).status).toBe(403);
  });

  it('(b) a nightly export: a workflow runs a query and the result is fetched as JSON', async () => {
    const { token } = await generatePlatformToken(
      database.db,
      demo.actor('alice@example.com'),
      tokenInput({
        name: 'Nightly export',
        scopes: ['storage:logs:write', 'storage:buckets:read', 'storage:logs:read', 'automation:workflows:write', 'automation:workflows:run', 'automation:workflows:read'],
      }),
      NOW,
    );
    const api = client(token);
    await api('POST', 'acme-prod', '/storage/ingest/v1/logs', [
      { loglevel: 'ERROR', service: 'payments', content: 'timeout' },
      { loglevel: 'INFO', service: 'payments', content: 'ok' },
      { loglevel: 'ERROR', service: 'checkout', content: 'boom' },
    ]);
    const workflow = await api('POST', 'acme-prod', '/automation/v1/workflows', {
      title: 'Nightly error export',
      tasks: [{ name: 'errors', action: 'storage.query', input: { query: 'fetch logs | filter loglevel == "ERROR" | sort service | fields service, content' } }],
    });
    expect(workflow.status).toBe(201);
    const run = await api('POST', 'acme-prod', `/automation/v1/workflows/${workflow.body.id as string}/run`, {});
    expect(run.status).toBe(201);
    expect(run.body.state).toBe('SUCCESS');

    const execution = await api('GET', 'acme-prod', `/automation/v1/executions/${run.body.id as string}`);
    expect(execution.status).toBe(200);
    expect(execution.headers.get('content-type')).toContain('application/json');
    const [task] = execution.body.tasks as { name: string; state: string; result: { records: unknown[] } }[];
    expect(task).toMatchObject({ name: 'errors', state: 'SUCCESS' });
    expect(task!.result.records).toEqual([
      { service: 'checkout', content: 'boom' },
      { service: 'payments', content: 'timeout' },
    ]);
  });

  it('(c) documents are kept in sync between acme-prod and acme-staging with one token, refused in globex-prod', async () => {
    const { token } = await generatePlatformToken(
      database.db,
      demo.actor('alice@example.com'),
      tokenInput({
        name: 'Dashboard sync',
        environmentIds: ['acme-prod', 'acme-staging'],
        generateFor: 'service-user',
        serviceUserId: demo.id('acme/ci-bot@service.example.com'),
        scopes: ['document:documents:read', 'document:documents:write'],
      }),
      NOW,
    );
    const api = client(token);
    for (const name of ['Checkout health', 'Payments']) {
      const created = await api('POST', 'acme-prod', '/document/v1/documents', { name, type: 'dashboard', content: { tiles: [name] } });
      expect(created.status).toBe(201);
    }

    type Doc = { id: string; name: string; type: string; version: string };
    async function sync() {
      const source = (await api('GET', 'acme-prod', '/document/v1/documents')).body.documents as Doc[];
      const target = (await api('GET', 'acme-staging', '/document/v1/documents')).body.documents as Doc[];
      for (const document of source) {
        const content = await api('GET', 'acme-prod', `/document/v1/documents/${document.id}/content`);
        const body = { name: document.name, type: document.type, content: content.body };
        const existing = target.find((t) => t.name === document.name);
        const response = existing
          ? await api('PATCH', 'acme-staging', `/document/v1/documents/${existing.id}?optimistic-locking-version=${existing.version}`, body)
          : await api('POST', 'acme-staging', '/document/v1/documents', body);
        expect(response.status).toBeLessThan(300);
      }
    }

    await sync();
    const prodPayments = ((await api('GET', 'acme-prod', '/document/v1/documents')).body.documents as Doc[]).find((d) => d.name === 'Payments')!;
    const change = await api('PATCH', 'acme-prod', `/document/v1/documents/${prodPayments.id}?optimistic-locking-version=${prodPayments.version}`, {
      content: { tiles: ['Payments', 'Refunds'] },
    });
    expect(change.status).toBe(200);
    await sync();

    const staging = (await api('GET', 'acme-staging', '/document/v1/documents')).body.documents as Doc[];
    expect(staging.map((d) => d.name).sort()).toEqual(['Checkout health', 'Payments']);
    const stagingPayments = await api('GET', 'acme-staging', `/document/v1/documents/${staging.find((d) => d.name === 'Payments')!.id}/content`);
    expect(stagingPayments.body).toEqual({ tiles: ['Payments', 'Refunds'] });

    const globex = await api('GET', 'globex-prod', '/document/v1/documents');
    expect(globex.status).toBe(403);
    expect((globex.body.error as { message: string }).message).toContain("does not apply to environment 'globex-prod'");
  });
});
