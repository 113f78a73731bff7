'use client';

// Small cell renderers for every place that shows platform tokens (both tables, their phone
// cards, the token's page and dialogs). Props are plain, serialisable data (dates as ISO
// strings), so server components can pass them straight through.

import Link from 'next/link';
import { useNow, When } from '@/components/ui/when';
import { cn } from '@/lib/cn';
import { expiresSoon } from '@/lib/tokens/display';
import type { TokenState } from '@/lib/tokens/status';

const STATE_STYLES: Record<TokenState, string> = {
  Active: 'bg-green-50 text-green-800 ring-green-600/30',
  Disabled: 'bg-slate-100 text-slate-700 ring-slate-500/30',
  Expired: 'bg-amber-50 text-amber-800 ring-amber-600/30',
};

export function TokenStatusBadge({ state }: { state: TokenState }) {
  return (
    <span
      className={cn(
        'inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        STATE_STYLES[state],
      )}
    >
      {state}
    </span>
  );
}

/** The token's page, `/platform-tokens/<tokenId>`. */
export function tokenPageHref(tokenId: string): string {
  return `/platform-tokens/${encodeURIComponent(tokenId)}`;
}

/** A token ID; it may wrap after its prefix, never inside the public part. */
export function TokenIdCell({ tokenId }: { tokenId: string }) {
  const dot = tokenId.indexOf('.');
  return (
    <code className="font-mono text-xs text-slate-700">
      {dot > 0 ? (
        <>
          {tokenId.slice(0, dot + 1)}
          <wbr />
          {tokenId.slice(dot + 1)}
        </>
      ) : (
        tokenId
      )}
    </code>
  );
}

/** The token's name, leading to its page. Not prefetched: a list of them would load every page. */
export function TokenNameLink({ tokenId, name }: { tokenId: string; name: string }) {
  return (
    <Link
      href={tokenPageHref(tokenId)}
      prefetch={false}
      className="break-words font-medium text-brand-700 underline-offset-2 hover:underline"
    >
      {name}
    </Link>
  );
}

/** The environments a token reaches by name, or "All environments" when it applies to the account. */
export function TokenEnvironmentsCell({
  appliesToAccount,
  environments,
}: {
  appliesToAccount: boolean;
  environments: readonly string[];
}) {
  if (appliesToAccount) return <span>All environments</span>;
  if (environments.length === 0) return <span className="text-slate-500">None</span>;
  return <span>{environments.join(', ')}</span>;
}

/** An email that may wrap before its "@", so a long address never widens its column much. */
export function Email({ email }: { email: string }) {
  const at = email.indexOf('@');
  if (at <= 0) return <span className="break-all">{email}</span>;
  return (
    <span>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </span>
  );
}

export function TokenOwnerCell({ email, isServiceUser }: { email: string; isServiceUser: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Email email={email} />
      {isServiceUser ? (
        <span className="whitespace-nowrap rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-800">Service user</span>
      ) : null}
    </span>
  );
}

/** "Expires soon" on a token that still works and stops within seven days. */
export function ExpiresSoonBadge({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow();
  if (now === null || !expiresSoon(expiresAt ? new Date(expiresAt) : null, new Date(now))) return null;
  return (
    <span className="inline-flex items-center whitespace-nowrap rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-600/30">
      Expires soon
    </span>
  );
}

export function TokenExpiresCell({ expiresAt }: { expiresAt: string | null }) {
  if (!expiresAt) return <span>Never</span>;
  return (
    <span className="flex flex-col items-start gap-1">
      <When at={expiresAt} />
      <ExpiresSoonBadge expiresAt={expiresAt} />
    </span>
  );
}

/** When and from where the token was last used; "Never" when it has not been used yet. */
export function TokenLastUsedCell({ lastUsedAt, lastUsedIp }: { lastUsedAt: string | null; lastUsedIp: string | null }) {
  if (!lastUsedAt) return <span className="text-slate-500">Never</span>;
  return (
    <span className="flex flex-col items-start">
      <When at={lastUsedAt} />
      {lastUsedIp ? <span className="break-all font-mono text-xs text-slate-500">{lastUsedIp}</span> : null}
    </span>
  );
}

/** The rotation links of a token: what replaced it and when it stops, or what it replaced. */
export function TokenRotationInfo({
  rotatedToTokenId,
  rotatedFromTokenId,
  rotatedAt,
  expiresAt,
}: {
  rotatedToTokenId: string | null;
  rotatedFromTokenId: string | null;
  rotatedAt: string | null;
  expiresAt: string | null;
}) {
  const now = useNow();
  if (!rotatedAt && !rotatedToTokenId && !rotatedFromTokenId) return null;
  // Expired at the rotation itself ("Immediately"), or since then by the reader's clock.
  const stopsAt = expiresAt === null ? null : Date.parse(expiresAt);
  const stopped =
    stopsAt !== null && ((rotatedAt !== null && stopsAt <= Date.parse(rotatedAt)) || (now !== null && stopsAt <= now));
  const link = (tokenId: string) => (
    <Link href={tokenPageHref(tokenId)} prefetch={false} className="text-brand-700 underline-offset-2 hover:underline">
      <TokenIdCell tokenId={tokenId} />
    </Link>
  );
  return (
    <span className="flex flex-col gap-0.5 text-xs text-slate-600">
      {rotatedAt ? (
        <span>
          Rotated to {rotatedToTokenId ? link(rotatedToTokenId) : 'a deleted token'}
          {expiresAt ? (
            <>
              {' '}
              · {stopped ? 'stopped' : 'stops'} <When at={expiresAt} />
            </>
          ) : null}
        </span>
      ) : null}
      {rotatedFromTokenId ? <span>Rotated from {link(rotatedFromTokenId)}</span> : null}
    </span>
  );
}
