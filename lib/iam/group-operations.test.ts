import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMembers, auditEvents, groups } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { publishedDuring } from '@/lib/testing/changes';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { bindPolicy, unbindPolicy } from './binding-operations';
import { checkPermission, effectivePermissions } from './effective-permissions';
import { addGroupMember, createGroup, deleteGroup, removeGroupMember, renameGroup } from './group-operations';
import { groupDetail, listGroups } from './iam-queries';
import { createPolicy } from './policy-operations';
import { iamSnapshot } from './testing';
import { NOT_AN_ADMIN_MESSAGE } from '@/lib/accounts/admin-access';
import { attemptDuringChange } from '@/lib/tokens/test-support';

const NOT_AN_ADMIN = { name: 'NotFoundError', message: NOT_AN_ADMIN_MESSAGE };

describe(`group and binding operations (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  const admin = () => demo.actor('admin@example.com');

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
  });
  afterAll(() => database.close());

  const lastAudit = async () =>
    (await database.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0]!;

  it('creates, renames and deletes a group, with audit events and account changes', async () => {
    const db = database.db;
    let id = '';
    const created = await publishedDuring(async () => {
      id = (await createGroup(db, admin(), { accountId: 'acme', name: '  Release managers ', description: 'Ship it' })).id;
    });
    expect(created).toEqual([{ kind: 'account', accountId: 'acme' }]);
    expect(await lastAudit()).toMatchObject({ action: 'group.created', targetName: 'Release managers', actorEmail: 'admin@example.com' });
    expect((await listGroups(db, admin(), 'acme')).find((g) => g.id === id)).toMatchObject({
      name: 'Release managers',
      memberCount: 0,
      policyCount: 0,
    });
    expect((await listGroups(db, admin(), 'acme')).find((g) => g.name === 'Developers')).toMatchObject({
      memberCount: 2,
      policyCount: 1,
    });

    await renameGroup(db, admin(), { accountId: 'acme', groupId: id, name: 'Releasers', description: 'Ship it' });
    expect(await lastAudit()).toMatchObject({ action: 'group.renamed', details: { from: 'Release managers', to: 'Releasers' } });

    await expect(renameGroup(db, admin(), { accountId: 'acme', groupId: id, name: 'Developers' })).rejects.toMatchObject({
      fieldErrors: { name: 'A group named "Developers" already exists' },
    });
    await expect(createGroup(db, admin(), { accountId: 'acme', name: 'Developers' })).rejects.toBeInstanceOf(ValidationError);
    // Names are per account: Globex may have its own "Developers".
    const globex = await createGroup(db, admin(), { accountId: 'globex', name: 'Developers' });
    await deleteGroup(db, admin(), { accountId: 'globex', groupId: globex.id });

    const deleted = await publishedDuring(() => deleteGroup(db, admin(), { accountId: 'acme', groupId: id }));
    expect(deleted).toEqual([{ kind: 'account', accountId: 'acme' }]);
    expect(await lastAudit()).toMatchObject({ action: 'group.deleted', targetName: 'Releasers' });
    await expect(deleteGroup(db, admin(), { accountId: 'acme', groupId: id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses bad input at its field and changes nothing', async () => {
    const before = await iamSnapshot(database.db);
    await expect(createGroup(database.db, admin(), { accountId: 'acme', name: '   ' })).rejects.toMatchObject({
      fieldErrors: { name: 'Enter a name for the group' },
    });
    await expect(createGroup(database.db, admin(), { accountId: 'acme', name: 'x'.repeat(256) })).rejects.toMatchObject({
      fieldErrors: { name: 'The name can be at most 255 characters' },
    });
    await expect(renameGroup(database.db, admin(), { accountId: 'acme', groupId: 'not-a-uuid', name: 'A' })).rejects.toMatchObject({
      fieldErrors: { groupId: 'Choose a group' },
    });
    expect(await iamSnapshot(database.db)).toEqual(before);
  });

  it('adds and removes users and service users of the account, and nobody else', async () => {
    const db = database.db;
    const { id } = await createGroup(db, admin(), { accountId: 'acme', name: 'Operators' });
    const bob = `user:${demo.id('bob@example.com')}`;
    const exporter = `service-user:${demo.id('acme/exporter@service.example.com')}`;
    await addGroupMember(db, admin(), { accountId: 'acme', groupId: id, member: bob });
    await addGroupMember(db, admin(), { accountId: 'acme', groupId: id, member: exporter });
    expect(await lastAudit()).toMatchObject({
      action: 'group.member_added',
      targetName: 'Operators',
      details: { member: 'exporter@service.example.com', memberKind: 'service-user' },
    });
    await expect(addGroupMember(db, admin(), { accountId: 'acme', groupId: id, member: bob })).rejects.toMatchObject({
      fieldErrors: { member: 'bob@example.com is already a member of this group' },
    });

    // Bob is not a member of Globex; a Globex group cannot take him, nor an Acme service user.
    const { id: globexGroup } = await createGroup(db, admin(), { accountId: 'globex', name: 'Ops' });
    for (const member of [bob, exporter]) {
      await expect(addGroupMember(db, admin(), { accountId: 'globex', groupId: globexGroup, member })).rejects.toMatchObject({
        fieldErrors: { member: 'Choose a user or service user of this account' },
      });
    }
    // A group of another account is not found through this account.
    await expect(addGroupMember(db, admin(), { accountId: 'acme', groupId: globexGroup, member: bob })).rejects.toBeInstanceOf(
      NotFoundError,
    );

    const detail = await groupDetail(db, admin(), 'acme', id);
    expect(detail.members.map((m) => m.email)).toEqual(['bob@example.com', 'exporter@service.example.com']);
    expect(detail.candidates.map((m) => m.email)).not.toContain('bob@example.com');

    await removeGroupMember(db, admin(), { accountId: 'acme', groupId: id, member: bob });
    expect(await lastAudit()).toMatchObject({ action: 'group.member_removed', details: { member: 'bob@example.com' } });
    await expect(removeGroupMember(db, admin(), { accountId: 'acme', groupId: id, member: bob })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('binds policies account-wide or to chosen environments, and the permissions follow at once', async () => {
    const db = database.db;
    const bobId = demo.id('bob@example.com');
    const bob = { kind: 'user' as const, userId: bobId };
    const { id: groupId } = await createGroup(db, admin(), { accountId: 'acme', name: 'Mailers' });
    await addGroupMember(db, admin(), { accountId: 'acme', groupId, member: `user:${bobId}` });
    const { id: policyId } = await createPolicy(db, admin(), {
      accountId: 'acme',
      name: 'Send mail',
      statements: 'ALLOW email:emails:send;',
    });
    const canSend = async (env: string | null) => (await checkPermission(db, 'acme', bob, env, 'email:emails:send')).allowed;
    expect(await canSend('acme-prod')).toBe(false);

    const published = await publishedDuring(() =>
      bindPolicy(db, admin(), { accountId: 'acme', groupId, policyId, accountWide: false, environmentIds: ['acme-staging'] }),
    );
    expect(published).toEqual([{ kind: 'account', accountId: 'acme' }]);
    expect(await lastAudit()).toMatchObject({
      action: 'policy.bound',
      targetName: 'Send mail',
      details: { group: 'Mailers', accountWide: false, environments: ['acme-staging'] },
    });
    expect(await canSend('acme-staging')).toBe(true);
    expect(await canSend('acme-prod')).toBe(false);
    expect(await canSend(null)).toBe(false);

    // Binding again replaces where it applies.
    await bindPolicy(db, admin(), { accountId: 'acme', groupId, policyId, accountWide: true });
    expect(await canSend('acme-prod')).toBe(true);
    expect(await canSend(null)).toBe(true);
    const detail = await groupDetail(db, admin(), 'acme', groupId);
    expect(detail.bindings).toEqual([{ policyId, policyName: 'Send mail', accountWide: true, environments: [] }]);

    await expect(
      bindPolicy(db, admin(), { accountId: 'acme', groupId, policyId, accountWide: false, environmentIds: [] }),
    ).rejects.toMatchObject({ fieldErrors: { environmentIds: 'Choose at least one environment, or apply the policy to the whole account' } });
    await expect(
      bindPolicy(db, admin(), { accountId: 'acme', groupId, policyId, accountWide: false, environmentIds: ['globex-prod'] }),
    ).rejects.toMatchObject({ fieldErrors: { environmentIds: 'Choose environments of this account' } });
    expect(await canSend('acme-prod')).toBe(true);

    await unbindPolicy(db, admin(), { accountId: 'acme', groupId, policyId });
    expect(await lastAudit()).toMatchObject({ action: 'policy.unbound', targetName: 'Send mail' });
    expect((await effectivePermissions(db, 'acme', bob, 'acme-prod')).granted.has('email:emails:send')).toBe(false);
    await expect(unbindPolicy(db, admin(), { accountId: 'acme', groupId, policyId })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses every change from a non-admin, and changes nothing', async () => {
    const db = database.db;
    const [developers] = await db
      .select()
      .from(groups)
      .where(and(eq(groups.accountId, 'acme'), eq(groups.name, 'Developers')));
    const groupId = developers!.id;
    const [fullAccess] = await db.select().from(groups).where(and(eq(groups.accountId, 'acme'), eq(groups.name, 'Administrators')));
    const before = await iamSnapshot(db);
    const bob = `user:${demo.id('bob@example.com')}`;
    // Alice and Bob are members of Acme, not admins.
    for (const actor of [demo.actor('alice@example.com'), demo.actor('bob@example.com')]) {
      const attempts = [
        () => createGroup(db, actor, { accountId: 'acme', name: 'Sneaky' }),
        () => renameGroup(db, actor, { accountId: 'acme', groupId, name: 'Mine' }),
        () => deleteGroup(db, actor, { accountId: 'acme', groupId }),
        () => addGroupMember(db, actor, { accountId: 'acme', groupId: fullAccess!.id, member: bob }),
        () => removeGroupMember(db, actor, { accountId: 'acme', groupId, member: bob }),
        () => unbindPolicy(db, actor, { accountId: 'acme', groupId, policyId: groupId }),
        () => bindPolicy(db, actor, { accountId: 'acme', groupId, policyId: groupId, accountWide: true }),
        () => listGroups(db, actor, 'acme'),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject(NOT_AN_ADMIN);
    }
    // An admin of Acme is not an admin of an account they do not belong to.
    await expect(createGroup(db, admin(), { accountId: 'initech', name: 'X' })).rejects.toMatchObject(NOT_AN_ADMIN);
    expect(await iamSnapshot(db)).toEqual(before);
  });

  it('lets concurrent adds of the same member end in one membership and one clear refusal', async () => {
    const db = database.db;
    const { id } = await createGroup(db, admin(), { accountId: 'acme', name: 'Racers' });
    const alice = `user:${demo.id('alice@example.com')}`;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => addGroupMember(db, admin(), { accountId: 'acme', groupId: id, member: alice })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(r.reason).toBeInstanceOf(ValidationError);
    expect((await groupDetail(db, admin(), 'acme', id)).members).toHaveLength(1);
  });

  // PGlite runs one transaction at a time, so only a real server can interleave them.
  it.skipIf(testBackend !== 'postgres')('an IAM change waits for a demotion under way and is then refused', async () => {
    const db = database.db;
    const membership = and(eq(accountMembers.accountId, 'acme'), eq(accountMembers.userId, admin().userId));
    try {
      const { outcome, waited } = await attemptDuringChange(
        db,
        (tx) => tx.update(accountMembers).set({ role: 'member' }).where(membership),
        () => createGroup(db, admin(), { accountId: 'acme', name: 'Created while demoted' }),
      );
      expect(waited).toBe(true);
      expect(outcome).toMatchObject({ ok: false, error: NOT_AN_ADMIN });
      expect(await db.select().from(groups).where(eq(groups.name, 'Created while demoted'))).toEqual([]);
    } finally {
      await db.update(accountMembers).set({ role: 'admin' }).where(membership);
    }
  });
});
