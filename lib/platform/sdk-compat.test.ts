import { PlatformHttpClient } from '@dynatrace-sdk/http-client';
import { EnvironmentInformationClient } from '@dynatrace-sdk/client-platform-management-service';
import { ErrorEnvelopeError, QueryExecutionClient } from '@dynatrace-sdk/client-query';
import { NotFound as StateNotFound, StateClient } from '@dynatrace-sdk/client-state';
import { describe, expect, it } from 'vitest';
import { SDK_DOMAIN as DOMAIN, sdkClient as client, sdkRefusal as statusOf, startSdkPlatform } from './sdk-testing';
import { insertTestToken } from './testing';

const platform = startSdkPlatform();

describe('how a stock PlatformHttpClient reaches an environment', () => {
  it('by host: <envId>.<PLATFORM_DOMAIN> is that environment, whatever the token reaches', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: ['document:documents:read'] });
    const prod = client(`http://acme-prod.${DOMAIN}:${platform.port}`, token);
    const response = await prod.send({ url: '/platform/document/v1/documents', method: 'GET' });
    expect(response.status).toBe(200);
    const staging = client(`http://ACME-Staging.${DOMAIN}:${platform.port}/`, token);
    expect((await staging.send({ url: '/platform/document/v1/documents', method: 'GET' })).status).toBe(200);

    const { token: prodOnly, tokenId } = await insertTestToken(platform.database.db, { scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
    expect(await statusOf(client(`http://acme-staging.${DOMAIN}:${platform.port}`, prodOnly).send({ url: '/platform/document/v1/documents', method: 'GET' }))).toEqual({
      status: 403,
      message: `The token ${tokenId} does not apply to environment 'acme-staging'.`,
    });
    // A name deeper than <envId>.<domain> names no environment: it is the root form.
    const deeper = await client(`http://x.acme-staging.${DOMAIN}:${platform.port}`, prodOnly).send({ url: '/platform/document/v1/documents', method: 'GET' });
    expect(deeper.status).toBe(200);
  });

  it("at the portal's root: the token's one environment; any other token is told to name it", async () => {
    // A token of acme-prod alone: only there could it list documents.
    const { token: prodOnly } = await insertTestToken(platform.database.db, { scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
    const response = await client(`http://127.0.0.1:${platform.port}`, prodOnly).send({ url: '/platform/document/v1/documents', method: 'GET' });
    expect(response.status).toBe(200);

    const { token: two, tokenId: twoId } = await insertTestToken(platform.database.db, {
      scopes: ['document:documents:read'],
      environmentIds: ['acme-prod', 'acme-staging'],
    });
    expect(await statusOf(client(`http://127.0.0.1:${platform.port}`, two).send({ url: '/platform/document/v1/documents', method: 'GET' }))).toEqual({
      status: 400,
      message: `The token ${twoId} reaches several environments: name the environment, with /e/<environmentId>/platform/... or the host <environmentId>.<platform domain>.`,
    });
    const { token: wide, tokenId: wideId } = await insertTestToken(platform.database.db, { scopes: ['document:documents:read'] });
    expect(await statusOf(client(`http://127.0.0.1:${platform.port}`, wide).send({ url: '/platform/document/v1/documents', method: 'GET' }))).toMatchObject({
      status: 400,
      message: expect.stringContaining(`The token ${wideId} reaches every environment of its account: name the environment`) as unknown,
    });
    // Nothing is said about a token one does not hold: a wrong secret is a 401 as anywhere.
    expect((await statusOf(client(`http://127.0.0.1:${platform.port}`, `${two.slice(0, -8)}AAAAAAAA`).send({ url: '/platform/document/v1/documents', method: 'GET' }))).status).toBe(401);
  });

  it('by path: /e/<envId>/platform/... keeps working', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: ['document:documents:read'], environmentIds: ['acme-prod'] });
    const response = await client(`http://127.0.0.1:${platform.port}`, token).send({ url: '/e/acme-prod/platform/document/v1/documents', method: 'GET' });
    expect(response.status).toBe(200);
  });
});

describe('@dynatrace-sdk/client-state', () => {
  it('sets, reads and deletes app and user app states, of the App-Id app or else the app "scripts"', async () => {
    const { token } = await insertTestToken(platform.database.db, {
      scopes: ['state:app-states:read', 'state:app-states:write', 'state:app-states:delete', 'state:user-app-states:read', 'state:user-app-states:write', 'state:user-app-states:delete'],
      environmentIds: ['acme-prod'],
    });
    const state = new StateClient(client(`http://acme-prod.${DOMAIN}:${platform.port}`, token));
    await expect(state.setAppState({ key: 'last-export', body: { value: '2026-01-01T00:00:00Z' } })).resolves.toBeUndefined();
    const read = await state.getAppState({ key: 'last-export' });
    expect(read.value).toBe('2026-01-01T00:00:00Z');
    expect(read.modificationInfo?.lastModifiedTime).toBeInstanceOf(Date);
    await state.setUserAppState({ key: 'cursor', body: { value: 'abc' } });
    expect((await state.getUserAppState({ key: 'cursor' })).value).toBe('abc');

    // The same value is the app "scripts"' state at /state/v1/apps/{appId}/...
    const raw = client(`http://127.0.0.1:${platform.port}`, token);
    const byApp = await raw.send({ url: '/e/acme-prod/platform/state/v1/apps/scripts/app-states/last-export', method: 'GET' });
    expect(await byApp.body('json')).toMatchObject({ appId: 'scripts', key: 'last-export', value: '2026-01-01T00:00:00Z' });
    // Another app's state, named with the App-Id header.
    const otherApp = new StateClient(
      new PlatformHttpClient({ baseUrl: `http://acme-prod.${DOMAIN}:${platform.port}`, defaultHeaders: { Authorization: `Bearer ${token}`, 'App-Id': 'my.exporter' } }),
    );
    await expect(otherApp.getAppState({ key: 'last-export' })).rejects.toMatchObject({
      name: 'NotFound',
      message: "No app state 'last-export' for app 'my.exporter' in this environment.",
    });
    await expect(state.deleteAppState({ key: 'last-export' })).resolves.toBeUndefined();
    await expect(state.getAppState({ key: 'last-export' })).rejects.toBeInstanceOf(StateNotFound);
    await state.deleteUserAppState({ key: 'cursor' });
  });

  it('refuses what this portal does not keep: validUntilTime, and a bad App-Id, naming them', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: ['state:app-states:write'], environmentIds: ['acme-prod'] });
    const state = new StateClient(client(`http://acme-prod.${DOMAIN}:${platform.port}`, token));
    await expect(state.setAppState({ key: 'k', body: { value: 'v', validUntilTime: '2030-01-01T00:00:00Z' } })).rejects.toMatchObject({
      // The SDK's type for every 400 of this call.
      name: 'AppStateLimitsExceeded',
      message: "Invalid request body field 'validUntilTime': is not supported here: values are kept until deleted",
    });
    const badApp = new StateClient(
      new PlatformHttpClient({ baseUrl: `http://acme-prod.${DOMAIN}:${platform.port}`, defaultHeaders: { Authorization: `Bearer ${token}`, 'App-Id': '../x' } }),
    );
    await expect(badApp.setAppState({ key: 'k', body: { value: 'v' } })).rejects.toMatchObject({
      message: expect.stringContaining("Invalid header 'app-id': must be 1-200 letters") as unknown,
    });
  });
});

describe('@dynatrace-sdk/client-query', () => {
  it('query:execute answers finished, with records, types and metadata; query:poll reads the same result', async () => {
    const { token } = await insertTestToken(platform.database.db, {
      scopes: ['storage:buckets:read', 'storage:logs:read', 'storage:logs:write'],
      environmentIds: ['acme-prod'],
    });
    const http = client(`http://acme-prod.${DOMAIN}:${platform.port}`, token);
    await http.send({
      url: '/platform/storage/ingest/v1/logs',
      method: 'POST',
      body: [{ loglevel: 'ERROR', content: 'sdk: disk full', run: 'sdk-query' }, { loglevel: 'INFO', content: 'sdk: ok', run: 'sdk-query' }],
    });
    const queries = new QueryExecutionClient(http);
    const started = await queries.queryExecute({ body: { query: 'fetch logs | filter run == "sdk-query" and loglevel == "ERROR" | fields content, loglevel' } });
    expect(started.state).toBe('SUCCEEDED');
    expect(started.result?.records).toEqual([{ content: 'sdk: disk full', loglevel: 'ERROR' }]);
    expect(started.result?.types).toEqual([{ indexRange: [0, 0], mappings: { content: { type: 'string' }, loglevel: { type: 'string' } } }]);
    const polled = await queries.queryPoll({ requestToken: started.requestToken! });
    expect(polled).toMatchObject({ state: 'SUCCEEDED', result: { records: [{ content: 'sdk: disk full', loglevel: 'ERROR' }] } });
  });

  it('a query that does not parse is a 400 whose message points at the position', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: ['storage:buckets:read', 'storage:logs:read'], environmentIds: ['acme-prod'] });
    const queries = new QueryExecutionClient(client(`http://acme-prod.${DOMAIN}:${platform.port}`, token));
    const refusal = queries.queryExecute({ body: { query: 'fetch logs | limit ten' } });
    await expect(refusal).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(refusal).rejects.toMatchObject({ message: expect.stringContaining("Invalid request body field 'query': Query error at line 1, column 20") as unknown });
    await expect(queries.queryPoll({ requestToken: 'not-a-token' })).rejects.toMatchObject({
      message: "Invalid query parameter 'request-token': is not a request token of query:execute.",
    });
  });
});

describe("the seed's jobs, written as the SDK's documentation shows them", () => {
  it('business-event ingest, then the scheduled query export that keeps its position in app state', async () => {
    const { token } = await insertTestToken(platform.database.db, {
      scopes: ['storage:bizevents:write', 'storage:buckets:read', 'storage:bizevents:read', 'state:app-states:read', 'state:app-states:write'],
      environmentIds: ['acme-prod'],
    });
    const http = client(`http://acme-prod.${DOMAIN}:${platform.port}`, token);
    const run = `sdk-${Date.now()}`;
    const ingest = await http.send({
      url: '/platform/storage/ingest/v1/bizevents',
      method: 'POST',
      body: [
        { 'event.type': 'purchase', run, currency: 'EUR', amount: 42.5 },
        { 'event.type': 'purchase', run, currency: 'USD', amount: 10 },
        { 'event.type': 'refund', run, currency: 'USD', amount: 3 },
      ],
    });
    expect(ingest.status).toBe(202);

    const queries = new QueryExecutionClient(http);
    const state = new StateClient(http);
    const response = await queries.queryExecute({
      body: { query: `fetch bizevents | filter run == "${run}" and event.type == "purchase" | summarize count(), by: {currency} | sort currency asc` },
    });
    // The documentation's pattern: poll until the query is done (here it is at once).
    let result = response.result;
    if (response.state !== 'SUCCEEDED') result = (await queries.queryPoll({ requestToken: response.requestToken! })).result;
    expect(result?.records).toEqual([
      { currency: 'EUR', 'count()': 1 },
      { currency: 'USD', 'count()': 1 },
    ]);
    await state.setAppState({ key: `export-${run}`, body: { value: JSON.stringify(result?.records) } });
    expect(JSON.parse((await state.getAppState({ key: `export-${run}` })).value)).toHaveLength(2);
  });
});

describe('@dynatrace-sdk/client-platform-management-service', () => {
  it('getEnvironmentInformation names the environment of the call, by host and at the root', async () => {
    const { token } = await insertTestToken(platform.database.db, { scopes: ['platform-management:environments:read'], owner: 'admin@example.com', environmentIds: ['acme-prod'] });
    const byHost = await new EnvironmentInformationClient(client(`http://acme-prod.${DOMAIN}:${platform.port}`, token)).getEnvironmentInformation();
    expect(byHost).toMatchObject({ environmentId: 'acme-prod', type: 'CUSTOMER', state: 'ACTIVE' });
    expect(byHost.createTime).toBeInstanceOf(Date);
    const atRoot = await new EnvironmentInformationClient(client(`http://127.0.0.1:${platform.port}`, token)).getEnvironmentInformation();
    expect(atRoot.environmentId).toBe('acme-prod');
  });
});
