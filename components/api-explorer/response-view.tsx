export interface ExplorerResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  /** From sending the request to reading the whole response. */
  milliseconds: number;
}

/** The response of "Send": status, headers and body, announced when it arrives. */
export function ResponseView({ response }: { response: ExplorerResponse }) {
  const ok = response.status >= 200 && response.status < 300;
  return (
    <section aria-label="Response" aria-live="polite" className="space-y-3">
      <h4 className="text-sm font-medium text-slate-800">Response</h4>
      <p className="text-sm">
        Status:{' '}
        <span data-testid="response-status" className={ok ? 'font-semibold text-green-800' : 'font-semibold text-red-800'}>
          {response.status}
          {response.statusText ? ` ${response.statusText}` : ''}
        </span>
        <span className="ml-3 text-slate-600">
          Time: <span data-testid="response-time">{response.milliseconds.toLocaleString('en-US')} ms</span>
        </span>
      </p>
      <div>
        <h5 className="text-xs font-medium uppercase tracking-wide text-slate-600">Headers</h5>
        <dl className="mt-1 grid grid-cols-1 gap-x-4 gap-y-1 font-mono text-xs sm:grid-cols-[max-content_1fr]">
          {response.headers.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-slate-600">{name}</dt>
              <dd className="break-all">{value}</dd>
            </div>
          ))}
        </dl>
      </div>
      <div>
        <h5 className="text-xs font-medium uppercase tracking-wide text-slate-600">Body</h5>
        <pre aria-label="Response body" className="mt-1 max-h-96 overflow-auto rounded bg-white p-3 font-mono text-xs ring-1 ring-slate-200">
          {response.body || '(empty)'}
        </pre>
      </div>
    </section>
  );
}
