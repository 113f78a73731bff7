'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/cn';

/**
 * For someone who administers several accounts: which account these pages are about, and the
 * same section in each of the others.
 */
export function IamAccountPicker({ accountId, accounts }: { accountId: string; accounts: { id: string; name: string }[] }) {
  const pathname = usePathname();
  // The section after /iam/ (platform-tokens, groups, …); a group's or policy's own page leads to its list.
  const section = /^\/accounts\/[^/]+\/iam\/([^/]+)/.exec(pathname)?.[1] ?? 'platform-tokens';
  return (
    <nav aria-label="Accounts" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-600">Account</span>
      <ul className="flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
        {accounts.map((a) => {
          const current = a.id === accountId;
          return (
            <li key={a.id}>
              <Link
                href={`/accounts/${encodeURIComponent(a.id)}/iam/${section}`}
                prefetch={false}
                aria-current={current ? 'page' : undefined}
                className={cn(
                  'inline-block rounded-md px-3 py-1 font-medium',
                  current ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900',
                )}
              >
                {a.name}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
