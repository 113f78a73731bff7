import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditEvents, environments, platformTokenEnvironments, platformTokens, serviceUsers } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { hashToken, parseToken } from './format';
import { generatePlatformToken } from './generate';
import { attemptDuringChange, lockHolder, settle, tokenInput } from './test-support';

const NOW = new Date('2026-03-31T22:30:00Z');

describe(`generating platform tokens (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const alice = () => demo.actor('alice@example.com');
  const tokenCount = async () => (await database.db.select({ id: platformTokens.id }).from(platformTokens)).length;

  async function rejection(promise: Promise<unknown>) {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  }

  it('stores the token with its hash only, and records who generated it', async () => {
    const result = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name: '  Nightly export  ', environmentIds: ['acme-prod', 'acme-staging'], scopes: ['storage:logs:read', 'storage:buckets:read'] }),
      NOW,
    );
    const parsed = parseToken(result.token);
    expect(parsed?.tokenId).toBe(result.tokenId);
    expect(result.name).toBe('Nightly export');
    expect(result.accountName).toBe('Acme Corp');

    const [row] = await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, parsed!.publicId));
    expect(row).toMatchObject({
      accountId: 'acme',
      name: 'Nightly export',
      ownerUserId: alice().userId,
      ownerServiceUserId: null,
      createdById: alice().userId,
      appliesToAccount: false,
      status: 'active',
      secretHash: hashToken(result.token),
    });
    expect(row!.scopes.sort()).toEqual(['storage:buckets:read', 'storage:logs:read']);
    expect(row!.expiresAt?.toISOString()).toBe('2026-04-30T22:30:00.000Z');
    const envs = await database.db.select().from(platformTokenEnvironments).where(eq(platformTokenEnvironments.tokenId, row!.id));
    expect(envs.map((e) => e.environmentId).sort()).toEqual(['acme-prod', 'acme-staging']);

    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.tokenId, result.tokenId));
    expect(event).toMatchObject({ action: 'token.generated', actorEmail: 'alice@example.com', targetName: 'Nightly export', accountId: 'acme' });
  });

  it('leaves no trace of the secret in any column of any row it wrote', async () => {
    const result = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Secret check', expiration: 'never' }), NOW);
    const secret = parseToken(result.token)!.secret;
    const publicId = parseToken(result.token)!.publicId;
    const tables = [
      sql`select * from platform_tokens where public_id = ${publicId}`,
      sql`select e.* from platform_token_environments e join platform_tokens t on t.id = e.token_id where t.public_id = ${publicId}`,
      sql`select * from audit_events where token_id = ${result.tokenId}`,
    ];
    let columns = 0;
    for (const query of tables) {
      const { rows } = (await database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] };
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          columns++;
          const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
          expect(text).not.toContain(secret);
          expect(text).not.toContain(secret.slice(0, 16));
        }
      }
    }
    expect(columns).toBeGreaterThan(20);
  });

  it('applies a token to the account without environments, and never expires with "Never"', async () => {
    const result = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name: 'Whole account', appliesToAccount: true, environmentIds: ['acme-prod'], expiration: 'never' }),
      NOW,
    );
    const [row] = await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, parseToken(result.token)!.publicId));
    expect(row).toMatchObject({ appliesToAccount: true, expiresAt: null });
    expect(await database.db.select().from(platformTokenEnvironments).where(eq(platformTokenEnvironments.tokenId, row!.id))).toHaveLength(0);
  });

  it('refuses a custom expiration that is not in the future, at its field, writing nothing', async () => {
    const before = await tokenCount();
    const error = await rejection(
      generatePlatformToken(database.db, alice(), tokenInput({ expiration: 'custom', expiresAt: NOW.toISOString() }), NOW),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({ expiresAt: 'The expiration date must be in the future' });
    const ok = await generatePlatformToken(
      database.db,
      alice(),
      tokenInput({ name: 'Custom', expiration: 'custom', expiresAt: '2026-04-01T00:30:00+01:00' }),
      NOW,
    );
    expect(ok.tokenId).toMatch(/^dt0s16\./);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('refuses environments of another account and accounts the user is not in', async () => {
    const before = await tokenCount();
    const wrongEnv = await rejection(generatePlatformToken(database.db, alice(), tokenInput({ environmentIds: ['globex-prod'] }), NOW));
    expect((wrongEnv as ValidationError).fieldErrors).toEqual({ environmentIds: 'Choose environments of Acme Corp' });
    const notMember = await rejection(
      generatePlatformToken(database.db, demo.actor('bob@example.com'), tokenInput({ accountId: 'globex', environmentIds: ['globex-prod'] }), NOW),
    );
    expect((notMember as ValidationError).fieldErrors).toEqual({ accountId: 'Choose an account you are a member of' });
    const unknown = await rejection(generatePlatformToken(database.db, alice(), tokenInput({ accountId: 'nope' }), NOW));
    expect((unknown as ValidationError).fieldErrors.accountId).toBeDefined();
    expect(await tokenCount()).toBe(before);
  });

  it('generates for a service user only when a policy lets the user use it', async () => {
    const ciBot = demo.id('acme/ci-bot@service.example.com');
    const exporter = demo.id('acme/exporter@service.example.com');
    const forService = (serviceUserId: string) => tokenInput({ name: 'For a service user', generateFor: 'service-user', serviceUserId });

    const ok = await generatePlatformToken(database.db, alice(), forService(ciBot), NOW);
    const [row] = await database.db.select().from(platformTokens).where(eq(platformTokens.publicId, parseToken(ok.token)!.publicId));
    expect(row).toMatchObject({ ownerUserId: null, ownerServiceUserId: ciBot, createdById: alice().userId });

    const before = await tokenCount();
    const denied = await rejection(generatePlatformToken(database.db, alice(), forService(exporter), NOW));
    expect((denied as ValidationError).fieldErrors.serviceUserId).toMatch(/exporter@service\.example\.com/);
    const bobDenied = await rejection(generatePlatformToken(database.db, demo.actor('bob@example.com'), forService(ciBot), NOW));
    expect((bobDenied as ValidationError).fieldErrors.serviceUserId).toMatch(/ci-bot@service\.example\.com/);
    const bogus = await rejection(generatePlatformToken(database.db, alice(), forService('not-a-uuid'), NOW));
    expect((bogus as ValidationError).fieldErrors.serviceUserId).toBe('Choose a service user of Acme Corp');
    const otherAccount = await rejection(
      generatePlatformToken(database.db, alice(), { ...forService(ciBot), accountId: 'globex', environmentIds: ['globex-prod'] }, NOW),
    );
    expect((otherAccount as ValidationError).fieldErrors.serviceUserId).toBe('Choose a service user of Globex');
    expect(await tokenCount()).toBe(before);

    await generatePlatformToken(database.db, demo.actor('admin@example.com'), forService(exporter), NOW);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('refuses to generate or duplicate while "Allow to manage platform tokens" is off', async () => {
    const source = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Source', accountId: 'globex', environmentIds: ['globex-prod'] }), NOW);
    await database.db.update(accounts).set({ allowTokenManagement: false }).where(eq(accounts.id, 'globex'));
    const before = await tokenCount();
    const input = tokenInput({ accountId: 'globex', environmentIds: ['globex-prod'] });
    const generated = await rejection(generatePlatformToken(database.db, alice(), input, NOW));
    expect((generated as ValidationError).fieldErrors.accountId).toMatch(/Globex has turned off "Allow to manage platform tokens"/);
    const duplicated = await rejection(generatePlatformToken(database.db, alice(), input, NOW, { sourceTokenId: source.tokenId }));
    expect(duplicated).toBeInstanceOf(ValidationError);
    expect(await tokenCount()).toBe(before);
    await database.db.update(accounts).set({ allowTokenManagement: true }).where(eq(accounts.id, 'globex'));
  });

  it('duplicates a token the user may see, and records it as a duplicate', async () => {
    const source = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Original' }), NOW);
    const copy = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'Duplicate of: Original' }), NOW, {
      sourceTokenId: source.tokenId,
    });
    expect(copy.token).not.toBe(source.token);
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.tokenId, copy.tokenId));
    expect(event).toMatchObject({ action: 'token.duplicated', targetName: 'Duplicate of: Original' });
    expect(event!.details).toMatchObject({ duplicatedFrom: source.tokenId });

    const before = await tokenCount();
    const bob = await rejection(
      generatePlatformToken(database.db, demo.actor('bob@example.com'), tokenInput(), NOW, { sourceTokenId: source.tokenId }),
    );
    expect(bob).toBeInstanceOf(NotFoundError);
    expect(await tokenCount()).toBe(before);
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  describe.skipIf(testBackend !== 'postgres')('with a concurrent change', () => {
    const admin = () => demo.actor('admin@example.com');

    it('refuses a service user deleted while the generation waits for it, at its field', async () => {
      const [racing] = await database.db
        .insert(serviceUsers)
        .values({ accountId: 'acme', email: 'racing@service.example.com', name: 'Racing', description: '' })
        .returning({ id: serviceUsers.id });
      const { outcome, waited } = await attemptDuringChange(
        database.db,
        (tx) => tx.delete(serviceUsers).where(eq(serviceUsers.id, racing!.id)),
        () => generatePlatformToken(database.db, admin(), tokenInput({ generateFor: 'service-user', serviceUserId: racing!.id }), NOW),
      );
      expect(waited).toBe(true);
      expect(outcome).toMatchObject({ ok: false, error: expect.any(ValidationError) });
      expect(!outcome.ok && (outcome.error as ValidationError).fieldErrors).toEqual({ serviceUserId: 'Choose a service user of Acme Corp' });
    });

    it('refuses an environment deleted while the generation waits for it, at its field', async () => {
      await database.db.insert(environments).values({ id: 'acme-racing', accountId: 'acme', name: 'Racing' });
      const { outcome, waited } = await attemptDuringChange(
        database.db,
        (tx) => tx.delete(environments).where(eq(environments.id, 'acme-racing')),
        () => generatePlatformToken(database.db, alice(), tokenInput({ environmentIds: ['acme-prod', 'acme-racing'] }), NOW),
      );
      expect(waited).toBe(true);
      expect(outcome).toMatchObject({ ok: false, error: expect.any(ValidationError) });
      expect(!outcome.ok && (outcome.error as ValidationError).fieldErrors).toEqual({ environmentIds: 'Choose environments of Acme Corp' });
    });

    it('duplicates into another account beside a duplicate the other way, one after the other', async () => {
      const source = await generatePlatformToken(database.db, alice(), tokenInput({ name: 'In Acme' }), NOW);
      const holder = await lockHolder(database.url!);
      try {
        // A duplicate of hers from Globex into Acme, in another tab: Acme's rows first, as Acme
        // comes first, then Globex's.
        await holder.query(`select 1 from accounts where id = 'acme' for share`);
        await holder.query(`select 1 from account_members where account_id = 'acme' and user_id = $1 for update`, [alice().userId]);
        const duplicating = settle(
          generatePlatformToken(database.db, alice(), tokenInput({ name: 'In Globex', accountId: 'globex', environmentIds: ['globex-prod'] }), NOW, {
            sourceTokenId: source.tokenId,
          }),
        );
        await holder.untilWaiting(1);
        const other = await settle(
          (async () => {
            await holder.query(`select 1 from accounts where id = 'globex' for share`);
            await holder.query(`select 1 from account_members where account_id = 'globex' and user_id = $1 for share`, [alice().userId]);
          })(),
        );
        await holder.release();
        expect(other).toMatchObject({ ok: true });
        expect(await duplicating).toMatchObject({ ok: true, value: { accountName: 'Globex' } });
      } finally {
        await holder.end();
      }
    });
  });
});
