import type { Metadata } from 'next';
import { requireActor } from '@/app/_lib/session';
import { OutboxTable } from '@/components/outbox/outbox-table';
import { Pager } from '@/components/ui/pager';
import { getDb } from '@/lib/db';
import { listOutbox } from '@/lib/platform/services/email-outbox';

export const metadata: Metadata = { title: 'Outbox' };

function pageOf(value: string | string[] | undefined): number {
  const n = Number.parseInt(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''), 10);
  return Number.isSafeInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

export default async function OutboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor();
  const page = pageOf((await searchParams).page);
  const { emails, hasNextPage } = await listOutbox(await getDb(), actor.userId, page);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Outbox</h1>
        <p className="text-sm text-slate-600">
          Emails sent through the email service with platform tokens you own or generated, newest first.
        </p>
      </div>
      <OutboxTable emails={emails} />
      <Pager page={page} hasNextPage={hasNextPage} href={(n) => `/outbox?page=${n}`} />
    </div>
  );
}
