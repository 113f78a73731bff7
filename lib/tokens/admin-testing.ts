// Fixtures of the admin token tests: actors of the demo users and tokens inserted as they are stored.
import { asc, count, eq } from 'drizzle-orm';
import { loadActor, type Actor } from '@/lib/auth/users';
import type { Db } from '@/lib/db';
import { accounts, auditEvents, platformTokenEnvironments, platformTokens, serviceUsers, users } from '@/lib/db/schema';
import { generateToken } from './format';

export async function actorByEmail(db: Db, email: string): Promise<Actor> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const actor = user ? await loadActor(db, user.id) : null;
  if (!actor) throw new Error(`no user ${email}`);
  return actor;
}

export interface TestTokenSpec {
  name: string;
  accountId?: string;
  /** A user's or a service user's email. */
  owner: string;
  creator?: string;
  status?: 'active' | 'disabled';
  expiresAt?: Date | null;
  createdAt: Date;
  lastUsedAt?: Date | null;
  environmentIds?: string[];
}

export interface TestToken {
  id: string;
  publicId: string;
  tokenId: string;
  token: string;
  name: string;
}

export async function insertTestTokens(db: Db, specs: TestTokenSpec[]): Promise<TestToken[]> {
  const people = new Map((await db.select().from(users)).map((u) => [u.email, u.id]));
  const services = new Map((await db.select().from(serviceUsers)).map((s) => [s.email, s.id]));
  const out: TestToken[] = [];
  for (const spec of specs) {
    const generated = generateToken();
    const environmentIds = spec.environmentIds ?? [];
    const [row] = await db
      .insert(platformTokens)
      .values({
        accountId: spec.accountId ?? 'acme',
        publicId: generated.publicId,
        secretHash: generated.secretHash,
        name: spec.name,
        ownerUserId: people.get(spec.owner) ?? null,
        ownerServiceUserId: services.get(spec.owner) ?? null,
        createdById: people.get(spec.creator ?? spec.owner) ?? people.get('admin@example.com')!,
        scopes: ['document:documents:read'],
        appliesToAccount: environmentIds.length === 0,
        status: spec.status ?? 'active',
        expiresAt: spec.expiresAt ?? null,
        createdAt: spec.createdAt,
        lastUsedAt: spec.lastUsedAt ?? null,
      })
      .returning({ id: platformTokens.id });
    if (environmentIds.length > 0) {
      await db.insert(platformTokenEnvironments).values(environmentIds.map((environmentId) => ({ tokenId: row!.id, environmentId })));
    }
    out.push({ id: row!.id, publicId: generated.publicId, tokenId: generated.tokenId, token: generated.token, name: spec.name });
  }
  return out;
}

/** Everything an admin token change could touch, to show that a refused one touched nothing. */
export async function adminSnapshot(db: Db) {
  return {
    tokens: await db
      .select({ publicId: platformTokens.publicId, status: platformTokens.status, accountId: platformTokens.accountId })
      .from(platformTokens)
      .orderBy(asc(platformTokens.publicId)),
    environments: (await db.select({ n: count() }).from(platformTokenEnvironments))[0]!.n,
    audit: (await db.select({ n: count() }).from(auditEvents))[0]!.n,
    accounts: await db.select({ id: accounts.id, allow: accounts.allowTokenManagement }).from(accounts).orderBy(accounts.id),
  };
}
