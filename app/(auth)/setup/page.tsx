import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AuthCard } from '@/components/people/auth-card';
import { SetupForm } from '@/components/people/setup-form';
import { getDb } from '@/lib/db';
import { hasAnyUser } from '@/lib/people/setup';

export const metadata: Metadata = { title: 'Set up the portal' };
export const dynamic = 'force-dynamic';

/** Only on a portal without any user; afterwards it is a page that does not exist. */
export default async function SetupPage() {
  if (await hasAnyUser(await getDb())) notFound();
  return (
    <AuthCard
      wide
      title="Set up the portal"
      intro="Create the first account and its admin. The setup code is in the server log, printed when the portal started on an empty database."
    >
      <SetupForm />
    </AuthCard>
  );
}
