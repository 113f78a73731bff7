import { and, count, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit';
import { transactWithChanges } from '@/lib/changes';
import type { Db, Executor } from '@/lib/db';
import { accountMembers, groupMembers, groups, policyBindings, serviceUsers, users } from '@/lib/db/schema';
import { NotFoundError, ValidationError } from '@/lib/errors';
import {
  createGroupSchema,
  deleteGroupSchema,
  groupMemberSchema,
  parseMemberRef,
  renameGroupSchema,
  setMemberGroupsSchema,
  type CreateGroupInput,
  type DeleteGroupInput,
  type GroupMemberInput,
  type RenameGroupInput,
  type SetMemberGroupsInput,
} from '@/lib/validations/iam';
import { assertAdminNow } from '@/lib/accounts/admin-access';
import { isUniqueViolation } from '@/lib/db/sql-state';
import { parseInput, type IamActor } from './admin-guard';

// Every change goes through transactWithChanges and publishes the account: group membership and
// bindings decide what tokens may do, and cached permissions must drop at once.

const groupExists = (name: string) => ValidationError.field('name', `A group named "${name}" already exists`);

/** The group, locked for the rest of the transaction so that concurrent changes to it queue up. */
export async function lockGroup(tx: Executor, accountId: string, groupId: string) {
  const [group] = await tx
    .select({ id: groups.id, name: groups.name, description: groups.description })
    .from(groups)
    .where(and(eq(groups.id, groupId), eq(groups.accountId, accountId)))
    .for('update');
  if (!group) throw new NotFoundError('This group does not exist (any more).');
  return group;
}

export async function createGroup(db: Db, actor: IamActor, input: CreateGroupInput): Promise<{ id: string }> {
  const { accountId, name, description } = parseInput(createGroupSchema, input);
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const [row] = await tx
      .insert(groups)
      .values({ accountId, name, description })
      .onConflictDoNothing()
      .returning({ id: groups.id });
    if (!row) throw groupExists(name);
    await recordAudit(tx, actor, { accountId, action: 'group.created', targetName: name, details: { groupId: row.id } });
    publish({ kind: 'account', accountId });
    return row;
  });
}

export async function renameGroup(db: Db, actor: IamActor, input: RenameGroupInput): Promise<void> {
  const { accountId, groupId, name, description } = parseInput(renameGroupSchema, input);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const group = await lockGroup(tx, accountId, groupId);
    if (group.name === name && group.description === description) return;
    try {
      await tx.update(groups).set({ name, description }).where(eq(groups.id, groupId));
    } catch (error) {
      if (isUniqueViolation(error)) throw groupExists(name);
      throw error;
    }
    await recordAudit(tx, actor, {
      accountId,
      action: 'group.renamed',
      targetName: name,
      details: { groupId, from: group.name, to: name },
    });
    publish({ kind: 'account', accountId });
  });
}

export async function deleteGroup(db: Db, actor: IamActor, input: DeleteGroupInput): Promise<void> {
  const { accountId, groupId } = parseInput(deleteGroupSchema, input);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const group = await lockGroup(tx, accountId, groupId);
    const [members] = await tx.select({ n: count() }).from(groupMembers).where(eq(groupMembers.groupId, groupId));
    const [bindings] = await tx.select({ n: count() }).from(policyBindings).where(eq(policyBindings.groupId, groupId));
    await tx.delete(groups).where(eq(groups.id, groupId));
    await recordAudit(tx, actor, {
      accountId,
      action: 'group.deleted',
      targetName: group.name,
      details: { groupId, members: members?.n ?? 0, policies: bindings?.n ?? 0 },
    });
    publish({ kind: 'account', accountId });
  });
}

type Member = { kind: 'user'; userId: string } | { kind: 'service-user'; serviceUserId: string };

/** The member's email, if they are a user or service user of the account. */
async function memberEmail(tx: Executor, accountId: string, member: Member): Promise<string | null> {
  if (member.kind === 'user') {
    const [row] = await tx
      .select({ email: users.email })
      .from(users)
      .innerJoin(accountMembers, and(eq(accountMembers.userId, users.id), eq(accountMembers.accountId, accountId)))
      .where(eq(users.id, member.userId))
      .limit(1);
    return row?.email ?? null;
  }
  // Shared lock: a concurrent delete of the service user waits and then cascades this membership.
  const [row] = await tx
    .select({ email: serviceUsers.email })
    .from(serviceUsers)
    .where(and(eq(serviceUsers.id, member.serviceUserId), eq(serviceUsers.accountId, accountId)))
    .for('share');
  return row?.email ?? null;
}

function parseMember(value: string): Member {
  const member = parseMemberRef(value);
  if (!member) throw ValidationError.field('member', 'Choose a user or service user');
  return member;
}

const memberCondition = (groupId: string, member: Member) =>
  and(
    eq(groupMembers.groupId, groupId),
    member.kind === 'user' ? eq(groupMembers.userId, member.userId) : eq(groupMembers.serviceUserId, member.serviceUserId),
  );

export async function addGroupMember(db: Db, actor: IamActor, input: GroupMemberInput): Promise<void> {
  const { accountId, groupId, member: ref } = parseInput(groupMemberSchema, input);
  const member = parseMember(ref);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const group = await lockGroup(tx, accountId, groupId);
    const email = await memberEmail(tx, accountId, member);
    if (!email) throw ValidationError.field('member', 'Choose a user or service user of this account');
    const [row] = await tx
      .insert(groupMembers)
      .values({
        groupId,
        userId: member.kind === 'user' ? member.userId : null,
        serviceUserId: member.kind === 'service-user' ? member.serviceUserId : null,
      })
      .onConflictDoNothing()
      .returning({ id: groupMembers.id });
    if (!row) throw ValidationError.field('member', `${email} is already a member of this group`);
    await recordAudit(tx, actor, {
      accountId,
      action: 'group.member_added',
      targetName: group.name,
      details: { groupId, member: email, memberKind: member.kind },
    });
    publish({ kind: 'account', accountId });
  });
}

export async function removeGroupMember(db: Db, actor: IamActor, input: GroupMemberInput): Promise<void> {
  const { accountId, groupId, member: ref } = parseInput(groupMemberSchema, input);
  const member = parseMember(ref);
  await transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const group = await lockGroup(tx, accountId, groupId);
    const removed = await tx.delete(groupMembers).where(memberCondition(groupId, member)).returning({ id: groupMembers.id });
    if (removed.length === 0) throw new NotFoundError('This member is not in the group (any more).');
    const email = await memberEmailAnywhere(tx, member);
    await recordAudit(tx, actor, {
      accountId,
      action: 'group.member_removed',
      targetName: group.name,
      details: { groupId, member: email, memberKind: member.kind },
    });
    publish({ kind: 'account', accountId });
  });
}

/** For the audit log of a removal: the email even when the person has since left the account. */
async function memberEmailAnywhere(tx: Executor, member: Member): Promise<string | null> {
  const [row] =
    member.kind === 'user'
      ? await tx.select({ email: users.email }).from(users).where(eq(users.id, member.userId)).limit(1)
      : await tx.select({ email: serviceUsers.email }).from(serviceUsers).where(eq(serviceUsers.id, member.serviceUserId)).limit(1);
  return row?.email ?? null;
}

/**
 * Makes the user a member of exactly these groups of the account, in one transaction: every group
 * gained or left is locked (in ID order, so two such changes never wait on each other in a circle)
 * and audited, or nothing changes.
 */
export async function setMemberGroups(db: Db, actor: IamActor, input: SetMemberGroupsInput): Promise<{ added: number; removed: number }> {
  const { accountId, userId, groupIds } = parseInput(setMemberGroupsSchema, input);
  const wanted = new Set(groupIds.map((g) => g.toLowerCase()));
  return transactWithChanges(db, async (tx, publish) => {
    await assertAdminNow(tx, actor, accountId);
    const [member] = await tx
      .select({ email: users.email })
      .from(accountMembers)
      .innerJoin(users, eq(users.id, accountMembers.userId))
      .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId)))
      .for('share', { of: accountMembers });
    if (!member) throw new NotFoundError('This person is not a member of the account (any more).');
    const accountGroups = tx.select({ id: groups.id }).from(groups).where(eq(groups.accountId, accountId));
    const current = await tx
      .select({ groupId: groupMembers.groupId })
      .from(groupMembers)
      .where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, accountGroups)));
    const held = new Set(current.map((c) => c.groupId));
    const changed = [...new Set([...wanted, ...held])].filter((id) => wanted.has(id) !== held.has(id)).sort();
    const locked = new Map<string, { name: string }>();
    for (const groupId of changed) {
      try {
        locked.set(groupId, await lockGroup(tx, accountId, groupId));
      } catch (error) {
        if (error instanceof NotFoundError) throw ValidationError.field('groupIds', 'Choose groups of this account.');
        throw error;
      }
    }
    let added = 0;
    let removed = 0;
    for (const groupId of changed) {
      const joining = wanted.has(groupId);
      if (joining) {
        await tx.insert(groupMembers).values({ groupId, userId, serviceUserId: null }).onConflictDoNothing();
        added++;
      } else {
        await tx.delete(groupMembers).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
        removed++;
      }
      await recordAudit(tx, actor, {
        accountId,
        action: joining ? 'group.member_added' : 'group.member_removed',
        targetName: locked.get(groupId)?.name ?? null,
        details: { groupId, member: member.email, memberKind: 'user' },
      });
    }
    if (changed.length > 0) publish({ kind: 'account', accountId });
    return { added, removed };
  });
}
