import { signOutAction } from '@/app/_lib/sign-out';
import { Button } from '@/components/ui/button';
import type { Actor } from '@/lib/auth/users';
import { NavLink } from './nav-link';

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
  const adminOf = actor.memberships.filter((m) => m.role === 'admin');
  for (const m of adminOf) {
    items.push({
      href: `/accounts/${encodeURIComponent(m.accountId)}/iam/platform-tokens`,
      match: `/accounts/${encodeURIComponent(m.accountId)}/iam`,
      label: adminOf.length > 1 ? `Identity & access management (${m.accountName})` : 'Identity & access management',
    });
  }
  if (actor.isInstanceAdmin) items.push({ href: '/admin/accounts', label: 'Accounts' });
  return items;
}

export function AppShell({ actor, children }: { actor: Actor; children: React.ReactNode }) {
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <span className="text-base font-semibold text-brand-800">Platform tokens</span>
          <nav aria-label="Main" className="flex flex-1 flex-wrap gap-1">
            {navItems(actor).map((item) => (
              <NavLink key={item.href} href={item.href} match={item.match}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex items-center gap-3">
            <NavLink href="/profile" label="Profile">
              <span className="break-all" data-testid="signed-in-email">
                {actor.email}
              </span>
            </NavLink>
            <form action={signOutAction}>
              <Button type="submit" variant="secondary" size="sm">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-8">
        {children}
      </main>
    </div>
  );
}
