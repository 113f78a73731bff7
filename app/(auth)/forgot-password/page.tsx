import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AuthCard } from '@/components/people/auth-card';
import { ForgotPasswordForm } from '@/components/people/password-reset-forms';
import { config } from '@/lib/config';

export const metadata: Metadata = { title: 'Forgot password' };
export const dynamic = 'force-dynamic';

export default function ForgotPasswordPage() {
  if (!config().passwordSignIn) notFound();
  return (
    <AuthCard title="Forgot password" intro="Enter your email: we send you a link to choose a new password.">
      <ForgotPasswordForm />
      <p className="mt-6 text-sm">
        <Link href="/sign-in" className="font-medium text-brand-700 underline">
          Back to sign-in
        </Link>
      </p>
    </AuthCard>
  );
}
