'use client';

import { KeyRound, Menu, X } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import type { NavItem } from './app-shell';
import { NavLink } from './nav-link';

/**
 * The header: the portal's name, the navigation, the signed-in email (leading to Profile) and "Sign out". On a phone
 * (below 1024 px) the navigation folds into a "Menu" button that opens it below the header.
 */
export function MainNav({ items, email, signOut }: { items: NavItem[]; email: string; signOut: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const pathname = usePathname();

  // A chosen page closes the menu; so does Escape.
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-[96rem] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2.5 sm:px-6">
        <Link href="/platform-tokens" prefetch={false} className="flex items-center gap-2 rounded text-base font-semibold text-brand-800">
          <KeyRound aria-hidden className="size-5 text-brand-600" />
          Platform tokens
        </Link>
        <Button
          variant="ghost"
          size="sm"
          className="ml-auto lg:hidden"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X aria-hidden className="size-4" /> : <Menu aria-hidden className="size-4" />}
          Menu
        </Button>
        <div
          id={panelId}
          className={cn(
            'w-full flex-col gap-3 border-t border-slate-200 py-3 lg:flex lg:w-auto lg:flex-1 lg:flex-row lg:items-center lg:border-0 lg:py-0',
            open ? 'flex' : 'hidden',
          )}
        >
          <nav aria-label="Main" className="flex flex-col gap-1 lg:flex-1 lg:flex-row lg:flex-wrap">
            {items.map((item) => (
              <NavLink key={item.href} href={item.href} match={item.match}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-3 lg:border-0 lg:pt-0">
            <NavLink href="/profile" label="Profile">
              <span className="min-w-0 whitespace-normal break-all" data-testid="signed-in-email">
                {email}
              </span>
            </NavLink>
            <form action={signOut}>
              <Button type="submit" variant="secondary" size="sm">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </div>
    </header>
  );
}
