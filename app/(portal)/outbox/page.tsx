import type { Metadata } from 'next';
import Link from 'next/link';
import { requireActor } from '@/app/_lib/session';
import { OutboxTable } from '@/components/outbox/outbox-table';
import { getDb } from '@/lib/db';
import { listOutbox } from '@/lib/platform/services/email-outbox';

export const metadata: Metadata = { title: 'Outbox' };

const linkClass = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100';
const disabledClass = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-400';

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
      <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm text-slate-700">
        {page > 1 ? (
          <Link className={linkClass} href={`/outbox?page=${page - 1}`}>
            Previous
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Previous
          </span>
        )}
        <span aria-current="page">Page {page.toLocaleString('en-US')}</span>
        {hasNextPage ? (
          <Link className={linkClass} href={`/outbox?page=${page + 1}`}>
            Next
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Next
          </span>
        )}
      </nav>
    </div>
  );
}
