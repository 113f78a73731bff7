import { describe, expect, it } from 'vitest';
import { generationBlock, tokenActions, type TokenActionContext } from './capabilities';

const base: TokenActionContext = {
  status: 'active',
  accountName: 'Acme Corp',
  isCreator: true,
  isOwner: true,
  isAdmin: false,
  allowTokenManagement: true,
  tokenCount: 3,
  limit: 10,
};

const kinds = (context: TokenActionContext) => tokenActions(context).map((a) => a.kind);
const reason = (context: TokenActionContext, kind: string) => tokenActions(context).find((a) => a.kind === kind)?.unavailable;

describe('the actions offered on a token', () => {
  it('offers its creator every action, Disable or Enable by its status', () => {
    expect(kinds(base)).toEqual(['disable', 'rotate', 'duplicate', 'delete']);
    expect(kinds({ ...base, status: 'disabled' })).toEqual(['enable', 'rotate', 'duplicate', 'delete']);
    expect(tokenActions(base).every((a) => a.unavailable === undefined)).toBe(true);
  });

  it('offers an admin disable, enable and delete of someone else’s token, but no rotating or duplicating', () => {
    const admin = { ...base, isCreator: false, isOwner: false, isAdmin: true };
    expect(kinds(admin)).toEqual(['disable', 'delete']);
    expect(kinds({ ...admin, status: 'disabled' })).toEqual(['enable', 'delete']);
  });

  it('offers the owner of a token someone else generated rotating and duplicating it', () => {
    expect(kinds({ ...base, isCreator: false })).toEqual(['disable', 'rotate', 'duplicate', 'delete']);
  });

  it('keeps Rotate and Duplicate in the menu, unavailable and saying why, while token management is off', () => {
    const off = { ...base, allowTokenManagement: false };
    expect(kinds(off)).toEqual(['disable', 'rotate', 'duplicate', 'delete']);
    expect(reason(off, 'rotate')).toContain('has turned off "Allow to manage platform tokens"');
    expect(reason(off, 'duplicate')).toContain('has turned off "Allow to manage platform tokens"');
    expect(reason(off, 'disable')).toBeUndefined();
    expect(reason(off, 'delete')).toBeUndefined();
  });

  it('lets only an admin enable a token while token management is off', () => {
    const off = { ...base, status: 'disabled' as const, allowTokenManagement: false };
    expect(reason(off, 'enable')).toContain('Only an admin can enable tokens there.');
    expect(reason({ ...off, isAdmin: true }, 'enable')).toBeUndefined();
  });

  it('makes Duplicate unavailable at the limit of 10, naming the count and the account; Rotate stays', () => {
    const full = { ...base, tokenCount: 10 };
    expect(reason(full, 'duplicate')).toBe('You have 10 of 10 platform tokens in Acme Corp. Delete one to duplicate this one.');
    expect(reason(full, 'rotate')).toBeUndefined();
  });

  it('rotates at the limit only with the old token stopping at once, and says why "Later" is unavailable', () => {
    const laterReason = (context: TokenActionContext) => tokenActions(context).find((a) => a.kind === 'rotate')?.laterUnavailable;
    expect(laterReason({ ...base, tokenCount: 10 })).toBe(
      'You have 10 of 10 platform tokens in Acme Corp. The old token would count until it expires, so it can only stop immediately.',
    );
    expect(laterReason({ ...base, tokenCount: 9 })).toBeUndefined();
    // Rotating is unavailable altogether while token management is off: one reason is enough.
    expect(laterReason({ ...base, tokenCount: 10, allowTokenManagement: false })).toBeUndefined();
  });
});

describe('what stops generating a token in the chosen account', () => {
  const account = { name: 'Globex', allowTokenManagement: true, tokenCount: 9, limit: 10 };

  it('is nothing below the limit where token management is allowed', () => {
    expect(generationBlock(account)).toBeNull();
  });

  it('names the account and the limit at 10 of 10', () => {
    expect(generationBlock({ ...account, tokenCount: 10 })).toBe(
      'Globex already holds 10 of your 10 platform tokens, the most allowed: delete one there, or choose another account.',
    );
  });

  it('says that an admin turned token management off, before the limit', () => {
    expect(generationBlock({ ...account, tokenCount: 10, allowTokenManagement: false })).toContain(
      'An admin of Globex has turned off "Allow to manage platform tokens"',
    );
  });
});
