'use client';

import { Dialog as DialogPrimitive } from 'radix-ui';
import { useRef, useState } from 'react';
import { When } from '@/components/ui/when';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';

export interface LinkToShow {
  email: string;
  link: string;
  /** ISO date-time the link stops working. */
  expiresAt: string;
}

async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.select();
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  }
}

/** The invitation link, shown once with "Copy", for admins who hand it over themselves. */
export function InvitationLinkDialog({ shown, onClose }: { shown: LinkToShow | null; onClose: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <Dialog
      open={shown !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(null);
          onClose();
        }
      }}
    >
      {shown ? (
        <DialogContent
          title={`Invitation for ${shown.email}`}
          description="The invitation was emailed. You can also copy the link and hand it over yourself."
          onInteractOutside={(event) => event.preventDefault()}
        >
          <div className="space-y-3">
            <label htmlFor="invitation-link" className="block text-sm font-medium text-slate-800">
              Invitation link
            </label>
            <div className="flex gap-2">
              <Input
                ref={field}
                id="invitation-link"
                readOnly
                value={shown.link}
                autoComplete="off"
                spellCheck={false}
                className="min-w-0 font-mono text-xs"
                aria-describedby="invitation-link-warning"
                onFocus={(event) => event.currentTarget.select()}
              />
              <Button variant="secondary" onClick={async () => setCopied((await copyText(shown.link, field.current)) ? 'yes' : 'failed')}>
                Copy
              </Button>
            </div>
            <p role="status" className="min-h-5 text-sm text-green-800">
              {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying failed: select the link and copy it yourself.' : ''}
            </p>
            <p id="invitation-link-warning" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              This link is shown only now. It works once and expires <When at={shown.expiresAt} />.
            </p>
          </div>
          <DialogFooter>
            <DialogPrimitive.Close asChild>
              <Button>Done</Button>
            </DialogPrimitive.Close>
          </DialogFooter>
        </DialogContent>
      ) : null}
    </Dialog>
  );
}
