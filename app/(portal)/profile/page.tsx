import type { Metadata } from 'next';
import { requireActor } from '@/app/_lib/session';
import { ProfileView } from '@/components/people/profile-view';
import { getDb } from '@/lib/db';
import { hasPassword } from '@/lib/people/profile';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const actor = await requireActor();
  return (
    <ProfileView
      name={actor.name}
      email={actor.email}
      hasPassword={await hasPassword(await getDb(), actor.userId)}
      memberships={actor.memberships.map((m) => ({ accountId: m.accountId, accountName: m.accountName, role: m.role }))}
    />
  );
}
