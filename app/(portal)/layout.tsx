import { requireActor } from '@/app/_lib/session';
import { AppShell } from '@/components/app-shell/app-shell';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  return <AppShell actor={actor}>{children}</AppShell>;
}
