'use client';

import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { cn } from '@/lib/cn';

export interface StatementsEditorHandle {
  /** Puts the cursor at a 1-based line and column and focuses the editor. */
  goTo(line: number, column: number): void;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * A code textarea for policy statements: line numbers in a gutter that scrolls with the text, the
 * line holding the error marked, and the cursor's line and column shown below.
 */
export const StatementsEditor = forwardRef<
  StatementsEditorHandle,
  {
    id: string;
    value: string;
    onChange: (value: string) => void;
    onBlur?: () => void;
    name?: string;
    errorLine: number | null;
    invalid: boolean;
    describedBy?: string;
  }
>(function StatementsEditor({ id, value, onChange, onBlur, name, errorLine, invalid, describedBy }, ref) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState({ line: 1, column: 1 });
  const lineCount = value.split('\n').length;

  const trackCursor = () => {
    const element = textarea.current;
    if (element) setCursor(positionOf(element.value, element.selectionStart));
  };

  useImperativeHandle(ref, () => ({
    goTo(line, column) {
      const element = textarea.current;
      if (!element) return;
      const offset = offsetOf(element.value, line, column);
      element.focus();
      element.setSelectionRange(offset, offset);
      setCursor({ line, column });
    },
  }));

  return (
    <div>
      <div
        className={cn(
          'flex overflow-hidden rounded-md border bg-white font-mono text-sm leading-6 shadow-sm focus-within:ring-2 focus-within:ring-brand-600/30',
          invalid ? 'border-red-500' : 'border-slate-300 focus-within:border-brand-600',
        )}
      >
        <div ref={gutter} aria-hidden="true" className="h-96 select-none overflow-hidden border-r border-slate-200 bg-slate-50 py-2 text-right text-slate-400">
          {Array.from({ length: lineCount }, (_, i) => (
            <div key={i} className={cn('px-2', errorLine === i + 1 && 'bg-red-100 font-semibold text-red-700')}>
              {i + 1}
            </div>
          ))}
          {/* Room for the horizontal scrollbar, so the last numbers stay level with their lines. */}
          <div className="h-6" />
        </div>
        <textarea
          ref={textarea}
          id={id}
          name={name}
          value={value}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className="h-96 flex-1 resize-none bg-transparent px-3 py-2 text-slate-900 outline-none"
          onChange={(event) => {
            onChange(event.target.value);
            trackCursor();
          }}
          onBlur={onBlur}
          onSelect={trackCursor}
          onKeyUp={trackCursor}
          onClick={trackCursor}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      <p className="mt-1 text-right text-xs text-slate-500" data-testid="cursor-position">
        Line {cursor.line}, column {cursor.column}
      </p>
    </div>
  );
});
