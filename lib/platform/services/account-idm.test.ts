// The account management API's users and service users (PRODUCT.md §12), through the
// contract-checked test platform: the admin pages' rules hold here too.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMembers, auditEvents, groupMembers, groups, invitations, platformTokens, serviceUsers } from '@/lib/db/schema';
import { createTestDatabase, testBackend, type TestDatabase } from '@/lib/db/testing';
import { demoIdentities, type DemoIdentities } from '@/lib/testing/demo';
import { accountRequest, createTestPlatform, insertTestToken, readResponse, type PlatformCall } from '../testing';

const BASE = '/iam/v1/accounts/acme';

describe(`account management API: users and service users (${testBackend})`, () => {
  let database: TestDatabase;
  let demo: DemoIdentities;
  let platform: ReturnType<typeof createTestPlatform>;
  let reader: string;
  let writer: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await demoIdentities(database.db);
    platform = createTestPlatform(database.db);
    reader = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['account-idm-read'] })).token;
    writer = (await insertTestToken(database.db, { owner: 'admin@example.com', scopes: ['account-idm-read', 'account-idm-write'] })).token;
  });
  afterAll(async () => {
    platform.unsubscribe();
    await database.close();
  });

  const call = async (path: string, options: PlatformCall = {}) => readResponse(await platform.handle(accountRequest(path, { token: writer, ...options })));
  const messageOf = (response: { body: Record<string, unknown> }) => (response.body.error as { message: string } | undefined)?.message;

  it('lists members and reads one with their groups, with the read scope alone', async () => {
    const list = await call(`${BASE}/users`, { token: reader });
    expect(list.status).toBe(200);
    const items = list.body.items as { email: string; role: string; status: string }[];
    expect(items.map((i) => [i.email, i.role, i.status])).toEqual([
      ['admin@example.com', 'admin', 'ACTIVE'],
      ['alice@example.com', 'member', 'ACTIVE'],
      ['bob@example.com', 'member', 'ACTIVE'],
    ]);
    const bob = await call(`${BASE}/users/BOB@example.com`, { token: reader });
    expect(bob.status).toBe(200);
    expect((bob.body.groups as { name: string }[]).map((g) => g.name)).toEqual(['Developers']);

    const write = await call(`${BASE}/service-users`, { token: reader, method: 'POST', body: { email: 'x@service.example.com', name: 'X' } });
    expect([write.status, messageOf(write)]).toEqual([403, "Missing scope 'account-idm-write': the token was not generated with it."]);
    const missing = await call(`${BASE}/users/nobody@example.com`, { token: reader });
    expect([missing.status, messageOf(missing)]).toEqual([404, 'No member or open invitation of this account has the email nobody@example.com.']);
  });

  it('invites by email, without the link in the answer, and revokes the invitation', async () => {
    const invited = await call(`${BASE}/users`, { method: 'POST', body: { email: 'Carol@Example.com', role: 'member' } });
    expect([invited.status, invited.body]).toEqual([201, expect.anything()]);
    expect(invited.body).toMatchObject({ email: 'carol@example.com', status: 'INVITED', uid: null });
    expect(JSON.stringify(invited.body)).not.toContain('/invitations/');
    const again = await call(`${BASE}/users`, { method: 'POST', body: { email: 'carol@example.com', role: 'member' } });
    expect([again.status, messageOf(again)]).toEqual([400, "Invalid request body field 'email': carol@example.com has a pending invitation. Resend it from the list instead."]);
    const badRole = await call(`${BASE}/users`, { method: 'POST', body: { email: 'dave@example.com', role: 'owner' } });
    expect([badRole.status, messageOf(badRole)]).toEqual([400, "Invalid request body field 'role': Choose Member or Account admin"]);

    expect((await call(`${BASE}/users/carol@example.com`, { method: 'DELETE' })).status).toBe(204);
    const [row] = await database.db.select({ revokedAt: invitations.revokedAt }).from(invitations).where(eq(invitations.email, 'carol@example.com'));
    expect(row?.revokedAt).not.toBeNull();
  });

  it('sets a member’s groups in one change, and refuses a group of another account naming the field', async () => {
    const [developers] = await database.db.select({ id: groups.id }).from(groups).where(and(eq(groups.accountId, 'acme'), eq(groups.name, 'Developers')));
    const [engineering] = await database.db.select({ id: groups.id }).from(groups).where(eq(groups.accountId, 'globex'));
    const bobId = demo.actor('bob@example.com').userId;
    const groupsOfBob = async () =>
      (await database.db.select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, bobId))).map((g) => g.groupId);

    const foreign = await call(`${BASE}/users/bob@example.com/groups`, { method: 'PUT', body: { groupIds: [engineering!.id] } });
    expect([foreign.status, messageOf(foreign)]).toEqual([400, "Invalid request body field 'groupIds': Choose groups of this account."]);
    expect(await groupsOfBob()).toEqual([developers!.id]);

    expect((await call(`${BASE}/users/bob@example.com/groups`, { method: 'PUT', body: { groupIds: [] } })).status).toBe(204);
    expect(await groupsOfBob()).toEqual([]);
    expect((await call(`${BASE}/users/bob@example.com/groups`, { method: 'PUT', body: { groupIds: [developers!.id] } })).status).toBe(204);
    expect(await groupsOfBob()).toEqual([developers!.id]);
    const audit = await database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetName, 'Developers'));
    expect(audit.map((a) => a.action)).toEqual(['group.member_removed', 'group.member_added']);
  });

  it('removes a member, disabling their tokens, and never the last admin', async () => {
    const bobToken = await insertTestToken(database.db, { owner: 'bob@example.com' });
    expect((await call(`${BASE}/users/bob@example.com`, { method: 'DELETE' })).status).toBe(204);
    expect(await database.db.select().from(accountMembers).where(eq(accountMembers.userId, demo.actor('bob@example.com').userId))).toEqual([]);
    const [token] = await database.db.select({ status: platformTokens.status }).from(platformTokens).where(eq(platformTokens.id, bobToken.id));
    expect(token?.status).toBe('disabled');

    const last = await call(`${BASE}/users/admin@example.com`, { method: 'DELETE' });
    expect(last.status).toBe(409);
    expect(messageOf(last)).toContain('last admin');
  });

  it('creates, lists and deletes service users, by the rules of the page', async () => {
    const made = await call(`${BASE}/service-users`, { method: 'POST', body: { email: 'Deploy-Bot@service.example.com', name: 'Deploy bot' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ email: 'deploy-bot@service.example.com', name: 'Deploy bot' });
    const duplicate = await call(`${BASE}/service-users`, { method: 'POST', body: { email: 'deploy-bot@service.example.com', name: 'Again' } });
    expect([duplicate.status, messageOf(duplicate)]).toEqual([400, "Invalid request body field 'email': A service user with the email deploy-bot@service.example.com already exists in this account"]);
    const person = await call(`${BASE}/service-users`, { method: 'POST', body: { email: 'person@example.com', name: 'Person' } });
    expect([person.status, messageOf(person)]).toEqual([400, expect.stringMatching(/^Invalid request body field 'email': A service user email must end in @service/)]);

    const list = await call(`${BASE}/service-users`, { token: reader });
    expect((list.body.results as { email: string }[]).map((r) => r.email)).toEqual([
      'ci-bot@service.example.com',
      'deploy-bot@service.example.com',
      'exporter@service.example.com',
    ]);
    const uid = made.body.uid as string;
    expect((await call(`${BASE}/service-users/${uid}`, { method: 'DELETE' })).status).toBe(204);
    expect(await database.db.select().from(serviceUsers).where(eq(serviceUsers.id, uid))).toEqual([]);
    const gone = await call(`${BASE}/service-users/${uid}`, { method: 'DELETE' });
    expect([gone.status, messageOf(gone)]).toEqual([404, `No service user of this account has the uid ${uid}.`]);
  });

  it('acts only for an admin of the account now', async () => {
    const member = (await insertTestToken(database.db, { owner: 'alice@example.com', scopes: ['account-idm-read'] })).token;
    expect((await call(`${BASE}/users`, { token: member })).status).toBe(403);
    expect((await call('/iam/v1/accounts/globex/users', { token: reader })).status).toBe(403);
  });
});
