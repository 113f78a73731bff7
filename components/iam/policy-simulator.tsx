'use client';

import { useState } from 'react';
import { simulateAction } from '@/app/_actions/simulator';
import { Button } from '@/components/ui/button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import type { Identity } from '@/lib/iam/iam-queries';
import { attributesOf, PERMISSIONS } from '@/lib/iam/permissions';
import type { SimulationResult } from '@/lib/iam/simulator';
import { SERVICES } from '@/lib/platform/catalogue';
import { cn } from '@/lib/cn';

/** Asks the real evaluator what it would decide, and shows which statement decided. */
export function PolicySimulator({
  accountId,
  identities,
  environments,
}: {
  accountId: string;
  identities: Identity[];
  environments: { id: string; name: string }[];
}) {
  const [identity, setIdentity] = useState('');
  const [environmentId, setEnvironmentId] = useState('');
  const [permission, setPermission] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const attributes = attributesOf(permission);

  async function simulate(event: React.FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!identity) missing.identity = 'Choose a user or service user';
    if (!permission) missing.permission = 'Choose a permission';
    setErrors(missing);
    setMessage(null);
    if (Object.keys(missing).length > 0) return;
    setPending(true);
    try {
      const asked = Object.fromEntries(attributes.map((a) => [a.name, values[a.name] ?? '']));
      const response = await simulateAction({ accountId, identity, environmentId, permission, attributes: asked });
      if (response.ok) {
        setResult(response.data);
      } else {
        setErrors(response.fieldErrors);
        setMessage(response.message);
        setResult(null);
      }
    } finally {
      setPending(false);
    }
  }

  const users = identities.filter((i) => i.kind === 'user');
  const services = identities.filter((i) => i.kind === 'service-user');
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
      <form onSubmit={simulate} noValidate className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" aria-label="Simulate a permission check">
        <FormAlert message={message} />
        <Field id="sim-identity" label="Identity" error={errors.identity}>
          <Select value={identity} onChange={(e) => setIdentity(e.target.value)} {...describedBy('sim-identity', errors.identity)}>
            <option value="">Choose a user or service user</option>
            <optgroup label="Users">
              {users.map((i) => (
                <option key={i.ref} value={i.ref}>
                  {i.email}
                </option>
              ))}
            </optgroup>
            {services.length > 0 ? (
              <optgroup label="Service users">
                {services.map((i) => (
                  <option key={i.ref} value={i.ref}>
                    {i.email}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </Select>
        </Field>
        <Field
          id="sim-environment"
          label="Environment"
          error={errors.environmentId}
          hint="Account-wide checks (such as iam:service-users:use) count only policies bound to the whole account."
        >
          <Select
            value={environmentId}
            onChange={(e) => setEnvironmentId(e.target.value)}
            {...describedBy('sim-environment', errors.environmentId, 'hint')}
          >
            <option value="">Whole account</option>
            {environments.map((env) => (
              <option key={env.id} value={env.id}>
                {env.name} ({env.id})
              </option>
            ))}
          </Select>
        </Field>
        <Field id="sim-permission" label="Permission" error={errors.permission}>
          <Select
            value={permission}
            onChange={(e) => {
              setPermission(e.target.value);
              setResult(null);
            }}
            {...describedBy('sim-permission', errors.permission)}
          >
            <option value="">Choose a permission</option>
            {SERVICES.map((service) => {
              const permissions = PERMISSIONS.filter((p) => p.service === service.id);
              return permissions.length === 0 ? null : (
                <optgroup key={service.id} label={service.title}>
                  {permissions.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.name}
                    </option>
                  ))}
                </optgroup>
              );
            })}
          </Select>
        </Field>
        {attributes.length > 0 ? (
          <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-sm font-medium text-slate-800">Request attributes</legend>
            <p className="text-xs text-slate-500">Leave a value empty to simulate a request that does not carry it.</p>
            {attributes.map((a) => {
              const id = `sim-attr-${a.name.replace(/[^a-z0-9-]/gi, '-')}`;
              return (
                <Field key={a.name} id={id} label={a.name} hint={`${a.description}. Operators: ${a.operators.join(', ')}`} error={errors.attributes}>
                  <Input
                    value={values[a.name] ?? ''}
                    onChange={(e) => setValues({ ...values, [a.name]: e.target.value })}
                    autoComplete="off"
                    {...describedBy(id, errors.attributes, 'hint')}
                  />
                </Field>
              );
            })}
          </fieldset>
        ) : null}
        <Button type="submit" disabled={pending} aria-busy={pending || undefined}>
          Simulate
        </Button>
      </form>

      <section aria-labelledby="sim-result-heading" aria-live="polite" className="space-y-3">
        <h2 id="sim-result-heading" className="text-lg font-semibold">
          Result
        </h2>
        {result ? <SimulationOutcome result={result} /> : <p className="text-sm text-slate-600">Choose an identity and a permission, then Simulate.</p>}
      </section>
    </div>
  );
}

function SimulationOutcome({ result }: { result: SimulationResult }) {
  const attributes = Object.entries(result.attributes);
  return (
    <div
      className={cn('space-y-3 rounded-lg border p-4 text-sm', result.allowed ? 'border-emerald-300 bg-emerald-50' : 'border-red-300 bg-red-50')}
      data-testid="simulation-result"
    >
      <p className={cn('text-xl font-semibold', result.allowed ? 'text-emerald-800' : 'text-red-800')}>
        {result.allowed ? 'Allowed' : 'Denied'}
      </p>
      <p>
        <code>{result.permission}</code> for <strong>{result.identityEmail}</strong>{' '}
        {result.environmentName ? `in ${result.environmentName}` : 'account-wide'}
        {attributes.length > 0 ? <> with {attributes.map(([k, v]) => `${k} = "${v}"`).join(', ')}</> : null}.
      </p>
      {result.decidedBy ? (
        <div className="space-y-1">
          <p>
            Decided by statement {result.decidedBy.statementIndex + 1} of policy <strong>{result.decidedBy.policyName}</strong>:
          </p>
          <pre className="overflow-x-auto whitespace-pre-wrap rounded bg-white/70 p-2 font-mono text-xs">{result.decidedBy.text}</pre>
        </div>
      ) : (
        <p>{result.reason}.</p>
      )}
      <p className="text-slate-700">
        Policies in effect: {result.policiesInEffect.length === 0 ? 'none' : result.policiesInEffect.join(', ')}
      </p>
    </div>
  );
}
