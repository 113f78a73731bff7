'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { DeletePolicyDialog } from './policies-table';

export function PolicyDeleteButton({ accountId, policy }: { accountId: string; policy: { id: string; name: string; groupCount: number } }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <DeletePolicyDialog
        accountId={accountId}
        policy={open ? policy : null}
        onClose={() => setOpen(false)}
        returnToList
      />
    </>
  );
}
