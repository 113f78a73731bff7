'use client';

export type CopyOutcome = 'copied' | 'selected';

/**
 * Copies text: through the clipboard API, or, without its permission (plain http, a browser
 * that asks), by selecting `fallback` and copying the selection the old way. When both fail the
 * text stays selected, for the person to copy with the keyboard.
 */
export async function copyText(text: string, fallback: HTMLElement | null): Promise<CopyOutcome> {
  try {
    await navigator.clipboard.writeText(text);
    return 'copied';
  } catch {
    if (fallback instanceof HTMLTextAreaElement || fallback instanceof HTMLInputElement) {
      fallback.focus();
      fallback.select();
    } else if (fallback) {
      const range = document.createRange();
      range.selectNodeContents(fallback);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
    }
    try {
      if (typeof document.execCommand === 'function' && document.execCommand('copy')) return 'copied';
    } catch {
      // Some browsers throw instead of answering false.
    }
    return 'selected';
  }
}

/** "Ctrl+C", or "⌘C" on a Mac. */
export function copyShortcut(): string {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? '⌘C' : 'Ctrl+C';
}
