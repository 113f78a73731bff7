import type { Metadata } from 'next';
import { requireActor } from '@/app/_lib/session';

export const metadata: Metadata = { title: 'My platform tokens' };

export default async function MyPlatformTokensPage() {
  const actor = await requireActor();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">My platform tokens</h1>
      <p className="text-sm text-slate-600">
        Signed in as {actor.email}, member of {actor.memberships.map((m) => m.accountName).join(', ') || 'no account'}.
      </p>
    </div>
  );
}
