'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { describedBy, Field, FormAlert } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';
import type { ExplorerEndpoint } from '@/lib/platform/explorer';
import { authorizationHeader, buildRequest, curlCommand, needsEnvironment } from './request';
import { ResponseView, type ExplorerResponse } from './response-view';

interface Props {
  endpoint: ExplorerEndpoint;
  environmentId: string;
  /** Shared by every endpoint while the page is open; kept in memory only. */
  authorization: string;
  onAuthorizationChange: (value: string) => void;
}

function fieldId(endpoint: ExplorerEndpoint, name: string): string {
  return `${endpoint.id.replace(/[^A-Za-z0-9-]/g, '-')}-${name.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/** Sends the request and reads the whole answer, timing both. */
async function sendRequest(url: string, init: RequestInit): Promise<ExplorerResponse> {
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const milliseconds = Math.round(performance.now() - started);
  let body = text;
  try {
    body = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as it came
  }
  return { status: response.status, statusText: response.statusText, headers: [...response.headers.entries()], body, milliseconds };
}

/** "Try it out" for one endpoint: the Authorization field, parameters and body, "Send", the response and curl. */
export function EndpointTryOut({ endpoint, environmentId, authorization, onAuthorizationChange }: Props) {
  const [pathValues, setPathValues] = useState<Record<string, string>>({});
  const [queryValues, setQueryValues] = useState<Record<string, string>>({});
  const [body, setBody] = useState(endpoint.exampleBody ?? '');
  const [sending, setSending] = useState(false);
  const [response, setResponse] = useState<ExplorerResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const curlRef = useRef<HTMLPreElement>(null);
  const request = buildRequest(environmentId, endpoint, pathValues, queryValues, endpoint.requestBody ? body : null);

  async function send(event: React.FormEvent) {
    event.preventDefault();
    setSending(true);
    setFailure(null);
    try {
      const headers: Record<string, string> = {};
      const header = authorizationHeader(authorization);
      if (header) headers.Authorization = header;
      if (request.body !== null) headers['Content-Type'] = 'application/json';
      // The token goes in the header only; cookies of the portal are not sent along.
      const result = await sendRequest(request.url, {
        method: request.method,
        headers,
        body: request.body,
        credentials: 'omit',
        cache: 'no-store',
      });
      setResponse(result);
    } catch (error) {
      setResponse(null);
      setFailure(`The request could not be sent: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setSending(false);
    }
  }

  const authorizationId = fieldId(endpoint, 'authorization');
  const curl = curlCommand(typeof window === 'undefined' ? '' : window.location.origin, request);
  return (
    <form onSubmit={send} className="mt-4 min-w-0 space-y-4 rounded-md border border-slate-200 bg-slate-50 p-3 sm:p-4" noValidate>
      <Field
        id={authorizationId}
        label="Authorization"
        hint="Paste Bearer followed by your platform token. It is sent with your requests from this page and not stored."
      >
        <Input
          {...describedBy(authorizationId, undefined, 'hint')}
          value={authorization}
          onChange={(e) => onAuthorizationChange(e.target.value)}
          placeholder="Bearer dt0s16.…"
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
        />
      </Field>
      {endpoint.pathParams.map((name) => {
        const id = fieldId(endpoint, `path-${name}`);
        return (
          <Field key={name} id={id} label={name} hint="Path parameter">
            <Input
              {...describedBy(id, undefined, 'hint')}
              value={pathValues[name] ?? ''}
              onChange={(e) => setPathValues((v) => ({ ...v, [name]: e.target.value }))}
              autoComplete="off"
              required
            />
          </Field>
        );
      })}
      {endpoint.queryParams.map((param) => {
        const id = fieldId(endpoint, `query-${param.name}`);
        const hint = `Query parameter${param.required ? '' : ', optional'}${param.hint ? ` (${param.hint})` : ''}`;
        return (
          <Field key={param.name} id={id} label={param.name} hint={hint}>
            <Input
              {...describedBy(id, undefined, 'hint')}
              value={queryValues[param.name] ?? ''}
              onChange={(e) => setQueryValues((v) => ({ ...v, [param.name]: e.target.value }))}
              autoComplete="off"
            />
          </Field>
        );
      })}
      {endpoint.requestBody ? (
        <Field id={fieldId(endpoint, 'body')} label="Body" hint={endpoint.requestBody}>
          <Textarea
            {...describedBy(fieldId(endpoint, 'body'), undefined, 'hint')}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            rows={6}
            spellCheck={false}
            className="font-mono"
          />
        </Field>
      ) : null}
      <Button type="submit" disabled={sending || (needsEnvironment(endpoint) && !environmentId)}>
        {sending ? 'Sending…' : 'Send'}
      </Button>
      <FormAlert message={failure} />
      {response ? <ResponseView response={response} /> : null}
      <div className="space-y-1">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h4 className="text-sm font-medium text-slate-800">curl</h4>
          <CopyButton text={curl} target={() => curlRef.current} label="Copy curl command" copiedMessage="Copied the curl command." />
        </div>
        <pre
          ref={curlRef}
          className="overflow-x-auto rounded bg-[#0f172a] p-3 text-xs text-[#e2e8f0]"
          aria-label="Equivalent curl command"
        >
          {curl}
        </pre>
        <p className="text-xs text-slate-500">It reads your token from <code>$TOKEN</code>, so the token stays out of your shell history.</p>
      </div>
    </form>
  );
}
