import { DateTime } from '@/components/platform-tokens/local-time';
import { TokenIdCell } from '@/components/platform-tokens/token-cells';
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

/** The audit log: who did what, to which token or thing, when. */
export function ActivityTable({ caption, events, emptyText }: { caption: string; events: ActivityEventView[]; emptyText: string }) {
  return (
    <LogTable caption={caption} columns={['Time', 'Actor', 'Action', 'Token', 'Details']} rowCount={events.length} emptyText={emptyText}>
      {events.map((e) => (
        <tr key={e.id}>
          <td className="whitespace-nowrap px-3 py-2 align-top">
            <DateTime iso={e.at} />
          </td>
          <td className="px-3 py-2 align-top">{e.actorEmail}</td>
          <td className="whitespace-nowrap px-3 py-2 align-top font-medium text-slate-900">{ACTION_LABELS[e.action] ?? e.action}</td>
          <td className="px-3 py-2 align-top">
            {e.tokenId ? <TokenIdCell tokenId={e.tokenId} /> : null}
            {e.tokenCount !== null ? <BulkTokens tokenIds={e.tokenIds} count={e.tokenCount} /> : null}
          </td>
          <td className="px-3 py-2 align-top text-slate-700">
            {e.targetName ? <div className="font-medium text-slate-900">{e.targetName}</div> : null}
            {e.details.length > 0 ? (
              <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
                {e.details.map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="text-slate-500">{k}</dt>
                    <dd className="break-all">{v}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </td>
        </tr>
      ))}
    </LogTable>
  );
}
