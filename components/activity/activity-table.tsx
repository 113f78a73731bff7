import { When } from '@/components/ui/when';
import { Email, TokenIdCell } from '@/components/platform-tokens/token-cells';
import { LogTable } from '@/components/ui/log-table';
import { ACTION_LABELS } from './action-labels';
import type { ActivityEventView } from './activity-event-view';

function BulkTokens({ tokenIds, count }: { tokenIds: string[]; count: number }) {
  return (
    <details>
      <summary className="cursor-pointer text-slate-700">
        {count.toLocaleString('en-US')} {count === 1 ? 'token' : 'tokens'}
      </summary>
      <ul className="mt-1 space-y-0.5">
        {tokenIds.map((id) => (
          <li key={id}>
            <TokenIdCell tokenId={id} />
          </li>
        ))}
      </ul>
      {count > tokenIds.length ? (
        <p className="text-xs text-slate-500">and {(count - tokenIds.length).toLocaleString('en-US')} more</p>
      ) : null}
    </details>
  );
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function Details({ event: e }: { event: ActivityEventView }) {
  return (
    <>
      {e.targetName ? <div className="font-medium text-slate-900">{e.targetName}</div> : null}
      {e.details.length > 0 ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
          {e.details.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-500">{k}</dt>
              {/* Times recorded in an event read like every other time of the portal. */}
              <dd className="break-all">{ISO_INSTANT.test(v) ? <When at={v} /> : v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </>
  );
}

function TokenCell({ event: e }: { event: ActivityEventView }) {
  return (
    <>
      {e.tokenId ? <TokenIdCell tokenId={e.tokenId} /> : null}
      {e.tokenCount !== null ? <BulkTokens tokenIds={e.tokenIds} count={e.tokenCount} /> : null}
    </>
  );
}

/** The audit log: who did what, to which token or thing, when. A list of cards on a phone. */
export function ActivityTable({ caption, events, emptyText }: { caption: string; events: ActivityEventView[]; emptyText: string }) {
  return (
    <>
      <LogTable
        caption={caption}
        columns={['Time', 'Actor', 'Action', 'Token', 'Details']}
        rowCount={events.length}
        emptyText={emptyText}
        // Without events, the table's one line says so at every width.
        className={events.length > 0 ? 'hidden md:block' : undefined}
      >
        {events.map((e) => (
          <tr key={e.id}>
            <td className="whitespace-nowrap px-3 py-2 align-top">
              <When at={e.at} />
            </td>
            <td className="px-3 py-2 align-top">
              <Email email={e.actorEmail} />
            </td>
            <td className="whitespace-nowrap px-3 py-2 align-top font-medium text-slate-900">{ACTION_LABELS[e.action] ?? e.action}</td>
            <td className="px-3 py-2 align-top">
              <TokenCell event={e} />
            </td>
            <td className="px-3 py-2 align-top text-slate-700">
              <Details event={e} />
            </td>
          </tr>
        ))}
      </LogTable>
      {events.length === 0 ? null : (
        <div className="md:hidden">
          <ul aria-label={caption} className="space-y-3">
            {events.map((e) => (
              <li key={e.id} className="space-y-1.5 rounded-lg border border-slate-200 bg-white p-4 text-sm">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="font-medium text-slate-900">{ACTION_LABELS[e.action] ?? e.action}</span>
                  <When at={e.at} className="text-xs text-slate-600" />
                </div>
                <p className="break-all text-slate-700">{e.actorEmail}</p>
                <TokenCell event={e} />
                <div className="text-slate-700">
                  <Details event={e} />
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
