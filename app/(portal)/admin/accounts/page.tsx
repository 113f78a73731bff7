import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireActor } from '@/app/_lib/session';
import { AccountsTable } from '@/components/people/accounts-table';
import { listAccounts } from '@/lib/accounts/accounts';
import { getDb } from '@/lib/db';

export const metadata: Metadata = { title: 'Accounts' };

/** Instance administrators only; for anyone else there is no such page. */
export default async function AccountsPage() {
  const actor = await requireActor();
  if (!actor.isInstanceAdmin) notFound();
  const rows = await listAccounts(await getDb(), actor);
  const administered = new Set(actor.memberships.filter((m) => m.role === 'admin').map((m) => m.accountId));
  return <AccountsTable accounts={rows.map((a) => ({ ...a, createdAt: a.createdAt.toISOString(), administered: administered.has(a.id) }))} />;
}
