'use client';

import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button, type ButtonSize } from './button';
import { copyShortcut, copyText, type CopyOutcome } from './copy';

/**
 * "Copy", which says "Copied" on itself for a few seconds once it has. A status line for screen
 * readers tells the same, or, when the browser would not copy, that the text is selected.
 */
export function CopyButton({
  text,
  target,
  label = 'Copy',
  copiedMessage = 'Copied to the clipboard.',
  size = 'sm',
  className,
  statusClassName,
}: {
  text: string;
  /** The element holding the text, selected when the browser will not copy. */
  target: () => HTMLElement | null;
  label?: string;
  copiedMessage?: string;
  size?: ButtonSize;
  className?: string;
  statusClassName?: string;
}) {
  const [outcome, setOutcome] = useState<CopyOutcome | null>(null);
  useEffect(() => {
    if (outcome !== 'copied') return;
    const timer = setTimeout(() => setOutcome(null), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);
  return (
    <>
      <Button variant="secondary" size={size} className={className} onClick={async () => setOutcome(await copyText(text, target()))}>
        {outcome === 'copied' ? <Check aria-hidden className="size-4 text-green-700" /> : <Copy aria-hidden className="size-4" />}
        {outcome === 'copied' ? 'Copied' : label}
      </Button>
      <span role="status" className={outcome === 'selected' ? (statusClassName ?? 'text-sm text-slate-700') : 'sr-only'}>
        {outcome === 'copied' ? copiedMessage : outcome === 'selected' ? `Selected: press ${copyShortcut()} to copy.` : ''}
      </span>
    </>
  );
}
