'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/cn';

/** A navigation link that marks itself as the current page for sighted and screen-reader users. */
export function NavLink({ href, match, label, children }: { href: string; match?: string; label?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const active = pathname === href || pathname.startsWith(`${match ?? href}/`) || pathname === match;
  return (
    <Link
      href={href}
      // The pages behind the navigation are per-request lists; loading them all on every page is waste.
      prefetch={false}
      aria-current={active ? 'page' : undefined}
      title={label}
      className={cn(
        'whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium',
        active ? 'bg-brand-50 text-brand-800' : 'text-slate-700 hover:bg-slate-100',
      )}
    >
      {children}
    </Link>
  );
}
