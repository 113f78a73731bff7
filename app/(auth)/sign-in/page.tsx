import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { signInNotice } from '@/app/_lib/new-password-sign-in';
import { currentActor } from '@/app/_lib/session';
import { portalOrigin } from '@/lib/auth/origin';
import { safeCallbackPath } from '@/lib/validations/auth';
import Link from 'next/link';
import { SsoButton } from '@/components/people/sso-button';
import { FormAlert } from '@/components/ui/field';
import { SSO_MESSAGES } from '@/lib/auth/sso';
import { config } from '@/lib/config';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Why single sign-on came back here: our own refusals, or anything next-auth reports. */
function ssoMessage(error: string | undefined): string | null {
  if (!error) return null;
  return error === 'sso_unverified' || error === 'sso_unknown' ? SSO_MESSAGES[error] : SSO_MESSAGES.sso_failed;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[]; notice?: string | string[] }> }) {
  const { callbackUrl, error, notice } = await searchParams;
  const target = safeCallbackPath(first(callbackUrl), portalOrigin(await headers()));
  if (await currentActor()) redirect(target);
  const settings = config();
  const message = ssoMessage(first(error));
  const status = signInNotice(first(notice));
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
        <p className="mb-6 text-sm text-slate-600">Manage your platform tokens.</p>
        {status ? (
          <p role="status" className="mb-4 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">
            {status}
          </p>
        ) : null}
        {message ? (
          <div className="mb-4">
            <FormAlert message={message} />
          </div>
        ) : null}
        {settings.passwordSignIn ? <SignInForm callbackUrl={target} /> : null}
        {settings.passwordSignIn ? (
          <p className="mt-4 text-sm">
            <Link href="/forgot-password" className="font-medium text-brand-700 underline">
              Forgot password?
            </Link>
          </p>
        ) : null}
        {settings.oidc ? (
          <div className={settings.passwordSignIn ? 'mt-6 border-t border-slate-200 pt-6' : ''}>
            <SsoButton name={settings.oidc.name} callbackUrl={target} />
          </div>
        ) : null}
      </div>
    </main>
  );
}
