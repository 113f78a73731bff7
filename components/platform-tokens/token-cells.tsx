'use client';

// Small cell renderers for every table that lists platform tokens. Props are plain, serialisable
// data (dates as ISO strings), so server components can pass them straight through.

import { cn } from '@/lib/cn';
import type { TokenState } from '@/lib/tokens/status';
import { DateTime, RelativeTime, useNow } from './local-time';

const STATE_STYLES: Record<TokenState, string> = {
  Active: 'bg-green-50 text-green-800 ring-green-600/30',
  Disabled: 'bg-slate-100 text-slate-700 ring-slate-500/30',
  Expired: 'bg-amber-50 text-amber-800 ring-amber-600/30',
};

export function TokenStatusBadge({ state }: { state: TokenState }) {
  return (
    <span
      className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', STATE_STYLES[state])}
    >
      {state}
    </span>
  );
}

export function TokenIdCell({ tokenId }: { tokenId: string }) {
  return <code className="whitespace-nowrap font-mono text-xs text-slate-700">{tokenId}</code>;
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

export function TokenOwnerCell({ email, isServiceUser }: { email: string; isServiceUser: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <span className="whitespace-nowrap">{email}</span>
      {isServiceUser ? (
        <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-800">Service user</span>
      ) : null}
    </span>
  );
}

export function TokenExpiresCell({ expiresAt }: { expiresAt: string | null }) {
  if (!expiresAt) return <span>Never</span>;
  return <DateTime iso={expiresAt} />;
}

/** When and from where the token was last used; "Never" when it has not been used yet. */
export function TokenLastUsedCell({ lastUsedAt, lastUsedIp }: { lastUsedAt: string | null; lastUsedIp: string | null }) {
  if (!lastUsedAt) return <span className="text-slate-500">Never</span>;
  return (
    <span className="flex flex-col">
      <RelativeTime iso={lastUsedAt} />
      {lastUsedIp ? <span className="font-mono text-xs text-slate-500">{lastUsedIp}</span> : null}
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
  return (
    <span className="flex flex-col gap-0.5 text-xs text-slate-600">
      {rotatedAt ? (
        <span>
          Rotated to {rotatedToTokenId ? <TokenIdCell tokenId={rotatedToTokenId} /> : 'a deleted token'}
          {expiresAt ? (
            <>
              {' '}
              · {stopped ? 'stopped' : 'stops'}{' '}
              <DateTime iso={expiresAt} />
            </>
          ) : null}
        </span>
      ) : null}
      {rotatedFromTokenId ? (
        <span>
          Rotated from <TokenIdCell tokenId={rotatedFromTokenId} />
        </span>
      ) : null}
    </span>
  );
}
