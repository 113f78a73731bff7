// The create form's scope table as the server renders it: the account management scopes form
// their own group, "Account management", each row listing the endpoints it grants.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { endpointsByScope } from '@/lib/platform/registry';
import { ScopesTable } from './scopes-table';

function render(): string {
  return renderToStaticMarkup(
    createElement(ScopesTable, {
      selected: [],
      onChange: () => undefined,
      ownerEmail: 'admin@example.com',
      holdingOf: () => ({ kind: 'all' as const }),
      endpointsByScope: endpointsByScope(),
    }),
  );
}

/** The markup of the group headed by the service's title. */
function group(html: string, serviceId: string): string {
  const start = html.indexOf(`<section aria-labelledby="scope-service-${serviceId}"`);
  expect(start, serviceId).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The endpoints listed beside a scope, as "METHOD path". */
function endpointsOf(html: string, scope: string): string[] {
  const start = html.indexOf(`aria-label="Endpoints ${scope} grants"`);
  expect(start, scope).toBeGreaterThanOrEqual(0);
  const list = html.slice(start, html.indexOf('</ul>', start));
  return [...list.matchAll(/<span class="w-12[^"]*">([A-Z]+)<\/span><span[^>]*>([^<]+)<\/span>/g)].map((m) => `${m[1]} ${m[2]}`);
}

describe('the scope table', () => {
  it('groups the account management scopes as "Account management", with the endpoints they grant', () => {
    const html = render();
    const account = group(html, 'account-management');
    expect(account).toContain('>Account management</span>');
    expect(account).toContain('Select all Account management scopes');
    for (const scope of ['platform-token:tokens:manage', 'account-idm-read', 'account-idm-write']) expect(account).toContain(`>${scope}</span>`);
    expect(group(html, 'document')).not.toContain('platform-token:tokens:manage');

    expect(endpointsOf(html, 'platform-token:tokens:manage')).toEqual([
      'GET /iam/v1/accounts/{accountId}/platform-tokens',
      'POST /iam/v1/accounts/{accountId}/platform-tokens',
      'DELETE /iam/v1/accounts/{accountId}/platform-tokens/{tokenId}',
      'PUT /iam/v1/accounts/{accountId}/platform-tokens/{tokenId}/status',
      'PUT /iam/v1/accounts/{accountId}/platform-tokens/{tokenId}/expiration-date',
    ]);
    expect(endpointsOf(html, 'account-idm-read')).toEqual([
      'GET /iam/v1/accounts/{accountId}/users',
      'GET /iam/v1/accounts/{accountId}/users/{email}',
      'GET /iam/v1/accounts/{accountId}/service-users',
    ]);
    expect(endpointsOf(html, 'account-idm-write')).toEqual([
      'POST /iam/v1/accounts/{accountId}/users',
      'DELETE /iam/v1/accounts/{accountId}/users/{email}',
      'PUT /iam/v1/accounts/{accountId}/users/{email}/groups',
      'POST /iam/v1/accounts/{accountId}/service-users',
      'DELETE /iam/v1/accounts/{accountId}/service-users/{id}',
    ]);
  });
});
