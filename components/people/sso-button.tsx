'use client';

import { useState } from 'react';
import { signInWithSsoAction } from '@/app/_actions/sso';
import { Button } from '@/components/ui/button';
import { FormAlert } from '@/components/ui/field';

/** "Sign in with <name>": to the identity provider and back to `callbackUrl`. */
export function SsoButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-3">
      <FormAlert message={message} />
      <Button
        variant="secondary"
        className="w-full"
        disabled={pending}
        aria-busy={pending || undefined}
        onClick={async () => {
          setPending(true);
          setMessage(null);
          const result = await signInWithSsoAction(callbackUrl);
          setPending(false);
          if (!result.ok) setMessage(result.message);
        }}
      >
        Sign in with {name}
      </Button>
    </div>
  );
}
