import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onChanges, type Change } from '@/lib/changes';
import { accounts, auditEvents } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError } from '@/lib/errors';
import { removeMember } from '@/lib/people/members';
import { actorByEmail } from '@/lib/testing/demo';
import { adminSnapshot } from '@/lib/tokens/admin-testing';
import { newMember, queuedBehindMembership } from '@/lib/tokens/test-support';
import { setTokenManagement } from './token-management';

describe(`"Allow to manage platform tokens" on ${testBackend}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const allowed = async (accountId: string) =>
    (await database.db.select({ allow: accounts.allowTokenManagement }).from(accounts).where(eq(accounts.id, accountId)))[0]?.allow;

  it('denies and allows again, audited and announced for the account', async () => {
    const admin = await actorByEmail(database.db, 'admin@example.com');
    const seen: Change[] = [];
    const stop = onChanges((c) => seen.push(...c));
    try {
      expect(await setTokenManagement(database.db, admin, 'acme', false)).toEqual({ allow: false, changed: true });
    } finally {
      stop();
    }
    expect(seen).toEqual([{ kind: 'account', accountId: 'acme' }]);
    expect(await allowed('acme')).toBe(false);
    expect(await allowed('globex')).toBe(true);
    const [denied] = await database.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(denied).toMatchObject({ accountId: 'acme', action: 'account.token_management_denied', actorEmail: 'admin@example.com', targetName: 'Acme Corp' });

    // Saying it again changes nothing and records nothing.
    const before = await adminSnapshot(database.db);
    expect(await setTokenManagement(database.db, admin, 'acme', false)).toEqual({ allow: false, changed: false });
    expect(await adminSnapshot(database.db)).toEqual(before);

    expect(await setTokenManagement(database.db, admin, 'acme', true)).toEqual({ allow: true, changed: true });
    expect(await allowed('acme')).toBe(true);
    const [allowedEvent] = await database.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(allowedEvent?.action).toBe('account.token_management_allowed');
  });

  it('refuses members and changes nothing', async () => {
    for (const email of ['alice@example.com', 'bob@example.com']) {
      const member = await actorByEmail(database.db, email);
      const before = await adminSnapshot(database.db);
      await expect(setTokenManagement(database.db, member, 'acme', false)).rejects.toBeInstanceOf(NotFoundError);
      await expect(setTokenManagement(database.db, member, 'globex', false)).rejects.toBeInstanceOf(NotFoundError);
      expect(await adminSnapshot(database.db)).toEqual(before);
    }
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  it.skipIf(testBackend !== 'postgres')('is turned off by an admin whom another admin removes meanwhile, one after the other', async () => {
    const erin = await newMember(database.db, 'acme', 'erin@example.com', 'admin');
    const admin = await actorByEmail(database.db, 'admin@example.com');
    try {
      // What a token generation of hers in another tab holds: her membership row. The switch and
      // the removal queue behind it; each would hold one of the account's and her membership's
      // rows while waiting for the other, unless both take them in one order.
      const [turningOff, removing] = await queuedBehindMembership(
        database.url!,
        { accountId: 'acme', userId: erin.userId, lock: 'update' },
        () => setTokenManagement(database.db, erin, 'acme', false),
        () => removeMember(database.db, admin, { accountId: 'acme', userId: erin.userId }),
      );
      expect(turningOff).toEqual({ ok: true, value: { allow: false, changed: true } });
      expect(removing).toMatchObject({ ok: true, value: { email: 'erin@example.com' } });
    } finally {
      await setTokenManagement(database.db, admin, 'acme', true);
    }
  });
});
