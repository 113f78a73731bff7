'use client';

import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { copyShortcut, copyText, type CopyOutcome } from '@/components/ui/copy';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { inputClassName } from '@/components/ui/input';
import { cn } from '@/lib/cn';

export interface SecretToShow {
  tokenId: string;
  name: string;
  token: string;
}

type CopyState = 'idle' | CopyOutcome;

/**
 * Shows a newly generated token once. The caller holds the secret only while this is open and
 * drops it in `onFinish`. Only "Finish and exit" closes it: Escape and a click beside it would
 * lose a secret that cannot be shown again, so they only point at that button.
 * `returnFocus` names where focus goes afterwards, when the element that had it before is gone.
 */
export function TokenSecretDialog({
  secret,
  onFinish,
  returnFocus,
}: {
  secret: SecretToShow | null;
  onFinish: () => void;
  returnFocus?: () => HTMLElement | null;
}) {
  const field = useRef<HTMLTextAreaElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  const [nudged, setNudged] = useState(false);

  // "Copied" on the button for a few seconds, then "Copy" again.
  useEffect(() => {
    if (copy !== 'copied') return;
    const timer = setTimeout(() => setCopy('idle'), 4000);
    return () => clearTimeout(timer);
  }, [copy]);

  function finish() {
    setCopy('idle');
    setNudged(false);
    onFinish();
  }

  const status =
    copy === 'copied'
      ? 'Copied to the clipboard.'
      : copy === 'selected'
        ? `The token is selected: press ${copyShortcut()} to copy it.`
        : nudged
          ? 'Copy the token and keep it somewhere safe, then choose “Finish and exit”.'
          : '';

  return (
    <Dialog open={secret !== null}>
      {secret ? (
        <DialogContent
          title="Your new platform token"
          description={`"${secret.name}" (${secret.tokenId}) is ready. Copy it now and keep it somewhere safe.`}
          onEscapeKeyDown={(event) => {
            event.preventDefault();
            setNudged(true);
          }}
          onInteractOutside={(event) => {
            event.preventDefault();
            setNudged(true);
          }}
          onCloseAutoFocus={(event) => {
            const target = returnFocus?.();
            if (!target) return;
            event.preventDefault();
            target.focus();
          }}
        >
          <div className="space-y-3">
            <div className="flex items-end justify-between gap-2">
              <label htmlFor="new-token-secret" className="block text-sm font-medium text-slate-800">
                Token
              </label>
              <Button
                variant="secondary"
                size="sm"
                className="min-w-24"
                onClick={async () => setCopy(await copyText(secret.token, field.current))}
              >
                {copy === 'copied' ? <Check aria-hidden className="size-4 text-green-700" /> : <Copy aria-hidden className="size-4" />}
                {copy === 'copied' ? 'Copied' : 'Copy'}
              </Button>
            </div>
            {/* The whole token, wrapped: a single-line field would cut it off on every screen. */}
            <textarea
              ref={field}
              id="new-token-secret"
              readOnly
              value={secret.token}
              rows={3}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="new-token-warning"
              onFocus={(event) => event.currentTarget.select()}
              className={cn(inputClassName, 'field-sizing-content resize-none break-all font-mono text-sm leading-relaxed')}
            />
            <p role="status" className={cn('min-h-5 text-sm', copy === 'copied' ? 'sr-only' : 'text-slate-700')}>
              {status}
            </p>
            <p id="new-token-warning" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              This token will not be shown again. If you lose it, generate a new one.
            </p>
          </div>
          <DialogFooter>
            <Button onClick={finish}>Finish and exit</Button>
          </DialogFooter>
        </DialogContent>
      ) : null}
    </Dialog>
  );
}
