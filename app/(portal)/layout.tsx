import { requireActor } from '@/app/_lib/session';
import { AppShell } from '@/components/app-shell/app-shell';
import { RouteFocus } from '@/components/app-shell/route-focus';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  return (
    <AppShell actor={actor}>
      <RouteFocus />
      {children}
    </AppShell>
  );
}
