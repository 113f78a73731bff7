'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import type { ExplorerEndpoint, ExplorerEnvironment, ExplorerService } from '@/lib/platform/explorer';
import { EndpointTryOut } from './endpoint-try-out';

/**
 * An endpoint's description as the OpenAPI document has it, where `backticks` mark a parameter,
 * a header or a value: those parts shown as code, the backticks themselves not.
 */
function withInlineCode(text: string): React.ReactNode[] {
  return text.split(/`([^`]+)`/).map((part, index) =>
    index % 2 === 1 ? (
      <code key={index} className="break-all rounded bg-slate-100 px-1 py-0.5">
        {part}
      </code>
    ) : (
      part
    ),
  );
}

const METHOD_COLORS: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-900',
  POST: 'bg-green-100 text-green-900',
  PUT: 'bg-amber-100 text-amber-900',
  PATCH: 'bg-amber-100 text-amber-900',
  DELETE: 'bg-red-100 text-red-900',
};

function EndpointCard({
  endpoint,
  open,
  onToggle,
  children,
}: {
  endpoint: ExplorerEndpoint;
  open: boolean;
  onToggle: () => void;
  children: React.ReactNode;
}) {
  const headingId = `endpoint-${endpoint.id.replace(/[^A-Za-z0-9-]/g, '-')}`;
  const panelId = `${headingId}-try-out`;
  return (
    <section aria-labelledby={headingId} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <h3 id={headingId} className="flex flex-wrap items-center gap-2 font-mono text-sm">
            <span className={`rounded px-2 py-0.5 text-xs font-semibold ${METHOD_COLORS[endpoint.method] ?? ''}`}>{endpoint.method}</span>
            <span className="break-all">{endpoint.path}</span>
          </h3>
          <p className="text-sm text-slate-700">{endpoint.summary}</p>
          {endpoint.description ? <p className="text-xs text-slate-600">{withInlineCode(endpoint.description)}</p> : null}
          <p className="text-xs text-slate-600">
            Scope{endpoint.scopes.length > 1 ? 's' : ''}:{' '}
            {endpoint.scopes.map((scope) => (
              <code key={scope} className="mr-1 break-all rounded bg-slate-100 px-1 py-0.5">
                {scope}
              </code>
            ))}
            {endpoint.perRequestScopes.length > 0 ? (
              <>
                {' '}and one of{' '}
                {endpoint.perRequestScopes.map((scope) => (
                  <code key={scope} className="mr-1 break-all rounded bg-slate-100 px-1 py-0.5">
                    {scope}
                  </code>
                ))}
              </>
            ) : null}
          </p>
        </div>
        <Button variant="secondary" size="sm" aria-expanded={open} aria-controls={panelId} onClick={onToggle}>
          {open ? 'Close' : 'Try it out'}
        </Button>
      </div>
      <div id={panelId}>{open ? children : null}</div>
    </section>
  );
}

function matches(endpoint: ExplorerEndpoint, words: string[]): boolean {
  if (words.length === 0) return true;
  const haystack = [endpoint.method, endpoint.path, endpoint.summary, endpoint.description ?? '', ...endpoint.scopes, ...endpoint.perRequestScopes]
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * The API explorer of PRODUCT.md §5: every service and endpoint with its scopes, a search over
 * them, the list of services to jump to, and "Try it out".
 */
export function ApiExplorer({ services, environments }: { services: ExplorerService[]; environments: ExplorerEnvironment[] }) {
  const [environmentId, setEnvironmentId] = useState(environments[0]?.id ?? '');
  const [authorization, setAuthorization] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = services
    .map((service) => ({ ...service, endpoints: service.endpoints.filter((e) => matches(e, words)) }))
    .filter((service) => service.endpoints.length > 0);
  const total = shown.reduce((n, s) => n + s.endpoints.length, 0);

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-8 lg:grid-cols-[14rem_minmax(0,1fr)]">
      <aside className="space-y-4 lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto">
        <Field id="explorer-search" label="Search endpoints">
          <Input
            id="explorer-search"
            type="search"
            placeholder="Path, scope or summary"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            autoComplete="off"
          />
        </Field>
        <p className="text-sm text-slate-600" aria-live="polite">
          {total} {total === 1 ? 'endpoint' : 'endpoints'}
        </p>
        <nav aria-label="Services">
          <ul className="flex flex-wrap gap-1 lg:flex-col">
            {shown.map((service) => (
              <li key={service.id}>
                <a
                  href={`#service-${service.id}`}
                  className="flex items-center justify-between gap-2 rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 max-lg:border max-lg:border-slate-200 max-lg:bg-white"
                >
                  {service.title}
                  <span className="text-xs text-slate-500">{service.endpoints.length}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="min-w-0 space-y-8">
        <div className="max-w-md">
          <Field id="explorer-environment" label="Environment" hint="Requests go to /e/<environment>/platform/…">
            <Select
              id="explorer-environment"
              aria-describedby="explorer-environment-hint"
              value={environmentId}
              onChange={(e) => setEnvironmentId(e.target.value)}
              disabled={environments.length === 0}
            >
              {environments.length === 0 ? <option value="">No environments</option> : null}
              {environments.map((env) => (
                <option key={env.id} value={env.id}>
                  {env.accountName}: {env.name} ({env.id})
                </option>
              ))}
            </Select>
          </Field>
        </div>
        {shown.length === 0 ? <p className="text-sm text-slate-600">No endpoint matches “{search}”.</p> : null}
        {shown.map((service) => (
          <section key={service.id} aria-labelledby={`service-${service.id}`} className="scroll-mt-4 space-y-3">
            <div>
              <h2 id={`service-${service.id}`} className="scroll-mt-4 text-lg font-semibold">
                {service.title}
              </h2>
              <p className="text-sm text-slate-600">{service.description}</p>
            </div>
            <ul className="space-y-3">
              {service.endpoints.map((endpoint) => (
                <li key={endpoint.id}>
                  <EndpointCard
                    endpoint={endpoint}
                    open={openId === endpoint.id}
                    onToggle={() => setOpenId((current) => (current === endpoint.id ? null : endpoint.id))}
                  >
                    <EndpointTryOut
                      endpoint={endpoint}
                      environmentId={environmentId}
                      authorization={authorization}
                      onAuthorizationChange={setAuthorization}
                    />
                  </EndpointCard>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
