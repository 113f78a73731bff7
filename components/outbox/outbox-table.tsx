import { When } from '@/components/ui/when';
import { TokenIdCell } from '@/components/platform-tokens/token-cells';
import { LogTable } from '@/components/ui/log-table';
import { cn } from '@/lib/cn';
import type { OutboxEmail } from '@/lib/platform/services/email-outbox';

const STATUS: Record<OutboxEmail['status'], { label: string; style: string }> = {
  stored: { label: 'Stored', style: 'bg-slate-100 text-slate-700 ring-slate-500/30' },
  sending: { label: 'Sending', style: 'bg-blue-50 text-blue-800 ring-blue-600/30' },
  sent: { label: 'Sent', style: 'bg-green-50 text-green-800 ring-green-600/30' },
  failed: { label: 'Failed', style: 'bg-red-50 text-red-800 ring-red-600/30' },
};

function Recipients({ email }: { email: OutboxEmail }) {
  return (
    <div className="space-y-0.5">
      <div className="break-all">{email.to.join(', ')}</div>
      {email.cc.length > 0 ? <div className="break-all text-xs text-slate-500">Cc: {email.cc.join(', ')}</div> : null}
      {email.bcc.length > 0 ? <div className="break-all text-xs text-slate-500">Bcc: {email.bcc.join(', ')}</div> : null}
    </div>
  );
}

/** Emails sent through the email service; the body is shown as text, never rendered as HTML. */
export function OutboxTable({ emails }: { emails: OutboxEmail[] }) {
  return (
    <LogTable
      caption="Outbox"
      columns={['Time', 'To', 'Subject', 'Status', 'Sent as', 'Token ID', 'Environment']}
      rowCount={emails.length}
      emptyText="No emails yet. Emails sent with your platform tokens through the email service appear here."
    >
      {emails.map((e) => (
        <tr key={e.id}>
          <td className="whitespace-nowrap px-3 py-2 align-top">
            <When at={e.createdAt} />
          </td>
          <td className="px-3 py-2 align-top">
            <Recipients email={e} />
          </td>
          <td className="max-w-md px-3 py-2 align-top">
            <details>
              <summary className="cursor-pointer break-words font-medium text-slate-900">{e.subject}</summary>
              <pre className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs text-slate-800">
                {e.body}
              </pre>
              {e.contentType === 'text/html' ? <p className="mt-1 text-xs text-slate-500">HTML, shown as source.</p> : null}
            </details>
          </td>
          <td className="px-3 py-2 align-top">
            <span className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', STATUS[e.status].style)}>
              {STATUS[e.status].label}
            </span>
            {e.error ? <p className="mt-1 max-w-xs break-words text-xs text-red-700">{e.error}</p> : null}
          </td>
          <td className="px-3 py-2 align-top">{e.sentAs}</td>
          <td className="px-3 py-2 align-top">
            {e.tokenId ? <TokenIdCell tokenId={e.tokenId} /> : <span className="text-slate-500">Portal</span>}
          </td>
          <td className="whitespace-nowrap px-3 py-2 align-top">
            {e.environment ? (
              <>
                {e.environment.name} <span className="text-slate-500">({e.environment.accountName})</span>
              </>
            ) : (
              <span className="text-slate-500">—</span>
            )}
          </td>
        </tr>
      ))}
    </LogTable>
  );
}
