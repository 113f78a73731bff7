import { describe, expect, it } from 'vitest';
import { authorizationHeader, buildRequest, curlCommand, needsEnvironment } from './request';

describe('the explorer request', () => {
  it('fills path parameters, encodes them and adds the query', () => {
    const request = buildRequest(
      'acme-prod',
      { method: 'PUT', path: '/state/v1/apps/{appId}/app-states/{key}' },
      { appId: 'my.app', key: 'a b/c' },
      { limit: '10', 'page-key': '' },
      '{"value":1}',
    );
    expect(request).toEqual({ method: 'PUT', url: '/e/acme-prod/platform/state/v1/apps/my.app/app-states/a%20b%2Fc?limit=10', body: '{"value":1}' });
  });

  it('sends an account-level call to the root, for the account in its path', () => {
    const request = buildRequest(
      'acme-prod',
      { method: 'GET', path: '/iam/v1/accounts/{accountId}/platform-tokens', level: 'account' },
      { accountId: 'acme' },
      { searchTerm: 'ci', status: '' },
      null,
    );
    expect(request).toEqual({ method: 'GET', url: '/iam/v1/accounts/acme/platform-tokens?searchTerm=ci', body: null });
  });

  it('needs an environment for an environment call only: an account-level call goes without one', () => {
    expect(needsEnvironment({})).toBe(true);
    expect(needsEnvironment({ level: 'environment' })).toBe(true);
    expect(needsEnvironment({ level: 'account' })).toBe(false);
    const request = buildRequest('', { method: 'GET', path: '/iam/v1/accounts/{accountId}/users', level: 'account' }, { accountId: 'acme' }, {}, null);
    expect(request.url).toBe('/iam/v1/accounts/acme/users');
  });

  it('shows the token as $TOKEN in the curl command, and quotes the body for the shell', () => {
    const command = curlCommand('http://localhost:3000', {
      method: 'POST',
      url: '/e/acme-prod/platform/document/v1/documents',
      body: `{"name":"it's"}`,
    });
    expect(command).toBe(
      [
        `curl -X POST 'http://localhost:3000/e/acme-prod/platform/document/v1/documents'`,
        `-H "Authorization: Bearer $TOKEN"`,
        `-H 'Content-Type: application/json'`,
        `-d '{"name":"it'\\''s"}'`,
      ].join(' \\\n  '),
    );
  });

  it('adds "Bearer " to a pasted bare token only', () => {
    expect(authorizationHeader(' dt0s16.ABC.DEF ')).toBe('Bearer dt0s16.ABC.DEF');
    expect(authorizationHeader('Bearer dt0s16.ABC.DEF')).toBe('Bearer dt0s16.ABC.DEF');
    expect(authorizationHeader('Basic x')).toBe('Basic x');
  });
});
