// Shared fixtures of the token tests: demo users as actors and a valid create-form input.
import type { Db } from '@/lib/db';
import { serviceUsers, users } from '@/lib/db/schema';
import { tokenFormSchema, type TokenFormInput, type TokenFormValues } from '@/lib/validations/tokens';
import type { TokenActor } from './access';

export interface DemoIds {
  actor: (email: string) => TokenActor;
  serviceUserId: (email: string) => string;
}

export async function demoIds(db: Db): Promise<DemoIds> {
  const people = new Map((await db.select().from(users)).map((u) => [u.email, u.id]));
  const services = new Map((await db.select().from(serviceUsers)).map((s) => [s.email, s.id]));
  return {
    actor: (email) => ({ userId: people.get(email)!, email }),
    serviceUserId: (email) => services.get(email)!,
  };
}

/** A create-form input that passes every rule for alice in Acme, with the given changes. */
export function tokenInput(overrides: Partial<TokenFormInput> = {}): TokenFormValues {
  return tokenFormSchema.parse({
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
  });
}
