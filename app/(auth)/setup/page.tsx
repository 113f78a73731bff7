import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AuthCard } from '@/components/people/auth-card';
import { SetupForm } from '@/components/people/setup-form';
import { config } from '@/lib/config';
import { getDb } from '@/lib/db';
import { hasAnyUser } from '@/lib/people/setup';

export const metadata: Metadata = { title: 'Set up the portal' };
export const dynamic = 'force-dynamic';

/** Only on a portal without any user; afterwards it is a page that does not exist. */
export default async function SetupPage() {
  if (await hasAnyUser(await getDb())) notFound();
  const settings = config();
  // With single sign-on only, the admin signs in through the provider by the email given here.
  const sso = settings.passwordSignIn ? null : (settings.oidc?.name ?? null);
  const intro = 'Create the first account and its admin. The setup code is in the server log, printed when the portal started on an empty database.';
  return (
    <AuthCard wide title="Set up the portal" intro={sso ? `${intro} The admin then signs in with ${sso}, by the email given here.` : intro}>
      <SetupForm sso={sso !== null} />
    </AuthCard>
  );
}
