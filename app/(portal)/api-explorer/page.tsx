import type { Metadata } from 'next';
import { requireActor } from '@/app/_lib/session';
import { ApiExplorer } from '@/components/api-explorer/api-explorer';
import { getDb } from '@/lib/db';
import { explorerCatalogue, explorerEnvironments } from '@/lib/platform/explorer';

export const metadata: Metadata = { title: 'API explorer' };

export default async function ApiExplorerPage() {
  const actor = await requireActor();
  const environments = await explorerEnvironments(
    await getDb(),
    actor.memberships.map((m) => m.accountId),
  );
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">API explorer</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          Every platform service and endpoint with the scopes it needs. Calls take{' '}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code>; the full description is at{' '}
          <a href="/api/openapi.json" className="text-brand-700 underline">
            /api/openapi.json
          </a>
          .
        </p>
      </div>
      <ApiExplorer services={explorerCatalogue()} environments={environments} />
    </div>
  );
}
