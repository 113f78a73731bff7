'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { createGroupAction, renameGroupAction } from '@/app/_actions/groups';
import { describedBy, Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input, Textarea } from '@/components/ui/input';
import { useNotice } from '@/components/ui/notice';
import { createGroupSchema } from '@/lib/validations/iam';
import { applyActionErrors } from './field-errors';

const fieldsSchema = createGroupSchema.pick({ name: true, description: true });
type GroupFields = z.input<typeof fieldsSchema>;

/** Creates a group (then opens it) or, given one, renames it and edits its description. */
export function GroupFormDialog({
  accountId,
  group,
  open,
  onOpenChange,
}: {
  accountId: string;
  group?: { id: string; name: string; description: string };
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const router = useRouter();
  const { notify } = useNotice();
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<GroupFields>({
    resolver: zodResolver(fieldsSchema),
    values: { name: group?.name ?? '', description: group?.description ?? '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = group
      ? await renameGroupAction({ accountId, groupId: group.id, ...values })
      : await createGroupAction({ accountId, ...values });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['name', 'description']));
      return;
    }
    onOpenChange(false);
    reset();
    if (!group && result.data) {
      const page = `/accounts/${encodeURIComponent(accountId)}/iam/groups/${result.data.id}`;
      notify(`Created group ${values.name}.`, { path: page });
      router.push(page);
    } else {
      notify(`Saved group ${values.name}.`);
    }
  });

  const prefix = group ? `group-${group.id}` : 'new-group';
  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setMessage(null);
        onOpenChange(next);
      }}
      title={group ? `Rename group ${group.name}` : 'Create group'}
      description="Members of a group get the permissions of the policies bound to it."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel={group ? 'Save' : 'Create group'}
    >
      <Field id={`${prefix}-name`} label="Group name" error={errors.name?.message}>
        <Input autoComplete="off" {...describedBy(`${prefix}-name`, errors.name?.message)} {...register('name')} />
      </Field>
      <Field id={`${prefix}-description`} label="Description" error={errors.description?.message}>
        <Textarea rows={2} {...describedBy(`${prefix}-description`, errors.description?.message)} {...register('description')} />
      </Field>
    </FormDialog>
  );
}
