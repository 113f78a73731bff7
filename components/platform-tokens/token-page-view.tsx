'use client';

import { ArrowLeft, Check, Minus, X } from 'lucide-react';
import Link from 'next/link';
import { ActivityTable } from '@/components/activity/activity-table';
import type { ActivityEventView } from '@/components/activity/activity-event-view';
import { Button } from '@/components/ui/button';
import { useTimeZone, When } from '@/components/ui/when';
import { cn } from '@/lib/cn';
import { formatExactTime } from '@/lib/tokens/display';
import type { ScopeOnPage } from '@/lib/tokens/token-page';
import type { TokenRow } from '@/lib/tokens/token-row';
import { ACTION_LABELS } from './token-actions-menu';
import {
  Email,
  ExpiresSoonBadge,
  TokenEnvironmentsCell,
  tokenPageHref,
  TokenIdCell,
  TokenOwnerCell,
  TokenStatusBadge,
} from './token-cells';
import { useTokenActions } from './use-token-actions';

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0 space-y-0.5">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** Relative, and the exact time with its zone written out (not only on hover). */
function WhenExact({ at }: { at: string }) {
  const timeZone = useTimeZone();
  return (
    <span className="flex flex-col">
      <When at={at} />
      <span className="text-xs text-slate-500">{formatExactTime(new Date(at), timeZone)}</span>
    </span>
  );
}

function RotationLink({ tokenId }: { tokenId: string }) {
  return (
    <Link href={tokenPageHref(tokenId)} prefetch={false} className="text-brand-700 underline underline-offset-2">
      <TokenIdCell tokenId={tokenId} />
    </Link>
  );
}

const HELD: Record<ScopeOnPage['held'], { label: string; className: string; Icon: typeof Check }> = {
  all: { label: 'Held by the owner', className: 'bg-green-50 text-green-800 ring-green-600/30', Icon: Check },
  some: { label: 'Held by the owner only in', className: 'bg-amber-50 text-amber-800 ring-amber-600/30', Icon: Minus },
  none: { label: 'Not held by the owner', className: 'bg-red-50 text-red-800 ring-red-600/30', Icon: X },
};

function ScopeItem({ scope }: { scope: ScopeOnPage }) {
  const held = HELD[scope.held];
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="break-all font-mono text-sm font-semibold text-slate-900">{scope.name}</h3>
          <p className="text-xs text-slate-600">
            {scope.serviceTitle ? `${scope.serviceTitle} — ` : ''}
            {scope.description}
          </p>
        </div>
        <span className={cn('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', held.className)}>
          <held.Icon aria-hidden className="size-3.5" />
          {held.label}
          {scope.held === 'some' ? ` ${scope.environments.join(', ')}` : ''}
        </span>
      </div>
      {scope.endpoints.length > 0 ? (
        <ul aria-label={`Endpoints ${scope.name} grants`} className="space-y-0.5">
          {scope.endpoints.map((e) => (
            <li key={e.id} className="flex gap-2 font-mono text-xs text-slate-700">
              <span className="w-14 shrink-0 font-semibold">{e.method}</span>
              <span className="min-w-0 break-all">{e.path}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-slate-500">Grants no endpoint of its own; endpoints that need it list it with another scope.</p>
      )}
    </li>
  );
}

/** The token's actions as buttons; one that cannot be taken now is disabled and says why. */
function TokenPageActions({ token, backHref }: { token: TokenRow; backHref: string }) {
  const { run, dialogs } = useTokenActions({ afterDelete: backHref });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Actions">
        {token.actions.map(({ kind, unavailable }) => (
          <Button
            // Disable and Enable are one button that changes its label, so focus stays on it.
            key={kind === 'enable' ? 'disable' : kind}
            size="sm"
            variant={kind === 'delete' ? 'danger' : 'secondary'}
            disabled={unavailable !== undefined}
            aria-describedby={unavailable ? `unavailable-${kind}` : undefined}
            data-token-actions={kind === 'disable' || kind === 'enable' ? token.tokenId : undefined}
            onClick={() => run(kind, token)}
          >
            {ACTION_LABELS[kind]}
          </Button>
        ))}
      </div>
      {token.actions
        .filter((a) => a.unavailable)
        .map((a) => (
          <p key={a.kind} id={`unavailable-${a.kind}`} className="text-xs text-slate-600">
            {ACTION_LABELS[a.kind]}: {a.unavailable}
          </p>
        ))}
      {dialogs}
    </div>
  );
}

/** A token's own page (PRODUCT.md §10). */
export function TokenPageView({
  token,
  reach,
  allowedClientAddresses,
  scopes,
  activity,
  back,
}: {
  token: TokenRow;
  reach: string[];
  /** CIDR blocks calls must come from; empty is anywhere. */
  allowedClientAddresses: string[];
  scopes: ScopeOnPage[];
  activity: ActivityEventView[];
  back: { href: string; label: string };
}) {
  return (
    <div className="max-w-6xl space-y-8">
      <div className="space-y-3">
        <Link href={back.href} prefetch={false} className="inline-flex items-center gap-1 text-sm text-brand-700 hover:underline">
          <ArrowLeft aria-hidden className="size-4" />
          {back.label}
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0 space-y-1">
            <h1 className="break-words text-2xl font-semibold">{token.name}</h1>
            <div className="flex flex-wrap items-center gap-2">
              <TokenStatusBadge state={token.state} />
              {token.state === 'Active' ? <ExpiresSoonBadge expiresAt={token.expiresAt} /> : null}
              <TokenIdCell tokenId={token.tokenId} />
            </div>
          </div>
          <TokenPageActions token={token} backHref={back.href} />
        </div>
      </div>

      <section aria-labelledby="token-details" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="token-details" className="sr-only">
          Details
        </h2>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-4 sm:gap-x-6 lg:grid-cols-3">
          <Detail label="Token ID">
            <TokenIdCell tokenId={token.tokenId} />
          </Detail>
          <Detail label="Status">
            <TokenStatusBadge state={token.state} />
          </Detail>
          <Detail label="Account">{token.accountName}</Detail>
          <Detail label="Environments">
            <TokenEnvironmentsCell appliesToAccount={token.appliesToAccount} environments={token.environments} />
            {token.appliesToAccount && reach.length > 0 ? <span className="block text-xs text-slate-500">Now: {reach.join(', ')}</span> : null}
          </Detail>
          <Detail label="Owner">
            <TokenOwnerCell email={token.ownerEmail} isServiceUser={token.ownerIsServiceUser} />
          </Detail>
          <Detail label="Created by">
            {token.createdByEmail ? <Email email={token.createdByEmail} /> : <span className="text-slate-500">Deleted user</span>}
          </Detail>
          <Detail label="Created">
            <WhenExact at={token.createdAt} />
          </Detail>
          <Detail label="Expires">{token.expiresAt ? <WhenExact at={token.expiresAt} /> : 'Never'}</Detail>
          <Detail label="Last used">
            {token.lastUsedAt ? (
              <span className="flex flex-col">
                <WhenExact at={token.lastUsedAt} />
                {token.lastUsedIp ? <span className="font-mono text-xs text-slate-600">from {token.lastUsedIp}</span> : null}
              </span>
            ) : (
              <span className="text-slate-500">Never</span>
            )}
          </Detail>
          <Detail label="Allowed client addresses">
            {allowedClientAddresses.length > 0 ? (
              <ul className="font-mono text-xs text-slate-700">
                {allowedClientAddresses.map((block) => (
                  <li key={block} className="break-all">
                    {block}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="text-slate-500">Any</span>
            )}
          </Detail>
          <Detail label="Rotated from">{token.rotatedFromTokenId ? <RotationLink tokenId={token.rotatedFromTokenId} /> : '—'}</Detail>
          <Detail label="Rotated to">
            {token.rotatedToTokenId ? <RotationLink tokenId={token.rotatedToTokenId} /> : token.rotatedAt ? 'a deleted token' : '—'}
          </Detail>
        </dl>
      </section>

      <section aria-labelledby="token-scopes" className="space-y-3">
        <div>
          <h2 id="token-scopes" className="text-lg font-semibold">
            Scopes
          </h2>
          <p className="text-sm text-slate-600">
            What the token may call, and whether its owner holds each permission now: a call works only with both.
          </p>
        </div>
        <ul className="grid grid-cols-[minmax(0,1fr)] gap-3 lg:grid-cols-2">
          {scopes.map((scope) => (
            <ScopeItem key={scope.name} scope={scope} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="token-activity" className="space-y-3">
        <h2 id="token-activity" className="text-lg font-semibold">
          Activity
        </h2>
        <ActivityTable caption={`Activity of ${token.name}`} events={activity} emptyText="Nothing has been done to this token yet." />
      </section>
    </div>
  );
}
