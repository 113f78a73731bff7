import type { Metadata } from 'next';
import { requireAccountAdmin } from '@/app/_lib/session';
import { UsersTable } from '@/components/people/users-table';
import { getDb } from '@/lib/db';
import { listGroups } from '@/lib/iam/iam-queries';
import { listAccountUsers } from '@/lib/people/members';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const db = await getDb();
  const [rows, groups] = await Promise.all([listAccountUsers(db, actor, accountId), listGroups(db, actor, accountId)]);
  return (
    <UsersTable
      accountId={accountId}
      currentUserId={actor.userId}
      users={rows.map((u) => ({ ...u, lastSignInAt: u.lastSignInAt?.toISOString() ?? null, expiresAt: u.expiresAt?.toISOString() ?? null }))}
      groups={groups.map((g) => ({ id: g.id, name: g.name }))}
    />
  );
}
