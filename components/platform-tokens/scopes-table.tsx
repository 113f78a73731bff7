'use client';

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { errorId } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SCOPES, SERVICES, type Scope, type Service } from '@/lib/platform/catalogue';

/** Where the chosen owner holds a scope, within the environments the token will reach. */
export type ScopeHolding = { kind: 'all' } | { kind: 'none' } | { kind: 'some'; environments: string[] };

/** The calls each scope allows (registry.ts `endpointsByScope`), given by the page. */
export type ScopeEndpoints = Readonly<Record<string, readonly { id: string; method: string; path: string; summary: string }[]>>;

function matches(scope: Scope, service: Service, filter: string, endpointsByScope: ScopeEndpoints): boolean {
  if (!filter) return true;
  const haystack = [
    scope.name,
    scope.description,
    service.title,
    ...(endpointsByScope[scope.name] ?? []).map((e) => `${e.method} ${e.path} ${e.summary}`),
  ]
    .join(' ')
    .toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

function SelectAll({
  service,
  names,
  selected,
  onToggle,
}: {
  service: Service;
  names: string[];
  selected: ReadonlySet<string>;
  onToggle: (names: string[], on: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const count = names.filter((n) => selected.has(n)).length;
  const all = count === names.length && names.length > 0;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <label className="inline-flex items-center gap-2 text-sm font-normal text-slate-700">
      <input ref={ref} type="checkbox" className="size-4" checked={all} onChange={(e) => onToggle(names, e.target.checked)} />
      Select all {service.title} scopes
    </label>
  );
}

/**
 * Every scope of the catalogue, grouped by service, with the endpoints each one grants. Scopes the
 * owner does not hold are marked, since the token could not use them.
 */
export function ScopesTable({
  selected,
  onChange,
  ownerEmail,
  holdingOf,
  endpointsByScope,
  error,
}: {
  selected: readonly string[];
  onChange: (scopes: string[]) => void;
  ownerEmail: string;
  holdingOf: (scope: string) => ScopeHolding;
  endpointsByScope: ScopeEndpoints;
  error?: string;
}) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const chosen = useMemo(() => new Set(selected), [selected]);
  const groups = useMemo(
    () =>
      SERVICES.map((service) => ({
        service,
        scopes: SCOPES.filter((s) => s.service === service.id && matches(s, service, filter.trim(), endpointsByScope)),
      })).filter((g) => g.scopes.length > 0),
    [filter, endpointsByScope],
  );

  function toggle(names: string[], on: boolean) {
    const next = new Set(chosen);
    for (const n of names) {
      if (on) next.add(n);
      else next.delete(n);
    }
    // Keep the catalogue's order, so the form's value does not depend on click order.
    onChange(SCOPES.map((s) => s.name).filter((n) => next.has(n)));
  }

  return (
    <fieldset
      className="space-y-3"
      aria-describedby={error ? errorId('scopes') : undefined}
      aria-invalid={error ? true : undefined}
      id="scopes"
      tabIndex={-1}
    >
      <legend className="text-sm font-medium text-slate-800">Scopes</legend>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-full max-w-sm space-y-1">
          <label htmlFor={filterId} className="block text-sm text-slate-700">
            Filter scopes
          </label>
          <Input
            id={filterId}
            type="search"
            placeholder="Scope, service or endpoint"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
        <p className="text-sm text-slate-600" aria-live="polite">
          {selected.length} of {SCOPES.length} scopes selected
        </p>
      </div>
      {error ? (
        <p id={errorId('scopes')} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {groups.length === 0 ? <p className="text-sm text-slate-600">No scope matches “{filter}”.</p> : null}
      {/* A list per service rather than a table: on a phone each scope stacks above its endpoints. */}
      <div className="divide-y divide-slate-200 overflow-hidden rounded-md border border-slate-200 bg-white">
        <div aria-hidden className="hidden bg-slate-50 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600 md:grid md:grid-cols-2 md:gap-4">
          <span>Scope</span>
          <span>Endpoints it grants</span>
        </div>
        {groups.map(({ service, scopes }) => (
          <section key={service.id} aria-labelledby={`scope-service-${service.id}`}>
            <div className="flex flex-wrap items-center justify-between gap-2 bg-slate-50/60 px-3 py-2">
              <h3 id={`scope-service-${service.id}`} className="text-sm">
                <span className="font-semibold text-slate-900">{service.title}</span>{' '}
                <span className="font-normal text-slate-500">— {service.description}</span>
              </h3>
              <SelectAll service={service} names={scopes.map((s) => s.name)} selected={chosen} onToggle={toggle} />
            </div>
            <ul className="divide-y divide-slate-100">
              {scopes.map((scope) => {
                const holding = holdingOf(scope.name);
                const noteId = `scope-note-${scope.name}`;
                return (
                  <li key={scope.name} className="grid gap-1 px-3 py-2 text-sm md:grid-cols-2 md:gap-4">
                    <div className="min-w-0">
                      <label className="flex items-start gap-2">
                        <input
                          type="checkbox"
                          className="mt-0.5 size-4 shrink-0"
                          checked={chosen.has(scope.name)}
                          onChange={(e) => toggle([scope.name], e.target.checked)}
                          aria-describedby={holding.kind === 'all' ? undefined : noteId}
                        />
                        <span className="break-all font-mono text-xs">{scope.name}</span>
                      </label>
                      <p className="ml-6 text-xs text-slate-600">{scope.description}</p>
                      {holding.kind === 'none' ? (
                        <p id={noteId} className="ml-6 mt-1 text-xs font-medium text-amber-800">
                          not granted to {ownerEmail}
                        </p>
                      ) : holding.kind === 'some' ? (
                        <p id={noteId} className="ml-6 mt-1 text-xs font-medium text-amber-800">
                          granted to {ownerEmail} only in {holding.environments.join(', ')}
                        </p>
                      ) : null}
                    </div>
                    <ul aria-label={`Endpoints ${scope.name} grants`} className="ml-6 space-y-0.5 md:ml-0">
                      {(endpointsByScope[scope.name] ?? []).map((e) => (
                        <li key={e.id} className="flex gap-2 font-mono text-xs text-slate-700">
                          <span className="w-12 shrink-0 font-semibold">{e.method}</span>
                          <span className="min-w-0 break-all">{e.path}</span>
                        </li>
                      ))}
                    </ul>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
    </fieldset>
  );
}
