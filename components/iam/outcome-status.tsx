'use client';

import { useRef } from 'react';
import { useNotice } from '@/components/ui/notice';

export interface Outcome {
  /** Shows what a confirm dialog just did; the page's notice takes focus when that dialog closes. */
  report: (message: string) => void;
  /** For `ConfirmDialog`'s `returnFocus`: the notice after a report, else nothing (focus goes back to the opener). */
  returnFocus: () => HTMLElement | null;
}

/**
 * The outcome of a row's confirm dialog, such as "Deleted group Ops.", told by the page's notice.
 * The row, and the button that opened the dialog with it, are gone once the change is made:
 * without somewhere to go, focus would fall to the page and a keyboard user would start over.
 */
export function useOutcome(): Outcome {
  const { notify, element } = useNotice();
  const reported = useRef(false);
  return {
    report(message) {
      reported.current = true;
      notify(message);
    },
    returnFocus() {
      const done = reported.current;
      reported.current = false;
      return done ? element() : null;
    },
  };
}
