'use client';

import { Dialog as DialogPrimitive } from 'radix-ui';
import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';

export interface SecretToShow {
  tokenId: string;
  name: string;
  token: string;
}

async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Without clipboard permission, fall back to copying the selected field.
    field?.select();
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  }
}

/**
 * Shows a newly generated token once. The caller holds the secret only while this is open and
 * drops it in `onFinish`, however the dialog is closed. `returnFocus` names where focus goes
 * afterwards, when the element that had it before is gone.
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
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  return (
    <Dialog
      open={secret !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(null);
          onFinish();
        }
      }}
    >
      {secret ? (
        <DialogContent
          title="Your new platform token"
          description={`"${secret.name}" (${secret.tokenId}) is ready. Copy it now and keep it somewhere safe.`}
          onInteractOutside={(event) => event.preventDefault()}
          onCloseAutoFocus={(event) => {
            const target = returnFocus?.();
            if (!target) return;
            event.preventDefault();
            target.focus();
          }}
        >
          <div className="space-y-3">
            <label htmlFor="new-token-secret" className="block text-sm font-medium text-slate-800">
              Token
            </label>
            <div className="flex gap-2">
              <Input
                ref={field}
                id="new-token-secret"
                readOnly
                value={secret.token}
                autoComplete="off"
                spellCheck={false}
                className="font-mono text-xs"
                aria-describedby="new-token-warning"
                onFocus={(event) => event.currentTarget.select()}
              />
              <Button
                variant="secondary"
                onClick={async () => setCopied((await copyText(secret.token, field.current)) ? 'yes' : 'failed')}
              >
                Copy
              </Button>
            </div>
            <p role="status" className="min-h-5 text-sm text-green-800">
              {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying failed: select the token and copy it yourself.' : ''}
            </p>
            <p
              id="new-token-warning"
              className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              This token will not be shown again. If you lose it, generate a new one.
            </p>
          </div>
          <DialogFooter>
            <DialogPrimitive.Close asChild>
              <Button>Finish and exit</Button>
            </DialogPrimitive.Close>
          </DialogFooter>
        </DialogContent>
      ) : null}
    </Dialog>
  );
}
