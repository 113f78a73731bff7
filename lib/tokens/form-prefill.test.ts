import { describe, expect, it } from 'vitest';
import { tokenFormSchema } from '@/lib/validations/tokens';
import { duplicatePrefill, emptyTokenForm } from './form-prefill';
import { truncateName } from './names';
import type { TokenView } from './view';

const view: TokenView = {
  tokenId: 'dt0s16.' + 'A'.repeat(24),
  name: 'Nightly export',
  accountId: 'acme',
  accountName: 'Acme Corp',
  accountMaxLifetimeDays: null,
  status: 'active',
  state: 'Active',
  appliesToAccount: false,
  environments: [{ id: 'acme-prod', name: 'Production' }],
  owner: { email: 'ci-bot@service.example.com', isServiceUser: true, serviceUserId: '6f1c2a8e-0000-4000-8000-000000000001' },
  createdByEmail: 'alice@example.com',
  createdById: null,
  ownerUserId: null,
  scopes: ['storage:logs:read', 'storage:buckets:read'],
  expiresAt: '2026-05-01T00:00:00.000Z',
  createdAt: '2026-04-01T00:00:00.000Z',
  lastUsedAt: null,
  lastUsedIp: null,
  rotatedFromTokenId: null,
  rotatedToTokenId: null,
  rotatedAt: null,
  allowedClientAddresses: ['203.0.113.0/24', '2001:db8::/32'],
};

describe('duplicating a token', () => {
  const now = new Date('2026-04-10T00:00:00Z');

  it('prefills every property and names the copy', () => {
    expect(duplicatePrefill(view, now)).toEqual({
      name: 'Duplicate of: Nightly export',
      expiration: 'custom',
      expiresAt: '2026-05-01T00:00:00.000Z',
      accountId: 'acme',
      appliesToAccount: false,
      environmentIds: ['acme-prod'],
      generateFor: 'service-user',
      serviceUserId: view.owner.serviceUserId,
      scopes: ['storage:logs:read', 'storage:buckets:read'],
      allowedClientAddresses: '203.0.113.0/24, 2001:db8::/32',
    });
    expect(duplicatePrefill({ ...view, expiresAt: null, owner: { ...view.owner, isServiceUser: false, serviceUserId: null } }, now)).toMatchObject({
      expiration: 'never',
      generateFor: 'myself',
      serviceUserId: '',
    });
  });

  it('keeps the name within 255 characters without splitting a character', () => {
    const long = duplicatePrefill({ ...view, name: 'x'.repeat(255) }, now);
    expect(long.name).toHaveLength(255);
    expect(long.name.startsWith('Duplicate of: xxx')).toBe(true);
    expect(tokenFormSchema.safeParse(long).success).toBe(true);
    expect(truncateName('ab😀', 3)).toBe('ab');
    expect(truncateName('ab😀', 4)).toBe('ab😀');
  });

  it("gives an expired original's lifetime again from now", () => {
    const later = new Date('2026-06-01T00:00:00Z');
    expect(duplicatePrefill(view, later).expiresAt).toBe('2026-07-01T00:00:00.000Z');
  });
});

describe('a new token', () => {
  it('starts in the first account that allows token management, with its environments ticked', () => {
    const account = (id: string, allow: boolean) => ({
      id,
      name: id,
      allowTokenManagement: allow,
      maxLifetimeDays: null,
      tokenCount: 0,
      limit: 10,
      environments: [{ id: `${id}-prod`, name: 'Production' }],
      owners: [],
      blocked: null,
    });
    expect(emptyTokenForm([account('globex', false), account('acme', true)])).toMatchObject({
      accountId: 'acme',
      environmentIds: ['acme-prod'],
      expiration: '30d',
      generateFor: 'myself',
      scopes: [],
    });
    expect(emptyTokenForm([account('globex', false)])).toMatchObject({ accountId: '', environmentIds: [] });
  });
});
