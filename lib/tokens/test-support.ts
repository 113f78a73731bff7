// The create form of the token tests, filled in as a person would for a token that passes every rule.
import { tokenFormSchema, type TokenFormInput, type TokenFormValues } from '@/lib/validations/tokens';

/** The form's fields before parsing: valid for alice in Acme, with the given changes. */
export function tokenFormFields(overrides: Partial<TokenFormInput> = {}): TokenFormInput {
  return {
    name: 'Nightly export',
    expiration: '30d',
    expiresAt: '',
    accountId: 'acme',
    appliesToAccount: false,
    environmentIds: ['acme-prod'],
    generateFor: 'myself',
    serviceUserId: '',
    scopes: ['document:documents:read'],
    ...overrides,
  };
}

/** The same form as the server action receives it, parsed. */
export function tokenInput(overrides: Partial<TokenFormInput> = {}): TokenFormValues {
  return tokenFormSchema.parse(tokenFormFields(overrides));
}
