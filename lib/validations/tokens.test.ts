import { describe, expect, it } from 'vitest';
import { tokenFormFields } from '@/lib/tokens/test-support';
import { toFieldErrors } from './result';
import { duplicateTokenSchema, tokenActionSchema, tokenFormSchema } from './tokens';

const valid = tokenFormFields({ scopes: ['storage:logs:read'] });

function errorsOf(input: unknown, schema: typeof tokenFormSchema | typeof duplicateTokenSchema = tokenFormSchema) {
  const result = schema.safeParse(input);
  return result.success ? {} : toFieldErrors(result.error);
}

describe('the create form schema', () => {
  it('trims the name and accepts a valid form', () => {
    expect(tokenFormSchema.parse({ ...valid, name: '  Export  ' }).name).toBe('Export');
  });

  it('names the field of each broken rule', () => {
    expect(errorsOf({ ...valid, name: '   ' })).toEqual({ name: 'Enter a token name' });
    expect(errorsOf({ ...valid, name: 'x'.repeat(256) })).toEqual({ name: 'Token name can be at most 255 characters' });
    expect(errorsOf({ ...valid, name: ` ${'x'.repeat(255)} ` })).toEqual({});
    expect(errorsOf({ ...valid, expiration: 'custom' })).toEqual({ expiresAt: 'Choose the expiration date' });
    expect(errorsOf({ ...valid, expiration: 'forever' })).toEqual({ expiration: 'Choose when the token expires' });
    expect(errorsOf({ ...valid, accountId: '' })).toEqual({ accountId: 'Choose an account' });
    expect(errorsOf({ ...valid, environmentIds: [] })).toEqual({
      environmentIds: 'Choose at least one environment, or apply the token to the account',
    });
    expect(errorsOf({ ...valid, environmentIds: [], appliesToAccount: true })).toEqual({});
    expect(errorsOf({ ...valid, generateFor: 'service-user' })).toEqual({ serviceUserId: 'Choose a service user' });
    expect(errorsOf({ ...valid, scopes: [] })).toEqual({ scopes: 'Choose at least one scope' });
    expect(errorsOf({ ...valid, scopes: ['storage:logs:read', 'root:everything'] })).toEqual({ scopes: 'Choose scopes from the list' });
  });

  it('takes a duplicate with its source token ID, and token actions by token ID only', () => {
    expect(errorsOf({ ...valid, sourceTokenId: 'dt0s16.' + 'A'.repeat(24) }, duplicateTokenSchema)).toEqual({});
    expect(errorsOf({ ...valid, sourceTokenId: 'dt0s16.abc' }, duplicateTokenSchema)).toEqual({ sourceTokenId: 'Token ID is not valid' });
    expect(tokenActionSchema.safeParse({ tokenId: 'dt0s16.' + 'A'.repeat(24) + '.' + 'B'.repeat(64) }).success).toBe(false);
  });
});
