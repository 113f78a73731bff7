'use client';

import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';

/** Shown when a page fails to render: a plain message and a way to try again, never a stack trace. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold">
        Something went wrong
      </h1>
      <p className="mt-3 text-slate-700">
        The page could not be shown. If the portal was just started or its database is restarting, this
        passes in a moment.
      </p>
      {error.digest ? <p className="mt-2 text-sm text-slate-500">Reference: {error.digest}</p> : null}
      <div className="mt-6">
        <Button onClick={reset}>Try again</Button>
      </div>
    </main>
  );
}
