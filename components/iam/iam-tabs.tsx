'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/cn';

const TABS = [
  { segment: 'platform-tokens', label: 'Platform tokens' },
  { segment: 'users', label: 'Users' },
  { segment: 'environments', label: 'Environments' },
  { segment: 'groups', label: 'Groups' },
  { segment: 'policies', label: 'Policies' },
  { segment: 'service-users', label: 'Service users' },
  { segment: 'activity', label: 'Activity' },
  { segment: 'simulator', label: 'Policy simulator' },
] as const;

/** The sections of an account's IAM pages; the current one is marked for screen readers too. */
export function IamTabs({ accountId }: { accountId: string }) {
  const pathname = usePathname();
  const base = `/accounts/${encodeURIComponent(accountId)}/iam`;
  return (
    <nav aria-label="Identity & access management" className="border-b border-slate-200">
      <ul className="-mb-px flex gap-1 overflow-x-auto">
        {TABS.map((tab) => {
          const href = `${base}/${tab.segment}`;
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={tab.segment}>
              <Link
                href={href}
                prefetch={false}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'inline-block whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium',
                  active
                    ? 'border-brand-600 text-brand-800'
                    : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900',
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
