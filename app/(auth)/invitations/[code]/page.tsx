import type { Metadata } from 'next';
import Link from 'next/link';
import { currentActor } from '@/app/_lib/session';
import { AcceptInvitationForm, JoinAccountButton } from '@/components/people/accept-invitation';
import { AuthCard } from '@/components/people/auth-card';
import { SsoButton } from '@/components/people/sso-button';
import { config } from '@/lib/config';
import { getDb } from '@/lib/db';
import { INVITATION_MESSAGES, viewInvitation } from '@/lib/people/invitations';
import { ROLE_LABELS } from '@/lib/validations/people';

export const metadata: Metadata = { title: 'Invitation' };
export const dynamic = 'force-dynamic';

export default async function InvitationPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const invitation = await viewInvitation(await getDb(), code);
  const here = `/invitations/${encodeURIComponent(code)}`;
  if (invitation.state !== 'pending') {
    return (
      <AuthCard title="Invitation">
        <p role="status" className="text-sm text-slate-800">
          {INVITATION_MESSAGES[invitation.state]}
        </p>
        <p className="mt-6 text-sm">
          <Link href="/sign-in" className="font-medium text-brand-700 underline">
            Go to sign-in
          </Link>
        </p>
      </AuthCard>
    );
  }
  const { accountName, email, role, personExists } = invitation as Required<typeof invitation>;
  const settings = config();
  const actor = await currentActor();
  const intro = (
    <>
      You are invited to join <strong className="text-slate-900">{accountName}</strong> as {ROLE_LABELS[role].toLowerCase()}, as{' '}
      <strong className="break-all text-slate-900">{email}</strong>.
    </>
  );
  if (actor) {
    return (
      <AuthCard title={`Join ${accountName}`} intro={intro}>
        {actor.email === email ? (
          <JoinAccountButton code={code} accountName={accountName} />
        ) : (
          <p className="text-sm text-slate-800">
            You are signed in as <span className="break-all font-medium">{actor.email}</span>. Sign out, then open this link again and sign in as {email}.
          </p>
        )}
      </AuthCard>
    );
  }
  if (personExists) {
    return (
      <AuthCard title={`Join ${accountName}`} intro={intro}>
        <p className="text-sm text-slate-800">You can sign in already: sign in, and you join the account here.</p>
        <div className="mt-6 space-y-3">
          {settings.passwordSignIn ? (
            <Link href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} className="flex h-10 w-full items-center justify-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700">
              Sign in to join
            </Link>
          ) : null}
          {settings.oidc ? <SsoButton name={settings.oidc.name} callbackUrl={here} /> : null}
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard wide title={`Join ${accountName}`} intro={intro}>
      {settings.passwordSignIn ? <AcceptInvitationForm code={code} /> : null}
      {settings.oidc ? (
        <div className={settings.passwordSignIn ? 'mt-6 border-t border-slate-200 pt-6' : ''}>
          <SsoButton name={settings.oidc.name} callbackUrl="/platform-tokens" />
        </div>
      ) : null}
    </AuthCard>
  );
}
