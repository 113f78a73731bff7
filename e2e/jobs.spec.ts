import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { PlatformTokensPage } from './pages/platform-tokens-page';

// The three jobs of PRODUCT.md §1, end to end: each token is generated in My platform tokens, its
// secret read from the "Token" field of the secret dialog, and then only the platform API is used.

const unique = (label: string) => `${label} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

type Doc = { id: string; name: string; type: string; version: string };

function api(request: APIRequestContext, token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  return {
    get: (env: string, path: string) => request.get(`/e/${env}/platform${path}`, { headers }),
    post: (env: string, path: string, data: unknown) => request.post(`/e/${env}/platform${path}`, { headers, data }),
    patch: (env: string, path: string, data: unknown) => request.patch(`/e/${env}/platform${path}`, { headers, data }),
  };
}

test.describe('the three jobs', () => {
  test('(a) a script ingests business events and queries them back', async ({ alicePage, request }) => {
    const tokens = new PlatformTokensPage(alicePage);
    const name = unique('E2E bizevents');
    const { token, tokenId } = await tokens.generate({
      name,
      account: 'Acme Corp',
      environments: ['Production'],
      scopes: ['storage:bizevents:write', 'storage:buckets:read', 'storage:bizevents:read'],
    });
    try {
      const client = api(request, token);
      const run = unique('run');
      const events = [
        { 'event.type': 'purchase', amount: 42.5, currency: 'EUR', run },
        { 'event.type': 'purchase', amount: 10, currency: 'USD', run },
        { 'event.type': 'refund', amount: 5, currency: 'EUR', run },
      ];
      const ingest = await client.post('acme-prod', '/storage/ingest/v1/bizevents', events);
      expect(ingest.status()).toBe(202);
      expect(await ingest.json()).toEqual({ table: 'bizevents', ingested: 3 });

      const query = await client.post('acme-prod', '/storage/query/v1/query:execute', {
        query: `fetch bizevents | filter run == "${run}" and event.type == "purchase" | sort amount desc | fields currency, amount`,
      });
      expect(query.status()).toBe(200);
      expect((await query.json()).result.records).toEqual([
        { currency: 'EUR', amount: 42.5 },
        { currency: 'USD', amount: 10 },
      ]);

      const typo = await client.post('acme-prod', '/storage/query/v1/query:execute', { query: 'fetch bizevents | limit ten' });
      expect(typo.status()).toBe(400);
      expect((await typo.json()).error.message).toContain('line 1, column 25');
    } finally {
      await tokens.goto();
      await tokens.delete(name, tokenId);
    }
  });

  test('(b) a nightly export: a workflow runs a query, the result is fetched as JSON and mailed', async ({ alicePage, adminPage, request }) => {
    const aliceTokens = new PlatformTokensPage(alicePage);
    const adminTokens = new PlatformTokensPage(adminPage);
    const authorName = unique('E2E export author');
    const exporterName = unique('E2E nightly export');
    const author = await aliceTokens.generate({
      name: authorName,
      account: 'Acme Corp',
      environments: ['Production'],
      scopes: ['storage:logs:write', 'automation:workflows:write'],
    });
    const exporter = await adminTokens.generate({
      name: exporterName,
      account: 'Acme Corp',
      environments: ['Production'],
      serviceUser: 'exporter@service.example.com',
      scopes: ['automation:workflows:run', 'automation:workflows:read', 'storage:buckets:read', 'storage:logs:read', 'email:emails:send'],
    });
    try {
      const run = unique('export');
      const subject = `Nightly errors ${run}`;
      const authoring = api(request, author.token);
      expect(
        (
          await authoring.post('acme-prod', '/storage/ingest/v1/logs', [
            { loglevel: 'ERROR', service: 'payments', content: 'timeout', run },
            { loglevel: 'INFO', service: 'payments', content: 'ok', run },
            { loglevel: 'ERROR', service: 'checkout', content: 'boom', run },
          ])
        ).status(),
      ).toBe(202);
      const workflow = await authoring.post('acme-prod', '/automation/v1/workflows', {
        title: 'Nightly error export',
        tasks: [
          { name: 'errors', action: 'storage.query', input: { query: `fetch logs | filter run == "${run}" and loglevel == "ERROR" | sort service | fields service, content` } },
          { name: 'mail', action: 'email.send', input: { to: 'oncall@example.com', subject, body: '{{ tasks.errors.records }}' } },
        ],
      });
      expect(workflow.status()).toBe(201);
      const { id: workflowId } = await workflow.json();

      const nightly = api(request, exporter.token);
      const started = await nightly.post('acme-prod', `/automation/v1/workflows/${workflowId}/run`, {});
      expect(started.status()).toBe(201);
      const startedBody = await started.json();
      expect(startedBody.state, JSON.stringify(startedBody.tasks)).toBe('SUCCESS');
      const executionId = startedBody.id;

      const execution = await nightly.get('acme-prod', `/automation/v1/executions/${executionId}`);
      expect(execution.status()).toBe(200);
      expect(execution.headers()['content-type']).toContain('application/json');
      const body = await execution.json();
      expect(body.tasks[0].result.records).toEqual([
        { service: 'checkout', content: 'boom' },
        { service: 'payments', content: 'timeout' },
      ]);
      expect(body.tasks[1]).toMatchObject({ name: 'mail', state: 'SUCCESS', result: { status: 'stored', subject } });

      // The admin generated the exporter's token, so the mail shows in the admin's outbox.
      await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
      await expect(adminPage.getByRole('heading', { name: 'Outbox' })).toBeVisible();
      const row = adminPage.getByRole('row').filter({ hasText: subject });
      await expect(row).toContainText('oncall@example.com');
      await expect(row).toContainText('exporter@service.example.com');
      await expect(row).toContainText(exporter.tokenId);
      await row.getByText(subject).click();
      await expect(row).toContainText('"service": "checkout"');
    } finally {
      await aliceTokens.goto();
      await aliceTokens.delete(authorName, author.tokenId);
      await adminTokens.goto();
      await adminTokens.delete(exporterName, exporter.tokenId);
    }
  });

  test('(c) dashboards are kept in sync between acme-prod and acme-staging with one token, refused in globex-prod', async ({ alicePage, request }) => {
    const tokens = new PlatformTokensPage(alicePage);
    const name = unique('E2E dashboard sync');
    const { token, tokenId } = await tokens.generate({
      name,
      account: 'Acme Corp',
      environments: ['Production', 'Staging'],
      serviceUser: 'ci-bot@service.example.com',
      scopes: ['document:documents:read', 'document:documents:write'],
    });
    try {
      const client = api(request, token);
      const dashboard = unique('Checkout health');
      expect((await client.post('acme-prod', '/document/v1/documents', { name: dashboard, type: 'dashboard', content: { tiles: ['latency'] } })).status()).toBe(201);

      async function sync() {
        const filter = `?filter=${encodeURIComponent(`type == 'dashboard' and name == '${dashboard}'`)}`;
        const source: Doc[] = (await (await client.get('acme-prod', `/document/v1/documents${filter}`)).json()).documents;
        const target: Doc[] = (await (await client.get('acme-staging', `/document/v1/documents${filter}`)).json()).documents;
        for (const document of source) {
          const content = await (await client.get('acme-prod', `/document/v1/documents/${document.id}/content`)).json();
          const body = { name: document.name, type: document.type, content };
          const existing = target.find((t) => t.name === document.name);
          const response = existing
            ? await client.patch('acme-staging', `/document/v1/documents/${existing.id}?optimistic-locking-version=${existing.version}`, body)
            : await client.post('acme-staging', '/document/v1/documents', body);
          expect(response.ok()).toBe(true);
        }
      }

      await sync();
      const prod: Doc[] = (await (await client.get('acme-prod', '/document/v1/documents?page-size=1000')).json()).documents;
      const source = prod.find((d) => d.name === dashboard)!;
      const change = { content: { tiles: ['latency', 'errors'] } };
      expect((await client.patch('acme-prod', `/document/v1/documents/${source.id}?optimistic-locking-version=${source.version}`, change)).status()).toBe(200);
      // A second change at the version already changed is refused: nothing is lost.
      expect((await client.patch('acme-prod', `/document/v1/documents/${source.id}?optimistic-locking-version=${source.version}`, change)).status()).toBe(409);
      await sync();

      const staging: Doc[] = (await (await client.get('acme-staging', '/document/v1/documents?page-size=1000')).json()).documents;
      const copies = staging.filter((d) => d.name === dashboard);
      expect(copies).toHaveLength(1);
      expect(copies[0]!.version).toBe('2');
      const copy = await (await client.get('acme-staging', `/document/v1/documents/${copies[0]!.id}/content`)).json();
      expect(copy).toEqual({ tiles: ['latency', 'errors'] });

      const globex = await client.get('globex-prod', '/document/v1/documents');
      expect(globex.status()).toBe(403);
      expect((await globex.json()).error.message).toContain("does not apply to environment 'globex-prod'");
    } finally {
      await tokens.goto();
      await tokens.delete(name, tokenId);
    }
  });
});
