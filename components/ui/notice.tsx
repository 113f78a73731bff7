'use client';

import { CircleAlert, CircleCheck, X } from 'lucide-react';
import { usePathname } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { cn } from '@/lib/cn';

// One way to tell the outcome of an action on every page: a line at the top of the content,
// announced by screen readers (a live region that is always on the page), dismissible, kept in
// memory only (a reload never shows it again) and dropped when the person moves to another page.

export type NoticeTone = 'success' | 'error';

interface NoticeState {
  id: number;
  message: string;
  tone: NoticeTone;
  /** The page it belongs to; it is shown there only. */
  path: string;
  /** Take keyboard focus once shown: the control that led here is gone. */
  focus: boolean;
}

export interface NotifyOptions {
  tone?: NoticeTone;
  /** The page the notice is for, when the caller navigates there next (default: this page). */
  path?: string;
  /** Move focus to the notice once it is on screen. */
  focus?: boolean;
}

interface NoticeContextValue {
  notice: NoticeState | null;
  notify: (message: string, options?: NotifyOptions) => void;
  dismiss: () => void;
  /** The notice's element, for dialogs that give focus back to it after their change. */
  element: () => HTMLElement | null;
  attach: (element: HTMLDivElement | null) => void;
}

const NoticeContext = createContext<NoticeContextValue | null>(null);

export function NoticeProvider({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  const [notice, setNotice] = useState<NoticeState | null>(null);
  const node = useRef<HTMLDivElement | null>(null);
  const nextId = useRef(1);

  const notify = useCallback(
    (message: string, options: NotifyOptions = {}) => {
      setNotice({
        id: nextId.current++,
        message,
        tone: options.tone ?? 'success',
        path: options.path ?? window.location.pathname,
        focus: options.focus ?? false,
      });
    },
    [],
  );
  const dismiss = useCallback(() => setNotice(null), []);
  const value = useMemo<NoticeContextValue>(
    () => ({
      notice: notice && notice.path === pathname ? notice : null,
      notify,
      dismiss,
      element: () => node.current,
      attach: (element) => {
        node.current = element;
      },
    }),
    [notice, pathname, notify, dismiss],
  );

  // Leaving the page the notice was for drops it, so coming back does not show it again. A notice
  // for the next page (set before navigating there) waits until that page is on screen.
  const shown = useRef<number | null>(null);
  useEffect(() => {
    if (!notice) return;
    if (notice.path === pathname) shown.current = notice.id;
    else if (shown.current === notice.id) setNotice(null);
  }, [notice, pathname]);

  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

export function useNotice(): NoticeContextValue {
  const value = useContext(NoticeContext);
  if (!value) throw new Error('useNotice needs a NoticeProvider');
  return value;
}

/**
 * Where the notice shows: at the top of the page's content. The live region stays on the page
 * while empty, so screen readers know it before its first message; focusable from script only.
 */
export function NoticeRegion() {
  const { notice, dismiss, attach, element } = useNotice();

  useEffect(() => {
    if (notice?.focus) element()?.focus({ preventScroll: false });
  }, [notice, element]);

  const Icon = notice?.tone === 'error' ? CircleAlert : CircleCheck;
  return (
    <div
      className={cn(
        notice ? 'mb-6 flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-sm' : 'contents',
        notice?.tone === 'error' ? 'border-red-200 bg-red-50 text-red-900' : 'border-green-200 bg-green-50 text-green-900',
      )}
    >
      <div
        ref={attach}
        tabIndex={-1}
        role="status"
        className={notice ? 'flex min-w-0 flex-1 items-start gap-3 rounded focus:outline-none focus-visible:outline-2' : 'sr-only'}
      >
        {notice ? (
          <>
            <Icon aria-hidden className="mt-0.5 size-4 shrink-0" />
            <p className="min-w-0 flex-1 break-words">{notice.message}</p>
          </>
        ) : null}
      </div>
      {notice ? (
        <button
          type="button"
          onClick={() => {
            dismiss();
            // The button goes with the notice; the content below is where the reader was.
            document.getElementById('main')?.focus({ preventScroll: true });
          }}
          className="-m-1 shrink-0 rounded p-1 hover:bg-black/10"
        >
          <X aria-hidden className="size-4" />
          <span className="sr-only">Dismiss</span>
        </button>
      ) : null}
    </div>
  );
}
