import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireActor } from '@/app/_lib/session';
import { TokenForm } from '@/components/platform-tokens/token-form';
import { getDb } from '@/lib/db';
import { endpointsByScope } from '@/lib/platform/registry';
import { duplicatePrefill, emptyTokenForm, findTokenToDuplicate } from '@/lib/tokens/form-prefill';
import { loadTokenFormOptions } from '@/lib/tokens/form-options';
import { tokenIdSchema } from '@/lib/validations/tokens';

export const metadata: Metadata = { title: 'Generate a platform token' };

export default async function NewPlatformTokenPage({ searchParams }: { searchParams: Promise<{ duplicate?: string | string[] }> }) {
  const actor = await requireActor();
  const db = await getDb();
  const { duplicate } = await searchParams;
  const accounts = await loadTokenFormOptions(db, actor.userId);

  let sourceTokenId: string | undefined;
  let refusal: string | null = null;
  let initial = emptyTokenForm(accounts);
  if (duplicate !== undefined) {
    const parsed = tokenIdSchema.safeParse(duplicate);
    if (!parsed.success) notFound();
    const source = await findTokenToDuplicate(db, actor, parsed.data, new Date());
    if (!source.ok && source.notFound) notFound();
    if (source.ok) {
      sourceTokenId = source.token.tokenId;
      initial = duplicatePrefill(source.token, new Date());
    } else {
      refusal = source.message;
    }
  }

  return (
    <div className="space-y-6">
      <div>
        <Link href="/platform-tokens" prefetch={false} className="text-sm text-brand-700 hover:underline">
          ← My platform tokens
        </Link>
        <h1 className="mt-2 text-2xl font-semibold">{sourceTokenId || refusal ? 'Duplicate a platform token' : 'Generate a platform token'}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {sourceTokenId
            ? `A new token with the properties of ${sourceTokenId}. Change what you need; the original stays as it is.`
            : 'A platform token acts as its owner, only with the scopes you choose, in the environments you choose.'}
        </p>
      </div>
      {refusal ? (
        <p role="alert" className="rounded-md border border-slate-200 bg-white p-6 text-sm text-slate-700">
          {refusal}
        </p>
      ) : accounts.length === 0 ? (
        <p className="rounded-md border border-slate-200 bg-white p-6 text-sm text-slate-700">
          You are not a member of any account, so there is nowhere to generate a token.
        </p>
      ) : (
        <TokenForm accounts={accounts} initial={initial} sourceTokenId={sourceTokenId} endpointsByScope={endpointsByScope()} />
      )}
    </div>
  );
}
