'use client';

import { useRef, useState } from 'react';

export interface Outcome {
  message: string | null;
  /** Shows what a confirm dialog just did; the status line takes focus when that dialog closes. */
  report: (message: string) => void;
  /** For `ConfirmDialog`'s `returnFocus`: the status line after a report, else nothing (focus goes back to the opener). */
  returnFocus: () => HTMLElement | null;
  /** Callback ref for the status line. */
  attach: (element: HTMLParagraphElement | null) => void;
}

/**
 * The outcome of a row's confirm dialog, such as "Deleted group Ops.". The row, and the button
 * that opened the dialog with it, are gone once the change is made: without somewhere to go,
 * focus would fall to the page and a keyboard user would start over from the top.
 */
export function useOutcome(): Outcome {
  const [message, setMessage] = useState<string | null>(null);
  const element = useRef<HTMLParagraphElement | null>(null);
  const reported = useRef(false);
  return {
    message,
    report(next) {
      reported.current = true;
      setMessage(next);
    },
    returnFocus() {
      const done = reported.current;
      reported.current = false;
      return done ? element.current : null;
    },
    attach(node) {
      element.current = node;
    },
  };
}

/**
 * The status line of an `Outcome`, focusable from script only. Kept in the accessibility tree while
 * empty, so that screen readers know the live region before its first message.
 */
export function OutcomeStatus({ outcome: { message, attach } }: { outcome: Outcome }) {
  return (
    <p ref={attach} tabIndex={-1} role="status" className={message ? 'text-sm text-slate-800 focus:outline-none' : 'sr-only'}>
      {message}
    </p>
  );
}
