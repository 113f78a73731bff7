import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AuthCard } from '@/components/people/auth-card';
import { ResetPasswordForm } from '@/components/people/password-reset-forms';
import { config } from '@/lib/config';
import { getDb } from '@/lib/db';
import { RESET_MESSAGES, viewPasswordReset } from '@/lib/people/password-reset';

export const metadata: Metadata = { title: 'Choose a new password' };
export const dynamic = 'force-dynamic';

export default async function ResetPasswordPage({ params }: { params: Promise<{ code: string }> }) {
  if (!config().passwordSignIn) notFound();
  const { code } = await params;
  const state = await viewPasswordReset(await getDb(), code);
  if (state !== 'valid') {
    return (
      <AuthCard title="Choose a new password">
        <p role="status" className="text-sm text-slate-800">
          {RESET_MESSAGES[state]}
        </p>
        <p className="mt-6 text-sm">
          <Link href="/forgot-password" className="font-medium text-brand-700 underline">
            Ask for a new link
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard wide title="Choose a new password" intro="You are signed out everywhere else once it is set.">
      <ResetPasswordForm code={code} />
    </AuthCard>
  );
}
