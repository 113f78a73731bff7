import { Suspense } from 'react';
import { signOutAction } from '@/app/_lib/sign-out';
import { NoticeProvider, NoticeRegion } from '@/components/ui/notice';
import { TooltipProvider } from '@/components/ui/when';
import type { Actor } from '@/lib/auth/users';
import { MainNav } from './main-nav';
import { NavigationProgress } from './navigation-progress';

export interface NavItem {
  href: string;
  label: string;
  /** Path prefix that marks the item current, when it differs from href. */
  match?: string;
}

/** The navigation of PRODUCT.md §5; only pages that exist are listed. */
export function navItems(actor: Actor): NavItem[] {
  const items: NavItem[] = [
    { href: '/platform-tokens', label: 'My platform tokens' },
    { href: '/api-explorer', label: 'API explorer' },
    { href: '/outbox', label: 'Outbox' },
  ];
  // One entry for every account the person administers; the account is chosen inside.
  const adminOf = actor.memberships.find((m) => m.role === 'admin');
  if (adminOf) {
    items.push({
      href: `/accounts/${encodeURIComponent(adminOf.accountId)}/iam/platform-tokens`,
      match: '/accounts',
      label: 'Identity & access management',
    });
  }
  if (actor.isInstanceAdmin) items.push({ href: '/admin/accounts', label: 'Accounts' });
  return items;
}

export function AppShell({ actor, children }: { actor: Actor; children: React.ReactNode }) {
  return (
    <NoticeProvider>
      <TooltipProvider>
        <div className="min-h-screen">
          <Suspense fallback={null}>
            <NavigationProgress />
          </Suspense>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
          >
            Skip to content
          </a>
          <MainNav items={navItems(actor)} email={actor.email} signOut={signOutAction} />
          <main id="main" tabIndex={-1} className="relative mx-auto max-w-[96rem] px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
            <NoticeRegion />
            {children}
          </main>
        </div>
      </TooltipProvider>
    </NoticeProvider>
  );
}
